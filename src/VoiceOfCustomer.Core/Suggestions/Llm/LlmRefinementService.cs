using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// Refines the suggestions of newly arrived items in the background, so no request ever waits on the endpoint. Each
/// pass takes the newest open, uncoded items without an <see cref="LlmSuggestionRecord"/>, claims each by inserting
/// that record (so two app instances never both pay for one item), asks the LLM through <see cref="LlmSuggester"/>
/// (whose kernel's filters hold the budget and the verbatim rule) and stores the validated answer or the reason it was
/// discarded.
/// </summary>
public sealed class LlmRefinementService(
    IServiceProvider services,
    IDbContextFactory<VocDbContext> contexts,
    IOptionsMonitor<LlmSuggestionOptions> options,
    LlmBudget budget,
    LlmStatus status,
    TimeProvider time,
    ILogger<LlmRefinementService> logger) : BackgroundService
{
    /// <summary>Nearest examples are searched among this many most recently coded items.</summary>
    internal const int ExamplePool = 2000;

    internal const string PendingReason = "pending: the call is in progress";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CurrentValue.PollInterval, time);
        while (await NextTickAsync(timer, stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A database hiccup must not end the loop; the next pass tries again.
                logger.LogError(e, "LLM refinement pass failed");
                status.Update(s => s with { LastPassError = e.Message });
            }
        }
    }

    /// <summary>False once stopping: a stop is a normal end, not a fault that would bring the host down.</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The status as an admin page should show it. When the refiner is off by configuration its loop is not even
    /// registered, so no pass ever records why: the reason comes from the settings, not from the last pass.
    /// </summary>
    public LlmStatus.Snapshot CurrentStatus()
    {
        var current = status.Current;
        return OffReason(options.CurrentValue) is { } off ? current with { Disabled = off } : current;
    }

    /// <summary>
    /// Today's answers (UTC day, every instance): how many were used and how many discarded, by kind. Read from the
    /// stored records, whose discard reasons start with their kind; a day holds at most the daily budget of them.
    /// </summary>
    public async Task<LlmDayCounts> TodayAsync(CancellationToken cancellationToken = default)
    {
        var day = budget.Today;
        var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var to = from.AddDays(1);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.LlmSuggestions
            .Where(l => l.CreatedAt >= from && l.CreatedAt < to && l.DiscardReason != PendingReason)
            .Select(l => new { Used = l.AnswerJson != null, Kind = l.DiscardReason == null ? null : l.DiscardReason.Substring(0, LlmDiscard.KindPrefixLength) })
            .ToListAsync(cancellationToken);
        var discarded = rows.Where(r => !r.Used).ToList();
        var byKind = discarded.Select(r => LlmDiscard.KindOf(r.Kind)).OfType<LlmDiscardKind>()
            .GroupBy(kind => kind).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        return new LlmDayCounts(day, rows.Count(r => r.Used), discarded.Count, byKind);
    }

    /// <summary>Why the settings (or a missing kernel) allow no call; null when calls may be made.</summary>
    private LlmOffReason? OffReason(LlmSuggestionOptions settings) =>
        !settings.Enabled ? LlmOffReason.SwitchedOff
        : !settings.IsConfigured ? LlmOffReason.NotConfigured
        // SendVerbatimFilter refuses such a call anyway; checking here first spares claiming items for nothing.
        : !settings.SendVerbatim ? LlmOffReason.VerbatimMayNotLeave
        : services.GetService<LlmSuggester>() is null ? LlmOffReason.NoKernel
        : null;

    /// <summary>One pass; returns how many items got a stored answer or discard reason.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var disabled = OffReason(settings);
        var suggester = disabled is null ? services.GetService<LlmSuggester>() : null;
        if (disabled is not null || suggester is null)
        {
            status.Update(s => s with { Disabled = disabled, LastPassAt = now });
            return 0;
        }

        List<(long Id, string Verbatim)> items;
        LlmTaxonomy taxonomy;
        List<CodedExample> examples;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // A claim still pending long after any call could have ended belongs to an instance that died mid-call:
            // give the item back so it is refined after all.
            var abandonedBefore = now.UtcDateTime - StaleClaimAfter(settings);
            var abandoned = await db.LlmSuggestions
                .Where(l => l.AnswerJson == null && l.DiscardReason == PendingReason && l.CreatedAt < abandonedBefore)
                .ExecuteDeleteAsync(cancellationToken);
            if (abandoned > 0)
                logger.LogWarning("Released {Count} LLM claims abandoned mid-call (pending since before {Before:u})", abandoned, abandonedBefore);
            items = (await db.FeedbackItems
                    .Where(f => (f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.InProgress)
                        && (f.Attribution == null || f.Attribution.State != AttributionState.Submitted)
                        && !db.LlmSuggestions.Any(l => l.FeedbackItemId == f.Id))
                    .OrderByDescending(f => f.IngestedAt).ThenByDescending(f => f.Id)
                    .Take(settings.BatchSize)
                    .Select(f => new { f.Id, f.Verbatim })
                    .ToListAsync(cancellationToken))
                .Select(f => (f.Id, f.Verbatim)).ToList();
            if (items.Count == 0)
            {
                var calls = await budget.CallsTodayAsync(cancellationToken);
                status.Update(s => s with { Disabled = null, CallsToday = calls, Day = budget.Today, LastPassAt = now, LastPassError = null });
                return 0;
            }
            taxonomy = await LoadTaxonomyAsync(db, cancellationToken);
            examples = await LoadExamplesAsync(db, cancellationToken);
        }

        var stored = 0;
        LlmOffReason? stopReason = null;
        foreach (var (id, verbatim) in items)
        {
            if (!await ClaimAsync(id, settings.Model!, cancellationToken))
                continue;
            var calledAt = time.GetUtcNow();
            var local = await LocalSuggestionAsync(id, cancellationToken);
            var outcome = await suggester.SuggestAsync(id, verbatim, taxonomy, examples, local, cancellationToken);
            if (outcome.Refused is { } refused)
            {
                // Nothing was sent (today's budget is spent, say): the item waits for a later pass.
                await ReleaseAsync(id, cancellationToken);
                stopReason = refused;
                break;
            }
            status.Update(s => s with { LastCallAt = calledAt });
            var discardReason = outcome.Discard is null ? null : Clip(outcome.Discard.StoredReason);
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                await db.LlmSuggestions.Where(l => l.FeedbackItemId == id).ExecuteUpdateAsync(set => set
                    .SetProperty(l => l.AnswerJson, outcome.Answer == null ? null : outcome.Answer.ToJson())
                    .SetProperty(l => l.DiscardReason, discardReason)
                    .SetProperty(l => l.ElapsedMs, outcome.ElapsedMs)
                    .SetProperty(l => l.CreatedAt, time.GetUtcNow().UtcDateTime), cancellationToken);
            }
            stored++;
            status.Update(s => s with { LastDiscard = outcome.Discard });
        }

        var today = await budget.CallsTodayAsync(cancellationToken);
        status.Update(s => s with { Disabled = stopReason, CallsToday = today, Day = budget.Today, LastPassAt = now, LastPassError = null });
        return stored;
    }

    /// <summary>Ten call timeouts, and never under five minutes: a live call has long ended by then.</summary>
    internal static TimeSpan StaleClaimAfter(LlmSuggestionOptions settings) =>
        TimeSpan.FromTicks(Math.Max(settings.Timeout.Ticks * 10, TimeSpan.FromMinutes(5).Ticks));

    private async Task<bool> ClaimAsync(long itemId, string model, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.LlmSuggestions.Add(new LlmSuggestionRecord
        {
            FeedbackItemId = itemId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
            Model = model.Length <= 200 ? model : model[..200],
            DiscardReason = PendingReason,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance claimed it first (or the item was deleted meanwhile): either way it is not ours.
            return false;
        }
    }

    /// <summary>Gives an item back when a filter refused its call (the budget ran out), so it is tried again on a later day.</summary>
    private async Task ReleaseAsync(long itemId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.LlmSuggestions.Where(l => l.FeedbackItemId == itemId && l.AnswerJson == null && l.DiscardReason == PendingReason)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<IReadOnlyDictionary<SuggestionField, string>?> LocalSuggestionAsync(long itemId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.SuggestionRecords
            .Where(r => r.FeedbackItemId == itemId && r.Source != SuggestionSource.Llm && r.SuggestedValue != null)
            .Select(r => new { r.Field, r.ModelVersion, r.SuggestedValue })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return null;
        return rows.GroupBy(r => r.Field).ToDictionary(g => g.Key, g => g.OrderByDescending(r => r.ModelVersion).First().SuggestedValue!);
    }

    internal static async Task<LlmTaxonomy> LoadTaxonomyAsync(VocDbContext db, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<SuggestionField, IReadOnlyList<TaxonomyEntryText>>
        {
            [SuggestionField.BusinessMetric] = await db.BusinessMetrics.Where(e => !e.IsArchived && e.MergedIntoId == null).OrderBy(e => e.Key)
                .Select(e => new TaxonomyEntryText(SuggestionField.BusinessMetric, e.Key, e.Name, e.NameZh, e.Description)).ToListAsync(cancellationToken),
            [SuggestionField.CapabilityGap] = await db.CapabilityGaps.Where(e => !e.IsArchived && e.MergedIntoId == null).OrderBy(e => e.Key)
                .Select(e => new TaxonomyEntryText(SuggestionField.CapabilityGap, e.Key, e.Name, e.NameZh, e.Description)).ToListAsync(cancellationToken),
            [SuggestionField.OwningDomain] = await db.OwningDomains.Where(e => !e.IsArchived && e.MergedIntoId == null).OrderBy(e => e.Key)
                .Select(e => new TaxonomyEntryText(SuggestionField.OwningDomain, e.Key, e.Name, e.NameZh, e.Description)).ToListAsync(cancellationToken),
            [SuggestionField.Tags] = await db.Tags.Where(e => !e.IsArchived && e.MergedIntoId == null).OrderBy(e => e.Key)
                .Select(e => new TaxonomyEntryText(SuggestionField.Tags, e.Key, e.Name, e.NameZh, e.Description)).ToListAsync(cancellationToken),
        };
        return new LlmTaxonomy(entries);
    }

    /// <summary>The most recently submitted codings, newest first, with their codes as keys.</summary>
    internal static async Task<List<CodedExample>> LoadExamplesAsync(VocDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Attributions
            .Where(a => a.State == AttributionState.Submitted)
            .OrderByDescending(a => a.SubmittedAt).ThenByDescending(a => a.Id)
            .Take(ExamplePool)
            .Select(a => new
            {
                a.FeedbackItem!.Verbatim,
                BusinessMetric = a.BusinessMetric == null ? null : a.BusinessMetric.Key,
                CapabilityGap = a.CapabilityGap == null ? null : a.CapabilityGap.Key,
                OwningDomain = a.OwningDomain == null ? null : a.OwningDomain.Key,
                a.ValueDimension,
                Tags = a.Tags.Select(t => t.Tag!.Key).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new CodedExample(r.Verbatim, r.BusinessMetric, r.CapabilityGap, r.OwningDomain, r.ValueDimension?.ToString(), r.Tags)).ToList();
    }

    private static string Clip(string reason) => reason.Length <= 1000 ? reason : reason[..999] + "…";
}

/// <summary>One UTC day's answers: used, discarded, and the discarded by kind (kinds with none left out).</summary>
public sealed record LlmDayCounts(DateOnly Day, int Used, int Discarded, IReadOnlyDictionary<LlmDiscardKind, int> DiscardedByKind);
