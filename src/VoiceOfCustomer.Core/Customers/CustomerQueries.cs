using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Customers;

/// <summary>Filters of the customer list. Null means "any".</summary>
public sealed record CustomerListFilter
{
    public int? SegmentId { get; init; }
    public LifecycleStage? Stage { get; init; }
    public ValueTier? Tier { get; init; }
    public ValueModel? Model { get; init; }
    public string? CsmUserId { get; init; }

    /// <summary>Text the name or the reference contains (case-insensitive for Latin letters).</summary>
    public string? Search { get; init; }
}

/// <summary>The columns the customer list sorts by.</summary>
public enum CustomerSort
{
    LifetimeValue,
    ProbabilityAlive,
    AnnualRecurringRevenue,
    Name,
    LastActivity,
}

/// <summary>
/// Position after the last row of a page: the sort, its direction, the last row's sort value (invariant text; null once
/// the list has reached the customers without a value, which always come last) and its id.
/// </summary>
public readonly record struct CustomerCursor(CustomerSort Sort, bool Descending, string? Value, int Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"{(int)Sort}.{(Descending ? 1 : 0)}.{Id}.{(Value is null ? "n" : "v" + Value)}")));

    public static bool TryDecode(string? text, out CustomerCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 400)
            return false;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split('.', 4);
            if (parts.Length != 4
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sort) || !Enum.IsDefined((CustomerSort)sort)
                || parts[1] is not ("0" or "1")
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || parts[3].Length == 0 || parts[3][0] is not ('n' or 'v'))
                return false;
            cursor = new CustomerCursor((CustomerSort)sort, parts[1] == "1", parts[3][0] == 'n' ? null : parts[3][1..], id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

public sealed record CustomerListRow(
    int Id,
    string Reference,
    string Name,
    int? SegmentId,
    LifecycleStage Stage,
    decimal? LifetimeValue,
    double? ProbabilityAlive,
    ValueTier? Tier,
    ValueModel? Model,
    decimal? AnnualRecurringRevenue,
    decimal? AcquisitionCost,
    string? CsmUserId,
    DateTime? LastActivityAt)
{
    public decimal? LtvToCac => LifetimeValue is { } ltv && AcquisitionCost is > 0 ? ltv / AcquisitionCost : null;
}

public sealed record CustomerPage(IReadOnlyList<CustomerListRow> Rows, string? NextCursor);

public sealed record CustomerDetail(
    Customer Customer,
    Segment? Segment,
    IReadOnlyList<CustomerHistoryEntry> History,
    IReadOnlyList<CustomerContract> Contracts,
    IReadOnlyList<CustomerTransaction> Transactions,
    int TransactionCount,
    decimal? TransactionTotal,
    IReadOnlyList<Contact> Contacts,
    IReadOnlyList<BehaviourSeries> Behaviour,
    IReadOnlyList<CustomerVoice> Voices,
    int VoiceCount,
    IReadOnlyList<CustomerPainPoint> PainPoints)
{
    /// <summary>The contract that ends last: the one the stage rules read for "ending" and "lapsed".</summary>
    public CustomerContract? LatestContract => Contracts.MaxBy(c => c.EndsOn);
}

/// <summary>A metric's latest periods for one customer, oldest first.</summary>
public sealed record BehaviourSeries(BehaviourMetric Metric, IReadOnlyList<BehaviourPoint> Points);

public sealed record BehaviourPoint(string Period, DateOnly PeriodStart, double Value);

public sealed record CustomerVoice(long Id, string ChannelKey, DateTime ReceivedAt, FeedbackStatus Status, string Preview, string Language);

/// <summary>A capability gap this customer's coded voices point to, still open (not archived), with how many and the latest.</summary>
public sealed record CustomerPainPoint(int GapId, string Key, string Name, string? NameZh, int Voices, DateTime LatestAt);

/// <summary>
/// Reads of customers: the list (filters, five sorts, keyset pages) and one customer's page. Keyset rather than OFFSET, so a
/// late page costs what the first does; the count is capped, as counting a million rows per page view is not worth it.
/// </summary>
public sealed class CustomerQueries(VocDbContext db, FeedbackQueries feedback)
{
    public const int MaxPageSize = 1_000;
    public const int HistoryShown = 50;
    public const int TransactionsShown = 20;
    public const int VoicesShown = 20;
    public const int PainPointsShown = 20;
    public const int PeriodsShown = 6;
    public const int MaxTransactionsSummed = 10_000;

    /// <summary>
    /// The matching customers. The search text is first tried as a whole reference (any case), which its unique index
    /// answers at once; only when no customer has that reference does it search names and references for the text.
    /// </summary>
    public async Task<IQueryable<Customer>> FilteredAsync(CustomerListFilter filter, CancellationToken cancellationToken = default)
    {
        var query = db.Customers.AsNoTracking();
        if (filter.SegmentId is { } segmentId)
            query = query.Where(c => c.SegmentId == segmentId);
        if (filter.Stage is { } stage)
            query = query.Where(c => c.LifecycleStage == stage);
        if (filter.Tier is { } tier)
            query = query.Where(c => c.ValueTier == tier);
        if (filter.Model is { } model)
            query = query.Where(c => c.ValueModel == model);
        if (!string.IsNullOrWhiteSpace(filter.CsmUserId))
            query = query.Where(c => c.CsmUserId == filter.CsmUserId);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var text = filter.Search.Trim();
            if (text.Contains('\0', StringComparison.Ordinal))
                return query.Where(c => false); // PostgreSQL cannot compare U+0000, and no reference or name holds it
            var normalized = Customer.Normalize(text);
            query = normalized.Length <= Customer.ReferenceMaxLength && await db.Customers.AnyAsync(c => c.ReferenceNormalized == normalized, cancellationToken)
                ? query.Where(c => c.ReferenceNormalized == normalized)
                : feedback.CustomersContaining(query, text);
        }
        return query;
    }

    /// <summary>The number of matching customers, counted up to <paramref name="cap"/> + 1 (more reads as "more than").</summary>
    public async Task<int> CountAsync(CustomerListFilter filter, int cap, CancellationToken cancellationToken = default) =>
        await (await FilteredAsync(filter, cancellationToken)).Take(cap + 1).CountAsync(cancellationToken);

    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => db.Customers.AnyAsync(cancellationToken);

    /// <summary>
    /// One page in the given order; customers without a value for the sort column come after all that have one (by id),
    /// whichever the direction. A cursor made for another sort starts from the first page.
    /// </summary>
    public async Task<CustomerPage> ListAsync(CustomerListFilter filter, CustomerSort sort, bool descending, CustomerCursor? after, int pageSize,
        CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        if (after is { } c && (c.Sort != sort || c.Descending != descending))
            after = null;
        var column = Column(sort);
        var query = await FilteredAsync(filter, cancellationToken);
        var rows = new List<(CustomerListRow Row, string? Key)>(pageSize + 1);

        if (after is not { Value: null })
        {
            var valued = column.WithValue(query);
            if (after is { Value: { } value })
            {
                if (!column.TryBeyond(valued, value, after.Value.Id, descending, out valued))
                    return new CustomerPage([], null);
            }
            rows.AddRange(await column.ReadAsync(column.Order(valued, descending), pageSize + 1, cancellationToken));
        }
        if (rows.Count <= pageSize && column.Nullable)
        {
            var without = column.WithoutValue(query);
            if (after is { Value: null } cursor)
                without = without.Where(x => x.Id > cursor.Id);
            rows.AddRange(await column.ReadAsync(without.OrderBy(x => x.Id), pageSize + 1 - rows.Count, cancellationToken));
        }

        string? next = null;
        if (rows.Count > pageSize)
        {
            var last = rows[pageSize - 1];
            next = new CustomerCursor(sort, descending, last.Key, last.Row.Id).Encode();
            rows.RemoveRange(pageSize, rows.Count - pageSize);
        }
        return new CustomerPage(rows.Select(r => r.Row).ToList(), next);
    }

    /// <summary>Every matching customer in the list's order, a page at a time (for the CSV export; memory stays flat).</summary>
    public async IAsyncEnumerable<CustomerListRow> AllAsync(CustomerListFilter filter, CustomerSort sort, bool descending,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CustomerCursor? cursor = null;
        while (true)
        {
            var page = await ListAsync(filter, sort, descending, cursor, MaxPageSize, cancellationToken);
            foreach (var row in page.Rows)
                yield return row;
            if (page.NextCursor is null || !CustomerCursor.TryDecode(page.NextCursor, out var next))
                yield break;
            cursor = next;
        }
    }

    /// <summary>The customer with this reference (any case) and everything its page shows; null when there is none.</summary>
    public async Task<CustomerDetail?> GetAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > Customer.ReferenceMaxLength || reference.Contains('\0', StringComparison.Ordinal))
            return null;
        var normalized = Customer.Normalize(reference);
        var customer = await db.Customers.AsNoTracking().Include(c => c.Segment).Include(c => c.Contacts)
            .FirstOrDefaultAsync(c => c.ReferenceNormalized == normalized, cancellationToken);
        if (customer is null)
            return null;
        var id = customer.Id;

        var history = await db.CustomerHistory.AsNoTracking().Where(h => h.CustomerId == id)
            .OrderByDescending(h => h.ChangedAt).ThenByDescending(h => h.Id).Take(HistoryShown).ToListAsync(cancellationToken);
        var contracts = await db.CustomerContracts.AsNoTracking().Where(k => k.CustomerId == id)
            .OrderByDescending(k => k.StartsOn).ThenByDescending(k => k.Term).Take(HistoryShown).ToListAsync(cancellationToken);
        var transactions = await db.CustomerTransactions.AsNoTracking().Where(t => t.CustomerId == id)
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id).Take(TransactionsShown).ToListAsync(cancellationToken);
        var transactionCount = await db.CustomerTransactions.CountAsync(t => t.CustomerId == id, cancellationToken);
        // Summed here, as SQLite keeps decimals as text; a customer with more purchases than that shows no total.
        decimal? transactionTotal = transactionCount <= MaxTransactionsSummed
            ? (await db.CustomerTransactions.Where(t => t.CustomerId == id).Select(t => t.Amount).ToListAsync(cancellationToken)).Sum()
            : null;

        var voices = await db.FeedbackItems.AsNoTracking().Where(f => f.CustomerId == id)
            .OrderByDescending(f => f.ReceivedAt).ThenByDescending(f => f.Id).Take(VoicesShown)
            .Select(f => new CustomerVoice(f.Id, f.Channel!.Key, f.ReceivedAt, f.Status, f.Verbatim.Substring(0, FeedbackQueries.PreviewLength), f.Language))
            .ToListAsync(cancellationToken);
        var voiceCount = await db.FeedbackItems.CountAsync(f => f.CustomerId == id, cancellationToken);

        return new CustomerDetail(customer, customer.Segment, history, contracts, transactions, transactionCount,
            transactionTotal, customer.Contacts.OrderBy(c => c.Name).ToList(),
            await BehaviourAsync(id, cancellationToken), voices, voiceCount, await PainPointsAsync(id, cancellationToken));
    }

    /// <summary>The customer's measured metrics (archived ones left out), each with its latest <see cref="PeriodsShown"/> periods.</summary>
    private async Task<IReadOnlyList<BehaviourSeries>> BehaviourAsync(int customerId, CancellationToken cancellationToken)
    {
        var measurements = await db.BehaviourMeasurements.AsNoTracking()
            .Where(m => m.CustomerId == customerId && !m.Metric!.IsArchived)
            .OrderByDescending(m => m.PeriodStart).Take(2_000)
            .Select(m => new { m.MetricId, m.Period, m.PeriodStart, m.Value })
            .ToListAsync(cancellationToken);
        if (measurements.Count == 0)
            return [];
        var metricIds = measurements.Select(m => m.MetricId).Distinct().ToList();
        var metrics = await db.BehaviourMetrics.AsNoTracking().Where(m => metricIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        return measurements.GroupBy(m => m.MetricId)
            .Select(g => new BehaviourSeries(metrics[g.Key], g.Take(PeriodsShown).Reverse().Select(m => new BehaviourPoint(m.Period, m.PeriodStart, m.Value)).ToList()))
            .OrderBy(s => s.Metric.Id).ToList();
    }

    /// <summary>
    /// The capability gaps this customer's coded voices (draft or submitted; merged duplicates left out) name, that are still
    /// open: not archived (a merged gap's codings already point at the survivor). Most voices first.
    /// </summary>
    private async Task<IReadOnlyList<CustomerPainPoint>> PainPointsAsync(int customerId, CancellationToken cancellationToken)
    {
        var counts = await db.Attributions.AsNoTracking()
            .Where(a => a.FeedbackItem!.CustomerId == customerId && a.FeedbackItem.Status != FeedbackStatus.Duplicate
                && a.CapabilityGapId != null && !a.CapabilityGap!.IsArchived)
            .GroupBy(a => a.CapabilityGapId!.Value)
            .Select(g => new { GapId = g.Key, Voices = g.Count(), LatestAt = g.Max(a => a.FeedbackItem!.ReceivedAt) })
            .ToListAsync(cancellationToken);
        if (counts.Count == 0)
            return [];
        var ids = counts.Select(c => c.GapId).ToList();
        var gaps = await db.CapabilityGaps.AsNoTracking().Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, cancellationToken);
        return counts.OrderByDescending(c => c.Voices).ThenByDescending(c => c.LatestAt).Take(PainPointsShown)
            .Select(c => new CustomerPainPoint(c.GapId, gaps[c.GapId].Key, gaps[c.GapId].Name, gaps[c.GapId].NameZh, c.Voices, c.LatestAt)).ToList();
    }

    private SortColumn Column(CustomerSort sort)
    {
        // SQLite keeps decimals as text, which neither sorts nor compares as numbers: there the money columns sort as REAL.
        var sqlite = db.Database.IsSqlite();
        return sort switch
        {
            CustomerSort.ProbabilityAlive => new SortColumn<double?>(c => c.ProbabilityAlive, true),
            CustomerSort.Name => new SortColumn<string>(c => c.Name, false),
            CustomerSort.LastActivity => new SortColumn<DateTime?>(c => c.LastActivityAt, true),
            CustomerSort.AnnualRecurringRevenue => sqlite
                ? new SortColumn<double?>(c => (double?)c.AnnualRecurringRevenue, true)
                : new SortColumn<decimal?>(c => c.AnnualRecurringRevenue, true),
            _ => sqlite
                ? new SortColumn<double?>(c => (double?)c.LifetimeValue, true)
                : new SortColumn<decimal?>(c => c.LifetimeValue, true),
        };
    }

    private static readonly Expression<Func<Customer, CustomerListRow>> Row = c => new CustomerListRow(
        c.Id, c.Reference, c.Name, c.SegmentId, c.LifecycleStage, c.LifetimeValue, c.ProbabilityAlive, c.ValueTier, c.ValueModel,
        c.AnnualRecurringRevenue, c.AcquisitionCost, c.CsmUserId, c.LastActivityAt);

    private abstract class SortColumn
    {
        public abstract bool Nullable { get; }
        public abstract IQueryable<Customer> WithValue(IQueryable<Customer> query);
        public abstract IQueryable<Customer> WithoutValue(IQueryable<Customer> query);
        public abstract IQueryable<Customer> Order(IQueryable<Customer> query, bool descending);

        /// <summary>The rows after (<paramref name="value"/>, <paramref name="id"/>) in the order; false when the value does not parse.</summary>
        public abstract bool TryBeyond(IQueryable<Customer> query, string value, int id, bool descending, out IQueryable<Customer> beyond);

        /// <summary>The rows of a page with each one's sort value as cursor text (null for no value).</summary>
        public abstract Task<List<(CustomerListRow Row, string? Key)>> ReadAsync(IQueryable<Customer> ordered, int take, CancellationToken cancellationToken);
    }

    /// <summary>
    /// One sort column as an expression, so the comparisons of the keyset step are SQL with parameters: after the cursor's
    /// row means a smaller (descending) or larger value, or the same value and a smaller (larger) id, ids going the same way
    /// as the values so one index walk serves both.
    /// </summary>
    private sealed class SortColumn<T>(Expression<Func<Customer, T>> key, bool nullable) : SortColumn
    {
        public override bool Nullable => nullable;

        public override IQueryable<Customer> WithValue(IQueryable<Customer> query) =>
            nullable ? query.Where(Lambda(Expression.NotEqual(key.Body, Expression.Constant(null, typeof(T))))) : query;

        public override IQueryable<Customer> WithoutValue(IQueryable<Customer> query) =>
            query.Where(Lambda(Expression.Equal(key.Body, Expression.Constant(null, typeof(T)))));

        public override IQueryable<Customer> Order(IQueryable<Customer> query, bool descending) =>
            descending ? query.OrderByDescending(key).ThenByDescending(c => c.Id) : query.OrderBy(key).ThenBy(c => c.Id);

        public override bool TryBeyond(IQueryable<Customer> query, string value, int id, bool descending, out IQueryable<Customer> beyond)
        {
            beyond = query;
            if (!TryParse(value, out var parsed))
                return false;
            // Closure-like member accesses, so EF sends the cursor's value and id as parameters, not literals.
            var boxedValue = Expression.Field(Expression.Constant(new StrongBox<T>(parsed)), nameof(StrongBox<T>.Value));
            var boxedId = Expression.Field(Expression.Constant(new StrongBox<int>(id)), nameof(StrongBox<int>.Value));
            var idMember = Expression.Property(key.Parameters[0], nameof(Customer.Id));
            Expression further, equal = Expression.Equal(key.Body, boxedValue);
            if (typeof(T) == typeof(string))
            {
                var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, key.Body, boxedValue);
                further = descending ? Expression.LessThan(compare, Expression.Constant(0)) : Expression.GreaterThan(compare, Expression.Constant(0));
            }
            else
                further = descending ? Expression.LessThan(key.Body, boxedValue) : Expression.GreaterThan(key.Body, boxedValue);
            var idFurther = descending ? Expression.LessThan(idMember, boxedId) : Expression.GreaterThan(idMember, boxedId);
            beyond = query.Where(Lambda(Expression.OrElse(further, Expression.AndAlso(equal, idFurther))));
            return true;
        }

        public override async Task<List<(CustomerListRow Row, string? Key)>> ReadAsync(IQueryable<Customer> ordered, int take, CancellationToken cancellationToken)
        {
            var parameter = key.Parameters[0];
            var row = new ParameterSwap(Row.Parameters[0], parameter).Visit(Row.Body);
            var pair = Expression.Lambda<Func<Customer, KeyedRow>>(
                Expression.New(typeof(KeyedRow).GetConstructors()[0], row, Expression.Convert(key.Body, typeof(object))), parameter);
            var rows = await ordered.Take(take).Select(pair).ToListAsync(cancellationToken);
            return rows.Select(r => (r.Row, Format(r.Key))).ToList();
        }

        private Expression<Func<Customer, bool>> Lambda(Expression body) => Expression.Lambda<Func<Customer, bool>>(body, key.Parameters[0]);

        private static string? Format(object? value) => value switch
        {
            null => null,
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            DateTime t => t.Ticks.ToString(CultureInfo.InvariantCulture),
            string s => s,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };

        private static bool TryParse(string text, out T value)
        {
            value = default!;
            object? parsed = Underlying switch
            {
                var t when t == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null,
                var t when t == typeof(decimal) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var m) ? m : null,
                var t when t == typeof(DateTime) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
                    ? new DateTime(ticks, DateTimeKind.Utc) : null,
                var t when t == typeof(string) => text,
                _ => null,
            };
            if (parsed is null)
                return false;
            value = (T)parsed;
            return true;
        }

        private static Type Underlying => System.Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
    }

    private sealed record KeyedRow(CustomerListRow Row, object? Key);

    private sealed class ParameterSwap(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
