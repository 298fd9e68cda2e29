using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Value;

/// <summary>What one refit did: the fit records written and how many customers were scored.</summary>
/// <param name="Phases">Time spent reading the data, fitting, scoring and writing every customer, and re-evaluating the segment rules.</param>
public sealed record ValueRefitResult(IReadOnlyList<ValueFitRecord> Fits, int CustomersScored, int StageChanges, double CustomerEquity, TimeSpan Elapsed,
    ValueRefitPhases Phases);

/// <param name="Scoring">Scoring and writing together; <paramref name="Writing"/> is the writing part of it.</param>
public sealed record ValueRefitPhases(TimeSpan Loading, TimeSpan Fitting, TimeSpan Scoring, TimeSpan Segments, TimeSpan Writing);

/// <summary>
/// Fits the lifetime-value models on the stored purchases and contracts, then re-scores every customer: CLV, P(alive),
/// expected purchases, value tier, the model used, and the lifecycle stage (with its history). Which model values whom:
/// contract customers by their segment's shifted-beta-geometric retention; buyers by BG/NBD + Gamma-Gamma; prospects by
/// comparable customers' CLV × the conversion probability learnt from past prospects. A fit that fails or does not
/// converge is recorded as such, and the latest good fit of that model stays in use.
/// </summary>
public sealed partial class CustomerValueScorer(VocDbContext db, DatabaseWriteGate gate, Segments.SegmentRuleEvaluator segments, TimeProvider time,
    IOptions<CustomerValueOptions> options, ILogger<CustomerValueScorer> logger)
{
    public const string PurchasesModel = "bgnbd-gg";
    public const string ConversionModel = "prospect-conversion";
    public const string ContractModelPrefix = "sbg:";
    public const string AllSegments = "all";

    /// <summary>The history reason of segment moves that follow a refit.</summary>
    public const string ValueFitReason = "value-fit";

    /// <summary>The window of <see cref="Customer.FeedbackLast90Days"/> and <see cref="Customer.CommunityPostsLast90Days"/>.</summary>
    public const int VoiceWindowDays = 90;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Fits every model and re-scores every customer; <paramref name="progress"/> gets 0–100.</summary>
    public async Task<ValueRefitResult> RefitAsync(string requestedBy, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);

        var customers = await LoadCustomersAsync(now, cancellationToken);
        progress?.Report(10);
        var contracts = await LoadContractsAsync(settings, today, cancellationToken);
        progress?.Report(20);
        var purchases = await LoadPurchasesAsync(settings, today, cancellationToken);
        progress?.Report(40);
        // A buyer or contract customer whose record carries no acquisition date was acquired at its first purchase (or
        // when it was recorded): it is not a prospect, for the stage rules and for the conversion rate.
        foreach (var customer in customers)
        {
            // Recency counts purchases and contract terms too, not only what was posted as activity.
            if (purchases.LastPurchase.TryGetValue(customer.Id, out var lastPurchase) && !(customer.LastActivityAt >= lastPurchase))
                customer.LastActivityAt = lastPurchase;
            if (contracts.TryGetValue(customer.Id, out var term) && term.StartsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) is var started && !(customer.LastActivityAt >= started))
                customer.LastActivityAt = started;
            if (customer.AcquiredAt is null && purchases.FirstPurchase.TryGetValue(customer.Id, out var first))
                customer.AcquiredAt = first;
            else if (customer.AcquiredAt is null && contracts.ContainsKey(customer.Id))
                customer.AcquiredAt = customer.CreatedAt;
        }
        var loading = clock.Elapsed;

        var fits = new List<ValueFitRecord>();
        var (bgnbd, spend) = await FitPurchasesAsync(purchases, requestedBy, now, fits, cancellationToken);
        progress?.Report(60);
        var retention = await FitContractsAsync(customers, contracts, requestedBy, now, fits, cancellationToken);
        var conversion = await FitConversionAsync(customers, settings, requestedBy, now, fits, cancellationToken);
        progress?.Report(70);
        var fitting = clock.Elapsed - loading;

        var scores = ScoreAll(customers, contracts, purchases, bgnbd, spend, retention, conversion, settings, now);
        progress?.Report(80);
        int changes;
        var writingStarted = clock.Elapsed;
        using (await gate.EnterAsync(cancellationToken))
            changes = await WriteScoresAsync(customers, scores, now, cancellationToken);
        progress?.Report(90);
        var scoring = clock.Elapsed - loading - fitting;
        var writing = clock.Elapsed - writingStarted;
        // New values, P(alive) and stages can move customers between segments (whose rules read them).
        await segments.EvaluateAllAsync(ValueFitReason, cancellationToken);
        progress?.Report(100);
        var equity = scores.Sum(s => s.Clv ?? 0);
        LogRefit(customers.Count, changes, equity, clock.Elapsed.TotalSeconds);
        var phases = new ValueRefitPhases(loading, fitting, scoring, clock.Elapsed - loading - fitting - scoring, writing);
        return new ValueRefitResult(fits, customers.Count, changes, equity, clock.Elapsed, phases);
    }

    /// <summary>
    /// Brings every customer's 90-day voice and community-post counts up to date without a refit (the demo seed, after its
    /// voices arrived); the next refit recomputes them, and last activity, anyway.
    /// </summary>
    public async Task RefreshVoiceCountsAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().UtcDateTime.AddDays(-VoiceWindowDays);
        using (await gate.EnterAsync(cancellationToken))
        {
            await db.Customers.ExecuteUpdateAsync(s => s
                .SetProperty(c => c.FeedbackLast90Days, c => db.FeedbackItems.Count(f => f.CustomerId == c.Id && f.ReceivedAt >= since))
                .SetProperty(c => c.CommunityPostsLast90Days, c => db.FeedbackItems.Count(f => f.CustomerId == c.Id && f.ReceivedAt >= since && f.Channel!.Touchpoint == Touchpoint.CommunityPost)),
                cancellationToken);
        }
    }

    // ---- loading -------------------------------------------------------------------------------------------------

    internal sealed class CustomerRow
    {
        public int Id;
        public int? SegmentId;
        public LifecycleStage Stage;
        public DateTime? AcquiredAt;
        public DateTime? LastActivityAt;
        public DateTime CreatedAt;
        public decimal? Arr;
        public int Feedback;
        public int Community;
    }

    internal sealed record ContractFacts(int Term, DateOnly StartsOn, DateOnly EndsOn, decimal AnnualValue, ContractStatus Status, DateTime? ReturnedAt, bool Lapsed);

    internal sealed record PurchaseFacts(RfmSummary? Summary, Dictionary<int, int> IndexByCustomer, Dictionary<int, DateTime> ReturnedAt, Dictionary<int, DateTime> FirstPurchase,
        List<PurchaseRecord> Records, Dictionary<int, DateTime> LastPurchase);

    private async Task<List<CustomerRow>> LoadCustomersAsync(DateTime now, CancellationToken cancellationToken)
    {
        var rows = await db.Customers.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new CustomerRow
            {
                Id = c.Id, SegmentId = c.SegmentId, Stage = c.LifecycleStage, AcquiredAt = c.AcquiredAt, LastActivityAt = c.LastActivityAt,
                CreatedAt = c.CreatedAt, Arr = c.AnnualRecurringRevenue,
            })
            .ToListAsync(cancellationToken);
        var since = now.AddDays(-VoiceWindowDays);
        var voices = await db.FeedbackItems.AsNoTracking().Where(f => f.ReceivedAt >= since)
            .GroupBy(f => f.CustomerId)
            .Select(g => new { g.Key, All = g.Count(), Community = g.Count(f => f.Channel!.Touchpoint == Touchpoint.CommunityPost), Last = g.Max(f => f.ReceivedAt) })
            .ToListAsync(cancellationToken);
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var voice in voices)
        {
            if (!byId.TryGetValue(voice.Key, out var row))
                continue;
            row.Feedback = voice.All;
            row.Community = voice.Community;
            if (row.LastActivityAt is null || voice.Last > row.LastActivityAt)
                row.LastActivityAt = voice.Last;
        }
        return rows;
    }

    /// <summary>Each contract customer's latest term, whether it lapsed, and when the customer came back after a lapse.</summary>
    private async Task<Dictionary<int, ContractFacts>> LoadContractsAsync(CustomerValueOptions settings, DateOnly today, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, ContractFacts>();
        int? current = null;
        DateOnly? previousEnd = null;
        DateTime? returned = null;
        (int Term, DateOnly Start, DateOnly End, decimal Value, ContractStatus Status)? latest = null;
        void Flush()
        {
            if (current is { } id && latest is { } last)
            {
                var lapsed = last.Status == ContractStatus.Cancelled && last.End <= today
                    || last.Status == ContractStatus.Active && last.End.AddDays(settings.RenewalGraceDays) < today;
                result[id] = new ContractFacts(last.Term, last.Start, last.End, last.Value, last.Status, returned, lapsed);
            }
        }
        await foreach (var c in db.CustomerContracts.AsNoTracking().OrderBy(c => c.CustomerId).ThenBy(c => c.StartsOn)
            .Select(c => new { c.CustomerId, c.Term, c.StartsOn, c.EndsOn, c.AnnualValue, c.Status }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (c.CustomerId != current)
            {
                Flush();
                current = c.CustomerId;
                previousEnd = null;
                returned = null;
                latest = null;
            }
            // A new contract signed after the previous one had lapsed is a customer won back.
            if (previousEnd is { } end && c.StartsOn > end.AddDays(settings.RenewalGraceDays))
                returned = c.StartsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            previousEnd = previousEnd is { } e && e > c.EndsOn ? e : c.EndsOn;
            latest = latest is { } l && l.Term > c.Term ? l : (c.Term, c.StartsOn, c.EndsOn, c.AnnualValue, c.Status);
        }
        Flush();
        return result;
    }

    /// <summary>The purchase log summarised for BG/NBD (weeks, calibration up to today) and each buyer's return after a lapse.</summary>
    private async Task<PurchaseFacts> LoadPurchasesAsync(CustomerValueOptions settings, DateOnly today, CancellationToken cancellationToken)
    {
        var records = new List<PurchaseRecord>();
        var returnedAt = new Dictionary<int, DateTime>();
        var firstPurchase = new Dictionary<int, DateTime>();
        var lastPurchase = new Dictionary<int, DateTime>();
        int? current = null;
        DateTime previous = default;
        await foreach (var t in db.CustomerTransactions.AsNoTracking().OrderBy(t => t.CustomerId).ThenBy(t => t.OccurredAt)
            .Select(t => new { t.CustomerId, t.OccurredAt, t.Amount }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (t.CustomerId != current)
            {
                current = t.CustomerId;
                firstPurchase[t.CustomerId] = t.OccurredAt;
            }
            else if ((t.OccurredAt - previous).TotalDays > settings.InactiveDays)
            {
                returnedAt[t.CustomerId] = t.OccurredAt;
            }
            previous = t.OccurredAt;
            lastPurchase[t.CustomerId] = t.OccurredAt;
            records.Add(new PurchaseRecord(t.CustomerId.ToString(CultureInfo.InvariantCulture), DateOnly.FromDateTime(t.OccurredAt), (double)t.Amount));
        }
        if (records.Count == 0)
            return new PurchaseFacts(null, [], returnedAt, firstPurchase, records, lastPurchase);
        var summary = RfmSummary.Build(records, today, ClvPeriod.Week);
        var index = new Dictionary<int, int>(summary.Count);
        for (var i = 0; i < summary.Count; i++)
            index[int.Parse(summary.Customers[i], CultureInfo.InvariantCulture)] = i;
        return new PurchaseFacts(summary, index, returnedAt, firstPurchase, records, lastPurchase);
    }

    // ---- fitting -------------------------------------------------------------------------------------------------

    private async Task<(BgNbdModel?, GammaGammaModel?)> FitPurchasesAsync(PurchaseFacts purchases, string requestedBy, DateTime now, List<ValueFitRecord> fits, CancellationToken cancellationToken)
    {
        var record = NewRecord(PurchasesModel, requestedBy, now);
        if (purchases.Summary is not { } summary)
        {
            record.Status = ValueFitStatus.Failed;
            record.Message = "No purchases are stored, so the purchase models cannot be fitted.";
        }
        else
        {
            record.Customers = summary.Count;
            record.DataFrom = summary.FirstPurchase.Min().ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            record.DataTo = summary.CalibrationEnd.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            try
            {
                var purchaseFit = BgNbdModel.Fit(summary);
                var spendFit = GammaGammaModel.Fit(summary);
                var converged = purchaseFit.Diagnostics.Converged && spendFit.Diagnostics.Converged;
                record.Status = converged ? ValueFitStatus.Succeeded : ValueFitStatus.NotConverged;
                record.Converged = converged;
                record.LogLikelihood = purchaseFit.Diagnostics.LogLikelihood;
                record.ParametersJson = JsonSerializer.Serialize(new PurchaseFitParameters(
                    purchaseFit.Model.Parameters, purchaseFit.StandardErrors, purchaseFit.Diagnostics.LogLikelihood,
                    spendFit.Model.Parameters, spendFit.StandardErrors, spendFit.Diagnostics.LogLikelihood,
                    "week", summary.Frequency.Count(x => x > 0), PurchaseModelCheck.Run(purchases.Records, summary.CalibrationEnd)), Json);
                if (!converged)
                    record.Message = $"The optimiser stopped after {purchaseFit.Diagnostics.Iterations} (BG/NBD) and {spendFit.Diagnostics.Iterations} (Gamma-Gamma) iterations without converging; the previous fit stays in use.";
            }
            catch (Exception ex) when (ex is ClvDataException or ArithmeticException)
            {
                record.Status = ValueFitStatus.Failed;
                record.Message = ex.Message;
            }
        }
        await SaveRecordAsync(record, fits, cancellationToken);
        var used = record.Status == ValueFitStatus.Succeeded ? record : await LatestGoodAsync(PurchasesModel, cancellationToken);
        if (used?.ParametersJson is null)
            return (null, null);
        var parameters = JsonSerializer.Deserialize<PurchaseFitParameters>(used.ParametersJson, Json)!;
        return (new BgNbdModel(parameters.BgNbd), new GammaGammaModel(parameters.GammaGamma));
    }

    private async Task<Dictionary<int, ShiftedBetaGeometric>> FitContractsAsync(List<CustomerRow> customers, Dictionary<int, ContractFacts> contracts,
        string requestedBy, DateTime now, List<ValueFitRecord> fits, CancellationToken cancellationToken)
    {
        var segmentKeys = await db.Segments.AsNoTracking().Select(s => new { s.Id, s.Key }).ToDictionaryAsync(s => s.Id, s => s.Key, cancellationToken);
        var all = customers.Where(c => contracts.ContainsKey(c.Id)).ToList();
        var groups = all.GroupBy(c => c.SegmentId ?? 0).ToDictionary(g => g.Key, g => g.ToList());
        var result = new Dictionary<int, ShiftedBetaGeometric>();

        async Task<ShiftedBetaGeometric?> FitGroupAsync(string key, List<CustomerRow> members)
        {
            var record = NewRecord(ContractModelPrefix + key, requestedBy, now);
            var longest = members.Max(m => contracts[m.Id].Term);
            var churned = new int[longest + 1];
            var active = new int[longest + 1];
            foreach (var member in members)
            {
                var facts = contracts[member.Id];
                (facts.Lapsed ? churned : active)[facts.Term]++;
            }
            record.Customers = members.Count;
            record.DataFrom = members.Min(m => contracts[m.Id].StartsOn).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            record.DataTo = now;
            try
            {
                var fit = ContractRetention.Fit(churned, active);
                record.Converged = fit.Diagnostics.Converged;
                record.Status = fit.Diagnostics.Converged ? ValueFitStatus.Succeeded : ValueFitStatus.NotConverged;
                record.LogLikelihood = fit.Diagnostics.LogLikelihood;
                record.ParametersJson = JsonSerializer.Serialize(new RetentionFitParameters(fit.Model.Alpha, fit.Model.Beta,
                    fit.StandardErrors?.Alpha, fit.StandardErrors?.Beta, fit.Diagnostics.LogLikelihood, churned, active), Json);
                if (!fit.Diagnostics.Converged)
                    record.Message = "The optimiser did not converge; the previous fit stays in use.";
            }
            catch (Exception ex) when (ex is ClvDataException or ArithmeticException)
            {
                record.Status = ValueFitStatus.Failed;
                record.Message = ex.Message;
            }
            await SaveRecordAsync(record, fits, cancellationToken);
            return RetentionFrom(record.Status == ValueFitStatus.Succeeded ? record : await LatestGoodAsync(record.Model, cancellationToken));
        }

        // Customers without a contract row but with an ARR (entered before contracts were recorded) use the pooled fit.
        var pooled = all.Count > 0 ? await FitGroupAsync(AllSegments, all) : RetentionFrom(await LatestGoodAsync(ContractModelPrefix + AllSegments, cancellationToken));
        if (pooled is not null)
            result[0] = pooled;
        foreach (var (segmentId, members) in groups)
        {
            if (segmentId == 0 || !segmentKeys.TryGetValue(segmentId, out var key))
                continue;
            if (await FitGroupAsync(key, members) is { } own)
                result[segmentId] = own;
        }
        return result;
    }

    /// <summary>The retention model a fit record holds, or null when there is none to use.</summary>
    private static ShiftedBetaGeometric? RetentionFrom(ValueFitRecord? fit)
    {
        if (fit?.ParametersJson is null)
            return null;
        var parameters = JsonSerializer.Deserialize<RetentionFitParameters>(fit.ParametersJson, Json)!;
        return new ShiftedBetaGeometric(parameters.Alpha, parameters.Beta);
    }

    /// <summary>
    /// The share of past prospects that became customers: those who bought after they were first recorded, against those
    /// who did and those who stayed prospects past <see cref="CustomerValueOptions.ProspectLostAfterDays"/>; Laplace-smoothed.
    /// </summary>
    private async Task<double> FitConversionAsync(List<CustomerRow> customers, CustomerValueOptions settings, string requestedBy, DateTime now, List<ValueFitRecord> fits, CancellationToken cancellationToken)
    {
        var converted = customers.Count(c => c.AcquiredAt is { } won && won > c.CreatedAt.AddDays(1));
        var lost = customers.Count(c => c.AcquiredAt is null && c.CreatedAt < now.AddDays(-settings.ProspectLostAfterDays));
        var probability = (converted + 1.0) / (converted + lost + 2.0);
        var record = NewRecord(ConversionModel, requestedBy, now);
        record.Customers = converted + lost;
        record.Status = ValueFitStatus.Succeeded;
        record.Converged = true;
        record.DataTo = now;
        record.ParametersJson = JsonSerializer.Serialize(new ConversionFitParameters(probability, converted, lost), Json);
        await SaveRecordAsync(record, fits, cancellationToken);
        return probability;
    }

    private static ValueFitRecord NewRecord(string model, string requestedBy, DateTime now) => new()
    {
        Model = model, StartedAt = now, Status = ValueFitStatus.Running, RequestedBy = requestedBy.Length > 256 ? requestedBy[..256] : requestedBy,
    };

    private async Task SaveRecordAsync(ValueFitRecord record, List<ValueFitRecord> fits, CancellationToken cancellationToken)
    {
        record.FinishedAt = time.GetUtcNow().UtcDateTime;
        record.Progress = 100;
        if (record.Message is { Length: > 2000 } message)
            record.Message = message[..2000];
        db.ValueFits.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(record).State = EntityState.Detached;
        fits.Add(record);
    }

    private Task<ValueFitRecord?> LatestGoodAsync(string model, CancellationToken cancellationToken) =>
        db.ValueFits.AsNoTracking().Where(f => f.Model == model && f.Status == ValueFitStatus.Succeeded)
            .OrderByDescending(f => f.StartedAt).ThenByDescending(f => f.Id).FirstOrDefaultAsync(cancellationToken);

    // ---- scoring -------------------------------------------------------------------------------------------------

    internal readonly record struct Score(double? Clv, double? Alive, double? Expected, Customers.ValueTier? Tier, ValueModel? Model, LifecycleStage Stage, string Reason);

    private static Score[] ScoreAll(List<CustomerRow> customers, Dictionary<int, ContractFacts> contracts, PurchaseFacts purchases,
        BgNbdModel? bgnbd, GammaGammaModel? spend, Dictionary<int, ShiftedBetaGeometric> retention, double conversion,
        CustomerValueOptions settings, DateTime now)
    {
        var contractEconomics = new ClvOptions(settings.ContractMargin, settings.AnnualDiscountRate, settings.HorizonMonths);
        var purchaseEconomics = new ClvOptions(settings.PurchaseMargin, settings.AnnualDiscountRate, settings.HorizonMonths);
        var scores = new Score[customers.Count];
        var summary = purchases.Summary;
        Parallel.For(0, customers.Count, i =>
        {
            var customer = customers[i];
            double? clv = null, alive = null, expected = null;
            ValueModel? model = null;
            LatestContract? latest = null;
            DateTime? returned = null;
            var acquired = customer.AcquiredAt;
            try
            {
                if (contracts.TryGetValue(customer.Id, out var contract))
                {
                    model = ValueModel.Contract;
                    latest = new LatestContract(contract.EndsOn, contract.Status);
                    returned = contract.ReturnedAt;
                    var sbg = retention.GetValueOrDefault(customer.SegmentId ?? 0) ?? retention.GetValueOrDefault(0);
                    if (contract.Lapsed)
                        (clv, alive, expected) = (0, 0, 0);
                    else if (sbg is not null)
                    {
                        alive = sbg.ProbabilityOfRenewal(contract.Term - 1);
                        expected = alive;
                        clv = CustomerLifetimeValue.ForContract(sbg, (double)contract.AnnualValue, contract.Term - 1, contractEconomics);
                    }
                }
                else if (summary is not null && purchases.IndexByCustomer.TryGetValue(customer.Id, out var row) && bgnbd is not null && spend is not null)
                {
                    model = ValueModel.Purchases;
                    returned = purchases.ReturnedAt.GetValueOrDefault(customer.Id) is { Ticks: > 0 } back ? back : null;
                    var (x, tx, age) = (summary.Frequency[row], summary.Recency[row], summary.Age[row]);
                    alive = bgnbd.ProbabilityAlive(x, tx, age);
                    expected = bgnbd.ConditionalExpectedPurchases(52, x, tx, age);
                    clv = CustomerLifetimeValue.ForBuyer(bgnbd, spend, x, tx, age, x > 0 ? summary.MeanRepeatSpend[row] : spend.PopulationMeanSpend, ClvPeriod.Week, purchaseEconomics);
                }
                else if (acquired is not null && customer.Arr is > 0 && (retention.GetValueOrDefault(customer.SegmentId ?? 0) ?? retention.GetValueOrDefault(0)) is { } sbg)
                {
                    // A paying customer known only by its ARR: its tenure in whole years counts as renewals made.
                    model = ValueModel.Contract;
                    var renewals = Math.Max(0, (int)((now - acquired.Value).TotalDays / 365.25));
                    alive = sbg.ProbabilityOfRenewal(renewals);
                    expected = alive;
                    clv = CustomerLifetimeValue.ForContract(sbg, (double)customer.Arr.Value, renewals, contractEconomics);
                }
            }
            catch (ArithmeticException)
            {
                // A model that cannot value this customer (a series that does not converge) leaves it unvalued, never the refit failed.
                (clv, alive, expected) = (null, null, null);
            }
            var (stage, reason) = LifecycleRules.Evaluate(new LifecycleFacts(acquired, customer.LastActivityAt, alive, latest, returned), now, settings);
            scores[i] = new Score(clv, alive, expected, null, model, stage, reason);
        });

        // Prospects: the mean CLV of comparable customers — those who just converted (stage new) in the same segment, else all
        // new customers, else every paying customer — × the conversion probability.
        var paying = Enumerable.Range(0, customers.Count).Where(i => scores[i].Model is not null && scores[i].Clv is not null && scores[i].Stage is not LifecycleStage.Churned).ToList();
        if (paying.Any(i => scores[i].Stage == LifecycleStage.New))
            paying = [.. paying.Where(i => scores[i].Stage == LifecycleStage.New)];
        var overall = paying.Count > 0 ? paying.Average(i => scores[i].Clv!.Value) : (double?)null;
        var bySegment = paying.GroupBy(i => customers[i].SegmentId ?? 0).ToDictionary(g => g.Key, g => g.Average(i => scores[i].Clv!.Value));
        for (var i = 0; i < customers.Count; i++)
        {
            if (scores[i].Stage != LifecycleStage.Prospect || scores[i].Model is not null)
                continue;
            var comparable = bySegment.TryGetValue(customers[i].SegmentId ?? 0, out var mean) ? mean : overall;
            if (comparable is { } value)
                scores[i] = scores[i] with { Clv = CustomerLifetimeValue.ForProspect(value, conversion), Model = ValueModel.Prospect };
        }

        var tiers = CustomerLifetimeValue.Tiers(scores.Select(s => s.Clv ?? 0).ToArray(), settings.TopTierShare, settings.MiddleTierShare);
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i].Clv is not null)
                scores[i] = scores[i] with { Tier = tiers[i] };
        }
        return scores;
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Writes every customer's scores in one transaction with one prepared statement (PostgreSQL: arrays of 10,000 rows
    /// per statement), and a history row for each stage that changed. Returns the number of stage changes.
    /// </summary>
    private async Task<int> WriteScoresAsync(List<CustomerRow> customers, Score[] scores, DateTime now, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var changes = 0;
            await using (var history = connection.CreateCommand())
            {
                history.Transaction = transaction;
                history.CommandText = """
                    INSERT INTO "CustomerHistory" ("CustomerId", "Kind", "From", "To", "Reason", "ChangedAt")
                    VALUES (@customer, 'Stage', @from, @to, @reason, @at)
                    """;
                var customer = Add(history, "@customer", System.Data.DbType.Int32);
                var from = Add(history, "@from", System.Data.DbType.String);
                var to = Add(history, "@to", System.Data.DbType.String);
                var reason = Add(history, "@reason", System.Data.DbType.String);
                AdoCommands.AddInstant(history, "@at").Value = now;
                await AdoCommands.PrepareAsync(history, cancellationToken);
                for (var i = 0; i < customers.Count; i++)
                {
                    if (customers[i].Stage == scores[i].Stage)
                        continue;
                    customer.Value = customers[i].Id;
                    from.Value = customers[i].Stage.ToString();
                    to.Value = scores[i].Stage.ToString();
                    reason.Value = scores[i].Reason;
                    await history.ExecuteNonQueryAsync(cancellationToken);
                    changes++;
                }
            }
            if (connection is NpgsqlConnection)
                await WritePostgresAsync(connection, transaction, customers, scores, now, cancellationToken);
            else
                await WriteRowByRowAsync(connection, transaction, customers, scores, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return changes;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task WriteRowByRowAsync(DbConnection connection, DbTransaction transaction, List<CustomerRow> customers, Score[] scores, DateTime now, CancellationToken cancellationToken)
    {
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE "Customers" SET "LifetimeValue" = @clv, "ProbabilityAlive" = @alive, "ExpectedPurchases" = @expected,
                "ValueTier" = @tier, "ValueModel" = @model, "ValueScoredAt" = @at, "LifecycleStage" = @stage, "StageReason" = @reason,
                "FeedbackLast90Days" = @feedback, "CommunityPostsLast90Days" = @community
            WHERE "Id" = @id
            """;
        var clv = Add(update, "@clv", System.Data.DbType.Decimal);
        var alive = Add(update, "@alive", System.Data.DbType.Double);
        var expected = Add(update, "@expected", System.Data.DbType.Double);
        var tier = Add(update, "@tier", System.Data.DbType.String);
        var model = Add(update, "@model", System.Data.DbType.String);
        AdoCommands.AddInstant(update, "@at").Value = now;
        var stage = Add(update, "@stage", System.Data.DbType.String);
        var reason = Add(update, "@reason", System.Data.DbType.String);
        var feedback = Add(update, "@feedback", System.Data.DbType.Int32);
        var community = Add(update, "@community", System.Data.DbType.Int32);
        var id = Add(update, "@id", System.Data.DbType.Int32);
        await AdoCommands.PrepareAsync(update, cancellationToken);
        for (var i = 0; i < customers.Count; i++)
        {
            var score = scores[i];
            clv.Value = score.Clv is { } v ? Math.Round((decimal)v, 2) : DBNull.Value;
            alive.Value = score.Alive is { } a ? a : DBNull.Value;
            expected.Value = score.Expected is { } e ? e : DBNull.Value;
            tier.Value = score.Tier?.ToString() ?? (object)DBNull.Value;
            model.Value = score.Model?.ToString() ?? (object)DBNull.Value;
            stage.Value = score.Stage.ToString();
            reason.Value = score.Reason;
            feedback.Value = customers[i].Feedback;
            community.Value = customers[i].Community;
            id.Value = customers[i].Id;
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task WritePostgresAsync(DbConnection connection, DbTransaction transaction, List<CustomerRow> customers, Score[] scores, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var chunk in Enumerable.Range(0, customers.Count).Chunk(10_000))
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE "Customers" AS c SET "LifetimeValue" = v.clv, "ProbabilityAlive" = v.alive, "ExpectedPurchases" = v.expected,
                    "ValueTier" = v.tier, "ValueModel" = v.model, "ValueScoredAt" = @at, "LifecycleStage" = v.stage, "StageReason" = v.reason,
                    "FeedbackLast90Days" = v.feedback, "CommunityPostsLast90Days" = v.community
                FROM unnest(@ids, @clv, @alive, @expected, @tier, @model, @stage, @reason, @feedback, @community)
                    AS v(id, clv, alive, expected, tier, model, stage, reason, feedback, community)
                WHERE c."Id" = v.id
                """;
            var command = (NpgsqlCommand)update;
            command.Parameters.AddWithValue("@ids", chunk.Select(i => customers[i].Id).ToArray());
            command.Parameters.AddWithValue("@clv", chunk.Select(i => scores[i].Clv is { } v ? Math.Round((decimal)v, 2) : (decimal?)null).ToArray());
            command.Parameters.AddWithValue("@alive", chunk.Select(i => scores[i].Alive).ToArray());
            command.Parameters.AddWithValue("@expected", chunk.Select(i => scores[i].Expected).ToArray());
            command.Parameters.AddWithValue("@tier", chunk.Select(i => scores[i].Tier?.ToString()).ToArray());
            command.Parameters.AddWithValue("@model", chunk.Select(i => scores[i].Model?.ToString()).ToArray());
            command.Parameters.AddWithValue("@stage", chunk.Select(i => scores[i].Stage.ToString()).ToArray());
            command.Parameters.AddWithValue("@reason", chunk.Select(i => scores[i].Reason).ToArray());
            command.Parameters.AddWithValue("@feedback", chunk.Select(i => customers[i].Feedback).ToArray());
            command.Parameters.AddWithValue("@community", chunk.Select(i => customers[i].Community).ToArray());
            AdoCommands.AddInstant(update, "@at").Value = now;
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbParameter Add(DbCommand command, string name, System.Data.DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer value refitted: {Customers} customers scored, {StageChanges} stage changes, customer equity {Equity:N0}, in {Seconds:N1} s.")]
    private partial void LogRefit(int customers, int stageChanges, double equity, double seconds);
}

/// <summary>The stored form of a purchase-model fit (ValueFits.ParametersJson for <c>bgnbd-gg</c>).</summary>
public sealed record PurchaseFitParameters(BgNbdParameters BgNbd, BgNbdParameters? BgNbdStandardErrors, double BgNbdLogLikelihood,
    GammaGammaParameters GammaGamma, GammaGammaParameters? GammaGammaStandardErrors, double GammaGammaLogLikelihood, string Period, int RepeatBuyers,
    PurchaseModelCheck? Check = null);

/// <summary>The stored form of a retention fit (<c>sbg:{segment}</c>): α, β, their errors, and the counts it was fitted on.</summary>
public sealed record RetentionFitParameters(double Alpha, double Beta, double? AlphaStandardError, double? BetaStandardError, double LogLikelihood,
    int[] ChurnedAfterTerm, int[] ActiveInTerm);

/// <summary>The stored form of the prospects' conversion probability (<c>prospect-conversion</c>).</summary>
public sealed record ConversionFitParameters(double Probability, int Converted, int Lost);
