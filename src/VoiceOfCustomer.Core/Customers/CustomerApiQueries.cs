using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Customers;

/// <summary>A customer as the API answers it: the record, its computed coordinates and the people on the account (by e-mail).</summary>
public sealed record CustomerApiDetail(
    string Reference,
    string Name,
    string? Industry,
    string? Region,
    string? Plan,
    int? Sites,
    bool InCoBuildProgramme,
    decimal? AnnualRecurringRevenue,
    decimal? AcquisitionCost,
    string? Csm,
    string? SalesOwner,
    DateTime? AcquiredAt,
    DateTime? LastActivityAt,
    LifecycleStage LifecycleStage,
    string? StageReason,
    string? Segment,
    decimal? LifetimeValue,
    double? ProbabilityAlive,
    double? ExpectedPurchases,
    ValueTier? ValueTier,
    ValueModel? ValueModel,
    DateTime CreatedAt);

public sealed record ContractDetail(
    string Reference, DateOnly StartsOn, DateOnly EndsOn, decimal AnnualValue, int Term, string? Renews, ContractStatus Status, string? RenewalDriver);

public sealed record TransactionDetail(string Reference, DateTime OccurredAt, decimal Amount);

public sealed record MeasurementDetail(string Metric, string Period, DateOnly PeriodStart, int PeriodMonths, double Value, DateTime RecordedAt);

public sealed record TargetDetail(
    string Metric, string Segment, string Quarter, LifecycleStage? Stage, double Baseline, double Target, string? Owner, string? Note, DateTime UpdatedAt);

/// <summary>A page of a list, and the number of the next page (null on the last one).</summary>
public sealed record ListPage<T>(
    IReadOnlyList<T> Items,
    int Page,
    int Limit,
    // Always written, so a client can loop "while nextPage != null".
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] int? NextPage);

/// <summary>How <c>GET /api/customers</c> is filtered and sorted.</summary>
public sealed record CustomerApiFilter
{
    public string? Segment { get; init; }
    public LifecycleStage? Stage { get; init; }
    public ValueTier? Tier { get; init; }
    public CustomerApiSort Sort { get; init; } = CustomerApiSort.Reference;
    public bool Descending { get; init; }
}

public enum CustomerApiSort
{
    Reference,
    Name,
    Arr,
    Clv,
    PAlive,
    LastActivity,
    AcquiredAt,
}

/// <summary>The reads behind the customers API. Lists are offset-paged (<see cref="MaxPageSize"/> rows at most).</summary>
public sealed class CustomerApiQueries(VocDbContext db)
{
    public const int MaxPageSize = 200;

