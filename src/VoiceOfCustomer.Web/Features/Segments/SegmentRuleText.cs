using System.Globalization;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Segments;

/// <summary>One line of a rule read aloud: a condition, or a group heading with its lines beneath.</summary>
public sealed record RuleLine(string Text, IReadOnlyList<RuleLine> Children);

/// <summary>
/// A segment rule in the UI's language: coordinates by their labels, values as people write them (stage and plan names,
/// numbers in the culture's format, percentages with %), never a JSON key.
/// </summary>
public static class SegmentRuleText
{
    public static RuleLine Describe(SegmentRuleNode node, IStringLocalizer t, IReadOnlyDictionary<string, BehaviourMetric> metrics) => node switch
    {
        RuleGroup { All: true, Children.Count: 0 } => new RuleLine(t["Every customer"], []),
        RuleGroup { Children.Count: 1 } group => Describe(group.Children[0], t, metrics),
        RuleGroup group => new RuleLine(group.All ? t["All of these:"] : t["Any of these:"], [.. group.Children.Select(c => Describe(c, t, metrics))]),
        RuleCondition condition => new RuleLine(Condition(condition, t, metrics), []),
        _ => new RuleLine("", []),
    };

    private static string Condition(RuleCondition condition, IStringLocalizer t, IReadOnlyDictionary<string, BehaviourMetric> metrics)
    {
        var metric = condition.MetricKey is { } key ? metrics.GetValueOrDefault(key) : null;
        var label = metric is not null ? DisplayNames.Of(metric.Name, metric.NameZh) : Label(condition.Coordinate.Name, t);
        var values = condition.Values.Select(v => Value(condition.Coordinate, v, metric, t)).ToList();
        if (condition.Coordinate.Kind == CoordinateKind.Flag)
        {
            var yes = (bool)condition.Values[0] == (condition.Op == RuleOperator.Equal);
            return yes ? t["In the co-build programme"] : t["Not in the co-build programme"];
        }
        var text = condition.Coordinate.Kind is CoordinateKind.Text or CoordinateKind.Choice;
        return condition.Op switch
        {
            RuleOperator.Equal when text => t["{0} is {1}", label, values[0]],
            RuleOperator.NotEqual when text => t["{0} is not {1}", label, values[0]],
            RuleOperator.Equal => $"{label} = {values[0]}",
            RuleOperator.NotEqual => $"{label} ≠ {values[0]}",
            RuleOperator.Greater => $"{label} > {values[0]}",
            RuleOperator.GreaterOrEqual => $"{label} ≥ {values[0]}",
            RuleOperator.Less => $"{label} < {values[0]}",
            RuleOperator.LessOrEqual => $"{label} ≤ {values[0]}",
            RuleOperator.In => t["{0} is one of {1}", label, string.Join(t["list separator|, "], values)],
            RuleOperator.Between => t["{0} between {1} and {2}", label, values[0], values[1]],
            RuleOperator.IsSet when (bool)condition.Values[0] => t["{0} is known", label],
            RuleOperator.IsSet => t["{0} is not known", label],
            _ => label,
        };
    }

    private static string Value(SegmentCoordinate coordinate, object value, BehaviourMetric? metric, IStringLocalizer t) => value switch
    {
        double number when metric?.Unit == MetricUnit.Percent => number.ToString("#,0.##", CultureInfo.CurrentCulture) + "%",
        double number => number.ToString("#,0.##", CultureInfo.CurrentCulture),
        string choice when coordinate.Kind == CoordinateKind.Choice => ChoiceLabel(coordinate.Name, choice, t),
        string words => $"“{words}”",
        _ => value.ToString() ?? "",
    };

    /// <summary>The coordinate's label; every one a literal here, so the string-table guard sees them all.</summary>
    public static string Label(string coordinate, IStringLocalizer t) => coordinate switch
    {
        "arr" => t["ARR"],
        "acquisitionCost" => t["Acquisition cost"],
        "clv" => t["Predicted lifetime value"],
        "ltvToCac" => t["LTV/CAC"],
        "pAlive" => t["P(alive)"],
        "valueTier" => t["Value tier"],
        "stage" => t["Lifecycle stage"],
        "plan" => t["Plan"],
        "sites" => t["Stores / sites"],
        "coBuild" => t["In the co-build programme"],
        "industry" => t["Industry"],
        "region" => t["Region"],
        "feedbackLast90Days" => t["Voices in the last 90 days"],
        "communityPostsLast90Days" => t["Community posts in the last 90 days"],
        "tenureMonths" => t["Months as a customer"],
        "renewalDriver" => t["Renewal driver (latest contract)"],
        _ => coordinate,
    };

    /// <summary>A stage, plan or value tier as people call it.</summary>
    public static string ChoiceLabel(string coordinate, string choice, IStringLocalizer t) => coordinate switch
    {
        "stage" => t.Label(Enum.Parse<LifecycleStage>(choice, ignoreCase: true)),
        "plan" => PlanLabel(choice, t),
        "valueTier" => TierLabel(choice, t),
        _ => choice,
    };

    private static string PlanLabel(string plan, IStringLocalizer t) => plan switch
    {
        "trial" => t["Trial plan"],
        "self-serve" => t["Self-serve plan"],
        "standard" => t["Standard plan"],
        "enterprise" => t["Enterprise plan"],
        _ => plan,
    };

    private static string TierLabel(string tier, IStringLocalizer t) => tier switch
    {
        "top" => t["Top value tier"],
        "middle" => t["Middle value tier"],
        _ => t["Rest value tier"],
    };
}
