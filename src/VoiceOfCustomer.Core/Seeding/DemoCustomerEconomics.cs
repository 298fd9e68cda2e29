using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.Seeding;

/// <summary>
/// The demo organisation's commercial history, so its lifetime value is fitted, not typed: annual contracts with
/// renewals for the contract segments (each customer churns with its own probability θ ~ Beta, the sBG's own process,
/// shaped so the generated stage comes out of the rules), repeat purchases for self-serve customers (the BG/NBD and
/// Gamma-Gamma processes, in weeks), and four quarters of behaviour measurements. Deterministic for a seed and anchor;
/// customers that already have contracts or purchases are left alone.
/// </summary>
public sealed class DemoCustomerEconomics(VocDbContext db)
{
    private static readonly HashSet<string> ContractSegments = new(StringComparer.OrdinalIgnoreCase) { "strategic-cobuild", "enterprise", "mid-market" };
    private static readonly string[] RenewalDrivers = ["value", "value", "relationship", "price", "integration"];
    private static readonly BgNbdParameters DemoPurchases = new(0.9, 6, 0.6, 3.2);
    private static readonly GammaGammaParameters DemoSpend = new(4, 3.5, 900);

    public sealed record Result(int Contracts, int Transactions, int Measurements);

    public async Task<Result> AddAsync(IReadOnlyList<DemoCustomer> demo, int seed, DateTime anchor, CancellationToken cancellationToken)
    {
        var references = demo.Select(d => Customer.Normalize(d.Reference)).ToList();
        var customers = await db.Customers.Where(c => references.Contains(c.ReferenceNormalized)).ToDictionaryAsync(c => c.ReferenceNormalized, cancellationToken);
        var withHistory = (await db.CustomerContracts.Select(c => c.CustomerId).Distinct()
            .Union(db.CustomerTransactions.Select(t => t.CustomerId).Distinct()).ToListAsync(cancellationToken)).ToHashSet();
        var metrics = await db.BehaviourMetrics.AsNoTracking().Where(m => !m.IsExternal).ToDictionaryAsync(m => m.Key, m => m.Id, cancellationToken);
        var today = DateOnly.FromDateTime(anchor);
        int contracts = 0, transactions = 0, measurements = 0;
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            for (var index = 0; index < demo.Count; index++)
            {
                var source = demo[index];
                if (!customers.TryGetValue(Customer.Normalize(source.Reference), out var customer) || withHistory.Contains(customer.Id))
                    continue;
                var random = new Random(unchecked(seed * 7919 + index * 104729));
                customer.InCoBuildProgramme = string.Equals(source.SegmentKey, "strategic-cobuild", StringComparison.OrdinalIgnoreCase);
                customer.Plan = source.SegmentKey switch
                {
                    "prospect-trial" => "trial",
                    "smb" => "self-serve",
                    "strategic-cobuild" or "enterprise" => "enterprise",
                    _ => "standard",
                };
                customer.Sites = source.SegmentKey switch
                {
                    "strategic-cobuild" => random.Next(150, 900),
                    "enterprise" => random.Next(60, 400),
                    "mid-market" => random.Next(10, 80),
                    _ => random.Next(1, 8),
                };
                if (source.Stage == LifecycleStage.Prospect)
                {
                    // Prospects of up to 400 days: those past the conversion window count as lost when conversion is learnt.
                    customer.CreatedAt = anchor.AddDays(-random.Next(5, 400));
                    db.Entry(customer).State = EntityState.Modified;
                    continue;
                }
                var driver = RenewalDrivers[random.Next(RenewalDrivers.Length)];
                if (source.SegmentKey is { } key && ContractSegments.Contains(key) && source.AnnualRecurringRevenue is { } arr)
                    contracts += AddContracts(customer, source.Stage, arr, driver, today, random);
                else
                    transactions += AddPurchases(customer, source.Stage, today, random, seed + index);
                measurements += AddMeasurements(customer, source.Stage, metrics, today, random);
                // Most accounts were prospects for a while before they bought (what the conversion probability learns from).
                if (customer.AcquiredAt is { } won)
                    customer.CreatedAt = random.NextDouble() < 0.7 ? won.AddDays(-random.Next(14, 120)) : won;
                db.Entry(customer).State = EntityState.Modified;
                if (index % 200 == 199)
                {
                    db.ChangeTracker.DetectChanges();
                    await db.SaveChangesAsync(cancellationToken);
                }
            }
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
        return new Result(contracts, transactions, measurements);
    }

