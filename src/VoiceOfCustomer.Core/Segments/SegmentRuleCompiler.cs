using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Segments;

/// <summary>What a compiled rule reads besides the customer row: the metrics' ids, the contracts and measurements, and now (tenure).</summary>
public sealed record SegmentRuleContext(VocDbContext Db, IReadOnlyDictionary<string, int> MetricIds, DateTime Now);

/// <summary>
/// Turns rules into EF Core expressions over <see cref="Customer"/>, so the database evaluates them: one CASE over every
/// segment's rule in order (first match wins), metric and renewal-driver coordinates as correlated subqueries. A customer
/// whose coordinate is empty matches no comparison on it, not even <c>!=</c>; <c>isSet</c> asks about emptiness.
/// </summary>
public static class SegmentRuleCompiler
{
    private static readonly Dictionary<string, LambdaExpression> Columns = new(StringComparer.Ordinal)
    {
        ["arr"] = Column(c => (double?)c.AnnualRecurringRevenue),
        ["acquisitionCost"] = Column(c => (double?)c.AcquisitionCost),
        ["clv"] = Column(c => (double?)c.LifetimeValue),
        // Customer.LtvToCac in SQL; doubles because SQLite compares decimals (stored as text) only through a slow function.
        ["ltvToCac"] = Column(c => (double?)c.AcquisitionCost > 0.0 ? (double?)c.LifetimeValue / (double?)c.AcquisitionCost : null),
        ["pAlive"] = Column(c => c.ProbabilityAlive),
        ["valueTier"] = Column(c => c.ValueTier),
        ["stage"] = Column(c => c.LifecycleStage),
        ["plan"] = Column(c => c.Plan),
        ["sites"] = Column(c => (double?)c.Sites),
        ["coBuild"] = Column(c => c.InCoBuildProgramme),
        ["industry"] = Column(c => c.Industry),
        ["region"] = Column(c => c.Region),
        ["feedbackLast90Days"] = Column(c => (double?)c.FeedbackLast90Days),
        ["communityPostsLast90Days"] = Column(c => (double?)c.CommunityPostsLast90Days),
        ["tenureMonths"] = Column(c => c.AcquiredAt),
    };

    private static LambdaExpression Column<T>(Expression<Func<Customer, T>> column) => column;

    /// <summary>
    /// <c>c =&gt; rule1(c) ? id1 : rule2(c) ? id2 : … : null</c>, the value <c>Customer.RuleSegmentId</c> is set to. Rules in
    /// evaluation order; a null rule matches no one.
    /// </summary>
    public static Expression<Func<Customer, int?>> Assignment(IReadOnlyList<(SegmentRuleNode? Rule, int SegmentId)> rules, SegmentRuleContext context)
    {
        var customer = Expression.Parameter(typeof(Customer), "c");
        return Expression.Lambda<Func<Customer, int?>>(AssignmentBody(rules, customer, context), customer);
    }

    public static Expression AssignmentBody(IReadOnlyList<(SegmentRuleNode? Rule, int SegmentId)> rules, ParameterExpression customer, SegmentRuleContext context)
    {
        Expression body = Expression.Constant(null, typeof(int?));
        for (var i = rules.Count - 1; i >= 0; i--)
        {
            if (rules[i].Rule is { } rule)
                body = Expression.Condition(Predicate(rule, customer, context), Expression.Constant(rules[i].SegmentId, typeof(int?)), body);
        }
        return body;
    }

    public static Expression<Func<Customer, bool>> Matches(SegmentRuleNode rule, SegmentRuleContext context)
    {
        var customer = Expression.Parameter(typeof(Customer), "c");
        return Expression.Lambda<Func<Customer, bool>>(Predicate(rule, customer, context), customer);
    }

    public static Expression Predicate(SegmentRuleNode node, ParameterExpression customer, SegmentRuleContext context) => node switch
    {
        RuleGroup { All: true, Children.Count: 0 } => Expression.Constant(true),
        RuleGroup group => group.Children.Select(child => Predicate(child, customer, context))
            .Aggregate(group.All ? Expression.AndAlso : Expression.OrElse),
        RuleCondition condition => Condition(condition, customer, context),
        _ => throw new ArgumentException($"Unknown rule node {node.GetType().Name}.", nameof(node)),
    };

