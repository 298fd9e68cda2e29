using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Suggestions;

/// <summary>One value shown for a field: a taxonomy key (or value-dimension name) and its calibrated confidence, when known.</summary>
public sealed record SuggestedValue(string Value, double? Confidence);

/// <summary>
/// What the coding form shows for one field: ranked values, best first, or an abstention. Unlike
/// <see cref="FieldSuggestion"/>, a value may have no confidence: an LLM's pick that the local model did not rank.
/// </summary>
public sealed record ItemSuggestion(SuggestionField Field, SuggestionSource Source, int ModelVersion, IReadOnlyList<SuggestedValue> Ranked, AbstainReason? Abstained)
{
    public SuggestedValue? Best => Abstained is null && Ranked.Count > 0 ? Ranked[0] : null;
}

/// <summary>
/// Suggestions for one item's coding form: the local model on its verbatim (microseconds, so it runs on the request),
/// refined by a stored LLM answer when there is one, and each shown suggestion queued to be recorded once so that the
/// submitted coding can score it.
/// </summary>
public sealed partial class SuggestionService(
    VocDbContext db,
    SuggestionModelStore store,
    ShownSuggestionRecorder recorder,
    IOptions<SuggestionOptions> options,
    TimeProvider time,
    ILogger<SuggestionService> logger)
{
    private static readonly JsonSerializerOptions AlternativesJson = new(JsonSerializerDefaults.Web);

    /// <summary>The item's suggestions, recorded as shown to <paramref name="viewerId"/>; null when there is no such item.</summary>
    public async Task<IReadOnlyList<ItemSuggestion>?> SuggestForItemAsync(long itemId, string? viewerId, CancellationToken cancellationToken = default)
    {
        var item = await db.FeedbackItems.AsNoTracking().Where(f => f.Id == itemId)
            .Select(f => new { f.Verbatim, f.Status }).FirstOrDefaultAsync(cancellationToken);
        if (item is null)
            return null;
        return await SuggestAsync(itemId, item.Verbatim, IsOpen(item.Status), viewerId, cancellationToken);
    }

    /// <summary>
    /// Suggestions for an item whose verbatim the caller already read. <paramref name="record"/> is false for items
    /// already coded or merged: their suggestions would never be resolved.
    /// </summary>
    public async Task<IReadOnlyList<ItemSuggestion>> SuggestAsync(long itemId, string? verbatim, bool record, string? viewerId, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
            return [];
        var model = store.Current ?? await store.EnsureLoadedAsync(cancellationToken);
        if (model is null)
            return [];

        var local = model.Suggest(verbatim);
        var answer = await db.LlmSuggestions.AsNoTracking()
            .Where(l => l.FeedbackItemId == itemId && l.AnswerJson != null)
            .Select(l => l.AnswerJson).FirstOrDefaultAsync(cancellationToken);
        var refined = ParseAnswer(itemId, answer);

        var shown = new List<ItemSuggestion>();
        var recorded = new List<ItemSuggestion>();
        foreach (var field in Enum.GetValues<SuggestionField>())
        {
            var fromModel = local.FirstOrDefault(s => s.Field == field);
            var localShown = fromModel is null ? null : new ItemSuggestion(field, fromModel.Source, fromModel.ModelVersion,
                fromModel.Ranked.Select(r => new SuggestedValue(r.Label, r.Confidence)).ToList(), fromModel.Abstained);
            if (refined.TryGetValue(field, out var llmValues))
            {
                var ranked = llmValues
                    .Select(v => new SuggestedValue(v, fromModel?.Ranked.FirstOrDefault(r => r.Label == v)?.Confidence))
                    .Concat((localShown?.Ranked ?? []).Where(r => !llmValues.Contains(r.Value)).Take(2))
                    .ToList();
                var llm = new ItemSuggestion(field, SuggestionSource.Llm, model.Version, ranked, null);
                shown.Add(llm);
                recorded.Add(llm);
                // The local pick underneath is recorded too: it is what measures the local model on every item.
                if (localShown is not null)
                    recorded.Add(localShown);
            }
            else if (localShown is not null)
            {
                shown.Add(localShown);
                recorded.Add(localShown);
            }
        }

        if (record && recorded.Count > 0)
            Record(itemId, viewerId, recorded, refined);
        return shown;
    }

    public static bool IsOpen(FeedbackStatus status) =>
        status is FeedbackStatus.New or FeedbackStatus.InProgress or FeedbackStatus.AwaitingCustomer;

    /// <summary>Queues the shown suggestions; <see cref="ShownSuggestionRecorder"/> writes them after the response.</summary>
    private void Record(long itemId, string? viewerId, List<ItemSuggestion> suggestions, Dictionary<SuggestionField, List<string>> refined)
    {
        var now = time.GetUtcNow().UtcDateTime;
        recorder.Enqueue(suggestions.Select(suggestion =>
        {
            // An LLM's tags are shown as one pick; every other field's pick is its best value.
            var picked = suggestion.Source == SuggestionSource.Llm && refined.TryGetValue(suggestion.Field, out var values) ? values.Count : 1;
            var best = suggestion.Best;
            return new SuggestionRecord
            {
                FeedbackItemId = itemId,
                Field = suggestion.Field,
                Source = suggestion.Source,
                ModelVersion = suggestion.ModelVersion,
                SuggestedValue = best is null ? null : Truncate(string.Join(",", suggestion.Ranked.Take(picked).Select(v => v.Value)), 1000),
                Confidence = best?.Confidence,
                AlternativesJson = Truncate(JsonSerializer.Serialize(suggestion.Ranked.Skip(best is null ? 0 : picked).Take(2), AlternativesJson), 2000),
                ShownAt = now,
                ShownToId = viewerId,
            };
        }));
    }

    /// <summary>The stored LLM answer per field (tags may be several); an unreadable answer counts as none.</summary>
    private Dictionary<SuggestionField, List<string>> ParseAnswer(long itemId, string? json)
    {
        var result = new Dictionary<SuggestionField, List<string>>();
        if (string.IsNullOrWhiteSpace(json))
            return result;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return result;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Enum.TryParse<SuggestionField>(property.Name, ignoreCase: true, out var field) || !Enum.IsDefined(field))
                    continue;
                var values = property.Value.ValueKind switch
                {
                    JsonValueKind.String => [property.Value.GetString()],
                    JsonValueKind.Array => property.Value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()).ToList(),
                    _ => new List<string?>(),
                };
                var clean = values.OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0).Distinct().ToList();
                if (clean.Count > 0)
                    result[field] = clean;
            }
        }
        catch (JsonException ex)
        {
            LogBadAnswer(itemId, ex.Message);
            result.Clear();
        }
        return result;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored LLM answer for item {ItemId} is not readable JSON ({Reason}); showing the local suggestion.")]
    private partial void LogBadAnswer(long itemId, string reason);
}