    public async Task<CustomerApiDetail?> GetAsync(string reference, CancellationToken cancellationToken = default)
    {
        var normalized = Customer.Normalize(reference);
        return await Project(db.Customers.AsNoTracking().Where(c => c.ReferenceNormalized == normalized)).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<ListPage<CustomerApiDetail>> ListAsync(CustomerApiFilter filter, int page, int limit, CancellationToken cancellationToken = default)
    {
        var query = db.Customers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Segment))
        {
            var key = filter.Segment.Trim().ToLowerInvariant();
            query = query.Where(c => c.Segment!.Key == key);
        }
        if (filter.Stage is { } stage)
            query = query.Where(c => c.LifecycleStage == stage);
        if (filter.Tier is { } tier)
            query = query.Where(c => c.ValueTier == tier);
        // Missing values last in both directions; decimals sort as doubles (SQLite orders no decimal column itself).
        var descending = filter.Descending;
        var ordered = filter.Sort switch
        {
            CustomerApiSort.Name => descending ? query.OrderByDescending(c => c.Name) : query.OrderBy(c => c.Name),
            CustomerApiSort.Arr => Then(query.OrderBy(c => c.AnnualRecurringRevenue == null), c => (double?)c.AnnualRecurringRevenue, descending),
            CustomerApiSort.Clv => Then(query.OrderBy(c => c.LifetimeValue == null), c => (double?)c.LifetimeValue, descending),
            CustomerApiSort.PAlive => Then(query.OrderBy(c => c.ProbabilityAlive == null), c => c.ProbabilityAlive, descending),
            CustomerApiSort.LastActivity => Then(query.OrderBy(c => c.LastActivityAt == null), c => c.LastActivityAt, descending),
            CustomerApiSort.AcquiredAt => Then(query.OrderBy(c => c.AcquiredAt == null), c => c.AcquiredAt, descending),
            _ => descending ? query.OrderByDescending(c => c.ReferenceNormalized) : query.OrderBy(c => c.ReferenceNormalized),
        };
        return await PageAsync(Project(ordered.ThenBy(c => c.Id)), page, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<ContractDetail>> ContractsAsync(int customerId, CancellationToken cancellationToken = default) =>
        await db.CustomerContracts.AsNoTracking().Where(c => c.CustomerId == customerId).OrderBy(c => c.StartsOn).ThenBy(c => c.Id)
            .Select(c => new ContractDetail(c.Reference, c.StartsOn, c.EndsOn, c.AnnualValue, c.Term,
                db.CustomerContracts.Where(p => p.Id == c.RenewsContractId).Select(p => p.Reference).FirstOrDefault(), c.Status, c.RenewalDriver))
            .ToListAsync(cancellationToken);

    /// <summary>Newest first.</summary>
    public Task<ListPage<TransactionDetail>> TransactionsAsync(int customerId, int page, int limit, CancellationToken cancellationToken = default) =>
        PageAsync(db.CustomerTransactions.AsNoTracking().Where(t => t.CustomerId == customerId)
            .OrderByDescending(t => t.OccurredAt).ThenByDescending(t => t.Id)
            .Select(t => new TransactionDetail(t.Reference, t.OccurredAt, t.Amount)), page, limit, cancellationToken);

    /// <summary>Newest period first; optionally one metric's.</summary>
    public Task<ListPage<MeasurementDetail>> MeasurementsAsync(int customerId, string? metric, int page, int limit, CancellationToken cancellationToken = default)
    {
        var query = db.BehaviourMeasurements.AsNoTracking().Where(m => m.CustomerId == customerId);
        if (!string.IsNullOrWhiteSpace(metric))
        {
            var key = metric.Trim().ToLowerInvariant();
            query = query.Where(m => m.Metric!.Key == key);
        }
        return PageAsync(query.OrderByDescending(m => m.PeriodStart).ThenBy(m => m.Metric!.Key).ThenBy(m => m.PeriodMonths)
            .Select(m => new MeasurementDetail(m.Metric!.Key, m.Period, m.PeriodStart, m.PeriodMonths, m.Value, m.RecordedAt)), page, limit, cancellationToken);
    }

    /// <summary>Targets by segment, metric, stage; optionally one segment's or one quarter's.</summary>
    public async Task<IReadOnlyList<TargetDetail>> TargetsAsync(string? segment, string? quarter, CancellationToken cancellationToken = default)
    {
        var query = db.BehaviourTargets.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(segment))
        {
            var key = segment.Trim().ToLowerInvariant();
            query = query.Where(t => t.Segment!.Key == key);
        }
        if (!string.IsNullOrWhiteSpace(quarter))
            query = query.Where(t => t.Quarter == quarter);
        return await query.OrderBy(t => t.Segment!.Position).ThenBy(t => t.Segment!.Key).ThenBy(t => t.Quarter).ThenBy(t => t.Metric!.Key).ThenBy(t => t.Stage)
            .Select(t => new TargetDetail(t.Metric!.Key, t.Segment!.Key, t.Quarter, t.Stage, t.Baseline, t.Target,
                db.Users.Where(u => u.Id == t.OwnerUserId).Select(u => u.Email).FirstOrDefault(), t.Note, t.UpdatedAt))
            .Take(1_000)
            .ToListAsync(cancellationToken);
    }

    private IQueryable<CustomerApiDetail> Project(IQueryable<Customer> customers) => customers.Select(c => new CustomerApiDetail(
        c.Reference, c.Name, c.Industry, c.Region, c.Plan, c.Sites, c.InCoBuildProgramme, c.AnnualRecurringRevenue, c.AcquisitionCost,
        db.Users.Where(u => u.Id == c.CsmUserId).Select(u => u.Email).FirstOrDefault(),
        db.Users.Where(u => u.Id == c.SalesOwnerUserId).Select(u => u.Email).FirstOrDefault(),
        c.AcquiredAt, c.LastActivityAt, c.LifecycleStage, c.StageReason, c.Segment == null ? null : c.Segment.Key,
        c.LifetimeValue, c.ProbabilityAlive, c.ExpectedPurchases, c.ValueTier, c.ValueModel, c.CreatedAt));

    private static IOrderedQueryable<Customer> Then<TKey>(IOrderedQueryable<Customer> query, System.Linq.Expressions.Expression<Func<Customer, TKey>> key, bool descending) =>
        descending ? query.ThenByDescending(key) : query.ThenBy(key);

    private static async Task<ListPage<T>> PageAsync<T>(IQueryable<T> query, int page, int limit, CancellationToken cancellationToken)
    {
        var rows = await query.Skip((page - 1) * limit).Take(limit + 1).ToListAsync(cancellationToken);
        var more = rows.Count > limit;
        if (more)
            rows.RemoveAt(limit);
        return new ListPage<T>(rows, page, limit, more ? page + 1 : null);
    }
}
