using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Trains the local suggester from the submitted codings (newest first) and the current taxonomy, on a pool thread,
/// persists it as the next version and puts it in use. One training at a time per process.
/// </summary>
public sealed partial class SuggestionTrainer(
    IServiceScopeFactory scopes,
    SuggestionModelStore store,
    SuggestionTrainingStatus status,
    IOptions<SuggestionOptions> options,
    TimeProvider time,
    ILogger<SuggestionTrainer> logger)
{
    // The value map has no table: its four dimensions, in both languages, seed the cold-start classifier.
    private static readonly TaxonomyEntryText[] ValueDimensions =
    [
        new(SuggestionField.ValueDimension, nameof(ValueDimension.Pain), "Pain", "痛点", "Something is broken, slow, wrong or costs time today; a complaint or a problem."),
        new(SuggestionField.ValueDimension, nameof(ValueDimension.Need), "Need", "需求", "Something the customer needs to do their job and cannot do yet; a missing capability."),
        new(SuggestionField.ValueDimension, nameof(ValueDimension.Expectation), "Expectation", "期望", "Something the customer expects as standard, or an improvement they would like."),
        new(SuggestionField.ValueDimension, nameof(ValueDimension.Dream), "Dream", "愿景", "An aspiration or a vision of what the product could become one day."),
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Trains and persists a new model version. Answers null when there is nothing to learn from (no coding and no
    /// taxonomy) or when a training is already running in this process.
    /// </summary>
    public async Task<SuggestionModelRecord?> TrainAsync(CancellationToken cancellationToken = default)
    {
        if (!await _gate.WaitAsync(0, cancellationToken))
            return null;
        status.Started();
        try
        {
            var snapshotAt = time.GetUtcNow().UtcDateTime;
            var (examples, taxonomy, submittedCodings) = await LoadAsync(cancellationToken);
            if (examples.Count == 0 && taxonomy.Count == 0)
            {
                status.Finished(null, snapshotAt);
                return null;
            }

            var classifierOptions = new TextClassifierOptions { AbstainBelow = options.Value.AbstainBelow };
            var progress = new Progress<double>(status.Report);
            var watch = Stopwatch.StartNew();
            // Training takes seconds on big histories: keep it off the caller's thread (a request or the host's loop).
            var model = await Task.Run(() => SuggestionModel.Train(examples, taxonomy, classifierOptions, progress, cancellationToken), cancellationToken);
            var seconds = watch.Elapsed.TotalSeconds;

            var record = await store.SaveAsync(model, new SuggestionModelRecord
            {
                TrainedAt = snapshotAt,
                TrainingItems = model.IsColdStart ? 0 : examples.Count,
                SubmittedCodings = submittedCodings,
                IsColdStart = model.IsColdStart,
                TrainSeconds = seconds,
                EvaluationJson = JsonSerializer.Serialize(Evaluate(model, examples, taxonomy), SuggestionJson.Options),
                Payload = model.Serialize(),
            }, cancellationToken);
            store.Publish(model);
            status.Finished(record.Version, snapshotAt);
            LogTrained(record.Version, examples.Count, model.IsColdStart, seconds);
            return record;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            status.Failed(ex.Message);
            throw;
        }
        finally
        {
            if (status.State == SuggestionTrainingState.Training)
                status.Finished(null, time.GetUtcNow().UtcDateTime);
            _gate.Release();
        }
    }

    /// <summary>A new installation: no model at all yet, so build one from the taxonomy's names at once (a few dozen texts).</summary>
    public async Task<SuggestionModelRecord?> ColdStartIfNoModelAsync(CancellationToken cancellationToken = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            if (await db.SuggestionModels.AnyAsync(cancellationToken))
                return null;
        }
        return await TrainAsync(cancellationToken);
    }

    /// <summary>Codings submitted after the newest model's training data was read (all of them when there is no model).</summary>
    public async Task<int> CodingsSinceNewestModelAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var newest = await db.SuggestionModels.AsNoTracking().OrderByDescending(m => m.Version)
            .Select(m => new { m.TrainedAt, m.SubmittedCodings }).FirstOrDefaultAsync(cancellationToken);
        var submitted = db.Attributions.AsNoTracking().Where(a => a.State == AttributionState.Submitted);
        var total = await submitted.CountAsync(cancellationToken);
        if (newest is null)
            return total;
        var sinceThen = await submitted.CountAsync(a => a.SubmittedAt > newest.TrainedAt, cancellationToken);
        // An import of past codings carries old submit dates: it shows as growth of the total instead.
        return Math.Max(sinceThen, total - newest.SubmittedCodings);
    }

    private async Task<(List<CodedExample> Examples, List<TaxonomyEntryText> Taxonomy, int SubmittedCodings)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var submittedCodings = await db.Attributions.CountAsync(a => a.State == AttributionState.Submitted, cancellationToken);

        // Ids map to keys here, in memory, following merges to the survivor and leaving archived entries out:
        // the model must only propose what the form can still offer.
        var metrics = Keys(await db.BusinessMetrics.AsNoTracking().Select(e => new EntryRow(e.Id, e.Key, e.Name, e.NameZh, e.Description, e.IsArchived, e.MergedIntoId)).ToListAsync(cancellationToken));
        var gaps = Keys(await db.CapabilityGaps.AsNoTracking().Select(e => new EntryRow(e.Id, e.Key, e.Name, e.NameZh, e.Description, e.IsArchived, e.MergedIntoId)).ToListAsync(cancellationToken));
        var domains = Keys(await db.OwningDomains.AsNoTracking().Select(e => new EntryRow(e.Id, e.Key, e.Name, e.NameZh, e.Description, e.IsArchived, e.MergedIntoId)).ToListAsync(cancellationToken));
        var tags = Keys(await db.Tags.AsNoTracking().Select(e => new EntryRow(e.Id, e.Key, e.Name, e.NameZh, e.Description, e.IsArchived, e.MergedIntoId)).ToListAsync(cancellationToken));

        var max = Math.Max(1, options.Value.MaxTrainingItems);
        var newest = db.Attributions.AsNoTracking()
            .Where(a => a.State == AttributionState.Submitted)
            .OrderByDescending(a => a.SubmittedAt).ThenByDescending(a => a.Id)
            .Take(max);
        var rows = await newest
            .Select(a => new { a.Id, a.FeedbackItem!.Verbatim, a.BusinessMetricId, a.CapabilityGapId, a.OwningDomainId, a.ValueDimension })
            .ToListAsync(cancellationToken);
        var tagRows = await db.AttributionTags.AsNoTracking()
            .Where(t => newest.Select(a => a.Id).Contains(t.AttributionId))
            .Select(t => new { t.AttributionId, t.TagId })
            .ToListAsync(cancellationToken);
        var tagsByAttribution = tagRows.ToLookup(t => t.AttributionId, t => t.TagId);

        var examples = new List<CodedExample>(rows.Count);
        foreach (var row in rows)
        {
            examples.Add(new CodedExample(
                row.Verbatim,
                Key(metrics.Map, row.BusinessMetricId),
                Key(gaps.Map, row.CapabilityGapId),
                Key(domains.Map, row.OwningDomainId),
                row.ValueDimension?.ToString(),
                tagsByAttribution[row.Id].Select(id => Key(tags.Map, id)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList()));
        }

        var taxonomy = new List<TaxonomyEntryText>();
        void AddEntries(SuggestionField field, IEnumerable<EntryRow> current) =>
            taxonomy.AddRange(current.Select(e => new TaxonomyEntryText(field, e.Key, e.Name, e.NameZh, e.Description)));
        AddEntries(SuggestionField.BusinessMetric, metrics.Current);
        AddEntries(SuggestionField.CapabilityGap, gaps.Current);
        AddEntries(SuggestionField.OwningDomain, domains.Current);
        AddEntries(SuggestionField.Tags, tags.Current);
        if (taxonomy.Count > 0)
            taxonomy.AddRange(ValueDimensions);
        return (examples, taxonomy, submittedCodings);
    }

    private sealed record EntryRow(int Id, string Key, string Name, string? NameZh, string? Description, bool IsArchived, int? MergedIntoId);

    /// <summary>Id → the key to learn (the merge survivor's; null when archived), and the entries currently offered.</summary>
    private static (Dictionary<int, string?> Map, List<EntryRow> Current) Keys(List<EntryRow> entries)
    {
        var byId = entries.ToDictionary(e => e.Id);
        var map = new Dictionary<int, string?>(entries.Count);
        foreach (var entry in entries)
        {
            var survivor = entry;
            // Bounded walk: a merge chain is short, and a cycle (bad data) must not hang the trainer.
            for (var hops = 0; survivor.MergedIntoId is { } next && hops < 10 && byId.TryGetValue(next, out var target); hops++)
                survivor = target;
            map[entry.Id] = survivor.IsArchived || survivor.MergedIntoId is not null ? null : survivor.Key;
        }
        return (map, entries.Where(e => !e.IsArchived && e.MergedIntoId is null).ToList());
    }

    private static string? Key(Dictionary<int, string?> map, int? id) => id is { } value ? map.GetValueOrDefault(value) : null;

    internal static ModelEvaluation Evaluate(SuggestionModel model, IReadOnlyList<CodedExample> examples, IReadOnlyList<TaxonomyEntryText> taxonomy)
    {
        var fields = new List<FieldEvaluation>();
        foreach (var field in model.Fields.Order())
        {
            var classifier = model.ClassifierFor(field)!;
            var source = model.SourceFor(field)!.Value;
            var count = source == SuggestionSource.Local
                ? SuggestionModel.TrainingData(field, examples).Count
                : taxonomy.Count(t => t.Field == field);
            fields.Add(new FieldEvaluation(field, source, count, classifier.Labels.Count, classifier.HeldOutTop1, classifier.HeldOutTop3,
                classifier.Temperature, classifier.Reliability));
        }
        return new ModelEvaluation(fields);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Suggestion model version {Version} trained from {Items} codings (cold start: {ColdStart}) in {Seconds:F1} s.")]
    private partial void LogTrained(int version, int items, bool coldStart, double seconds);
}