    private static Expression Condition(RuleCondition condition, ParameterExpression customer, SegmentRuleContext context)
    {
        var value = Accessor(condition, context);
        var x = ReplacingExpressionVisitor.Replace(value.Parameters[0], customer, value.Body);
        if (condition.Coordinate.Name == "tenureMonths")
            return Tenure(x, condition, context.Now);

        var type = x.Type;
        var enumType = Nullable.GetUnderlyingType(type) ?? type;
        Expression Constant(object v) => Expression.Constant(enumType.IsEnum ? Enum.Parse(enumType, v.ToString()!, ignoreCase: true) : v, type);
        var nullable = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        var none = nullable ? Expression.Constant(null, type) : null!;
        var values = condition.Values;
        return condition.Op switch
        {
            RuleOperator.Equal => Expression.Equal(x, Constant(values[0])),
            RuleOperator.NotEqual => nullable
                ? Expression.AndAlso(Expression.NotEqual(x, none), Expression.NotEqual(x, Constant(values[0])))
                : Expression.NotEqual(x, Constant(values[0])),
            RuleOperator.Greater => Expression.GreaterThan(x, Constant(values[0])),
            RuleOperator.GreaterOrEqual => Expression.GreaterThanOrEqual(x, Constant(values[0])),
            RuleOperator.Less => Expression.LessThan(x, Constant(values[0])),
            RuleOperator.LessOrEqual => Expression.LessThanOrEqual(x, Constant(values[0])),
            RuleOperator.In => values.Select(v => (Expression)Expression.Equal(x, Constant(v))).Aggregate(Expression.OrElse),
            RuleOperator.Between => Expression.AndAlso(Expression.GreaterThanOrEqual(x, Constant(values[0])), Expression.LessThanOrEqual(x, Constant(values[1]))),
            RuleOperator.IsSet => !nullable ? Expression.Constant((bool)values[0])
                : (bool)values[0] ? Expression.NotEqual(x, none) : Expression.Equal(x, none),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.Op, null),
        };
    }

    /// <summary>
    /// Whole months since <c>AcquiredAt</c>, as comparisons of the date itself (so an index could serve them): tenure ≥ n
    /// when acquired on or before now − n months; tenure ≤ n when acquired after now − (n + 1) months.
    /// </summary>
    private static Expression Tenure(Expression acquiredAt, RuleCondition condition, DateTime now)
    {
        Expression MonthsAgo(double months) => Expression.Constant((DateTime?)now.AddMonths(-(int)Math.Clamp(months, -24_000, 24_000)), typeof(DateTime?));
        Expression AtLeast(double n) => Expression.LessThanOrEqual(acquiredAt, MonthsAgo(n));
        Expression AtMost(double n) => Expression.GreaterThan(acquiredAt, MonthsAgo(n + 1));
        Expression Exactly(double n) => Expression.AndAlso(AtLeast(n), AtMost(n));
        var values = condition.Values;
        return condition.Op switch
        {
            RuleOperator.Equal => Exactly((double)values[0]),
            RuleOperator.NotEqual => Expression.OrElse(AtLeast((double)values[0] + 1), Expression.GreaterThan(acquiredAt, MonthsAgo((double)values[0]))),
            RuleOperator.Greater => AtLeast((double)values[0] + 1),
            RuleOperator.GreaterOrEqual => AtLeast((double)values[0]),
            RuleOperator.Less => AtMost((double)values[0] - 1),
            RuleOperator.LessOrEqual => AtMost((double)values[0]),
            RuleOperator.In => values.Select(v => Exactly((double)v)).Aggregate(Expression.OrElse),
            RuleOperator.Between => Expression.AndAlso(AtLeast((double)values[0]), AtMost((double)values[1])),
            RuleOperator.IsSet => (bool)values[0] ? Expression.NotEqual(acquiredAt, Expression.Constant(null, typeof(DateTime?)))
                : Expression.Equal(acquiredAt, Expression.Constant(null, typeof(DateTime?))),
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.Op, null),
        };
    }

    private static LambdaExpression Accessor(RuleCondition condition, SegmentRuleContext context)
    {
        if (condition.MetricKey is { } key)
        {
            if (!context.MetricIds.TryGetValue(key, out var metricId))
                throw new InvalidOperationException($"Behaviour metric '{key}' is not in the database.");
            return LatestMeasurement(context.Db.BehaviourMeasurements, metricId);
        }
        if (condition.Coordinate.Name == "renewalDriver")
            return LatestRenewalDriver(context.Db.CustomerContracts);
        return Columns[condition.Coordinate.Name];
    }

    // Correlated subqueries over the captured sets: EF inlines a captured DbSet as a query root and the id as a parameter.
    // The latest period wins; of two measurements starting the same day (a month and its quarter) the later-recorded one.
    private static Expression<Func<Customer, double?>> LatestMeasurement(IQueryable<BehaviourMeasurement> measurements, int metricId) =>
        c => measurements.Where(m => m.CustomerId == c.Id && m.MetricId == metricId)
            .OrderByDescending(m => m.PeriodStart).ThenByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id)
            .Select(m => (double?)m.Value).FirstOrDefault();

    private static Expression<Func<Customer, string?>> LatestRenewalDriver(IQueryable<CustomerContract> contracts) =>
        c => contracts.Where(k => k.CustomerId == c.Id)
            .OrderByDescending(k => k.StartsOn).ThenByDescending(k => k.Id)
            .Select(k => k.RenewalDriver).FirstOrDefault();
}