    /// <summary>
    /// Annual terms from the acquisition, each renewed with the customer's own probability 1 − θ, θ ~ Beta(0.7, 4): the
    /// sBG's process, so the fit has real churn to find. A customer that survives to today ends as its generated stage
    /// asks (up for renewal soon for churn risk); one that lapses is churned, or won back when that is its stage.
    /// </summary>
    private int AddContracts(Customer customer, LifecycleStage stage, decimal arr, string driver, DateOnly today, Random random)
    {
        var theta = ClvSimulator.Beta(random, 0.7, 4);
        var start = stage == LifecycleStage.New ? today.AddDays(-random.Next(10, 80)) : today.AddDays(-random.Next(400, 2200));
        var terms = new List<CustomerContract>();
        var current = start;
        while (true)
        {
            var term = terms.Count + 1;
            var end = current.AddYears(1).AddDays(-1);
            terms.Add(new CustomerContract
            {
                Customer = customer, Reference = FormattableString.Invariant($"{customer.Reference}-T{term}"), StartsOn = current, EndsOn = end,
                AnnualValue = Math.Round(arr * (decimal)(0.85 + 0.05 * term), 0), Term = term, Status = ContractStatus.Active, RenewalDriver = driver,
                CreatedAt = current.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            });
            if (end >= today)
                break;
            var churns = stage == LifecycleStage.Churned ? random.NextDouble() < Math.Max(theta, 0.5) : random.NextDouble() < theta;
            if (churns || stage == LifecycleStage.WinBack && end.AddDays(400) > today)
            {
                terms[^1].Status = ContractStatus.Cancelled;
                break;
            }
            terms[^1].Status = ContractStatus.Renewed;
            current = end.AddDays(1);
        }
        var lapsed = terms[^1].Status == ContractStatus.Cancelled;
        if (lapsed && stage == LifecycleStage.WinBack)
        {
            // Lapsed, then signed again a few weeks ago.
            var back = today.AddDays(-random.Next(15, 70));
            if (back <= terms[^1].EndsOn.AddDays(45))
                terms[^1].EndsOn = back.AddDays(-random.Next(60, 200));
            terms.Add(new CustomerContract
            {
                Customer = customer, Reference = FormattableString.Invariant($"{customer.Reference}-T{terms.Count + 1}"), StartsOn = back, EndsOn = back.AddYears(1).AddDays(-1),
                AnnualValue = Math.Round(arr * 0.8m, 0), Term = terms.Count + 1, Status = ContractStatus.Active, RenewalDriver = "price",
                CreatedAt = back.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            });
        }
        else if (!lapsed && stage == LifecycleStage.ChurnRisk)
        {
            // Up for renewal within weeks, not renewed yet.
            terms[^1].EndsOn = today.AddDays(random.Next(5, 50));
        }
        db.CustomerContracts.AddRange(terms);
        customer.AcquiredAt = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        customer.LastActivityAt = terms.Max(t => t.StartsOn).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc);
        return terms.Count;
    }

    /// <summary>Repeat purchases from the BG/NBD process (weeks) with Gamma-Gamma amounts; churned and at-risk buyers stop early.</summary>
    private int AddPurchases(Customer customer, LifecycleStage stage, DateOnly today, Random random, int seed)
    {
        var weeksObserved = stage == LifecycleStage.New ? random.Next(2, 11) : random.Next(40, 160);
        var simulated = ClvSimulator.Customers(DemoPurchases, DemoSpend, 1, 0, weeksObserved, seed).First();
        var first = today.AddDays(-weeksObserved * 7);
        var cutoff = stage switch
        {
            LifecycleStage.Churned => weeksObserved * 0.4,
            LifecycleStage.ChurnRisk => weeksObserved * 0.7,
            _ => double.MaxValue,
        };
        var times = simulated.PurchaseTimes.Where(t => t <= cutoff).ToList();
        if (stage is LifecycleStage.Active && times.Count < 3)
        {
            // An active buyer buys regularly: top up with a purchase every few weeks until now.
            for (var t = (times.Count > 0 ? times[^1] : 0) + random.Next(3, 8); t < weeksObserved; t += random.Next(3, 8))
                times.Add(t);
        }
        if (stage is LifecycleStage.WinBack)
        {
            times = [.. times.Where(t => t < weeksObserved * 0.5)];
            times.Add(weeksObserved - random.Next(2, 8) / 7.0 * 7);
        }
        if (times.Count == 0)
            times.Add(0);
        var rows = 0;
        foreach (var t in times)
        {
            var day = first.AddDays((int)Math.Round(t * 7));
            if (day > today)
                day = today;
            var amount = simulated.Amounts[Math.Min(rows, simulated.Amounts.Length - 1)];
            db.CustomerTransactions.Add(new CustomerTransaction
            {
                Customer = customer, Reference = FormattableString.Invariant($"{customer.Reference}-O{rows + 1}"),
                OccurredAt = day.ToDateTime(new TimeOnly(11, 0), DateTimeKind.Utc).AddMinutes(rows), Amount = Math.Round((decimal)Math.Max(50, amount), 2),
                CreatedAt = day.ToDateTime(new TimeOnly(11, 0), DateTimeKind.Utc),
            });
            rows++;
        }
        customer.AcquiredAt = first.ToDateTime(new TimeOnly(11, 0), DateTimeKind.Utc);
        customer.LastActivityAt = first.AddDays((int)Math.Round(times[^1] * 7)).ToDateTime(new TimeOnly(11, 0), DateTimeKind.Utc);
        return rows;
    }

    /// <summary>The last four quarters of the behaviour metrics the demo knows, drifting towards a level the stage implies.</summary>
    private int AddMeasurements(Customer customer, LifecycleStage stage, Dictionary<string, int> metrics, DateOnly today, Random random)
    {
        var health = stage switch
        {
            LifecycleStage.Active => 0.75, LifecycleStage.New => 0.5, LifecycleStage.WinBack => 0.45, LifecycleStage.ChurnRisk => 0.35, _ => 0.2,
        };
        var levels = new Dictionary<string, (double Start, double Step)>
        {
            ["self-service-resolution-rate"] = (30 + 40 * health + random.Next(-10, 10), random.Next(-2, 5)),
            ["feature-adoption-rate"] = (20 + 50 * health + random.Next(-10, 10), random.Next(-3, 6)),
            ["core-module-usage"] = (25 + 60 * health + random.Next(-15, 15), random.Next(-2, 4)),
            ["customisation-level"] = (random.Next(5, 60), random.Next(-2, 3)),
            ["renewal-rate"] = (60 + 35 * health, 0),
            ["repeat-purchase-rate"] = (20 + 50 * health + random.Next(-10, 10), random.Next(-2, 3)),
        };
        var quarterStart = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        var rows = 0;
        foreach (var (key, (start, step)) in levels)
        {
            if (!metrics.TryGetValue(key, out var metricId))
                continue;
            for (var q = 4; q >= 1; q--)
            {
                var periodStart = quarterStart.AddMonths(-3 * q);
                var value = Math.Clamp(start + step * (4 - q) + random.NextDouble() * 4 - 2, 0, 100);
                db.BehaviourMeasurements.Add(new BehaviourMeasurement
                {
                    MetricId = metricId, CustomerId = customer.Id,
                    Period = string.Create(CultureInfo.InvariantCulture, $"{periodStart.Year}Q{(periodStart.Month - 1) / 3 + 1}"),
                    PeriodStart = periodStart, PeriodMonths = 3, Value = Math.Round(value, 1),
                    RecordedAt = periodStart.AddMonths(3).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                });
                rows++;
            }
        }
        return rows;
    }
}
