using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Scores what was shown against what the CSM submitted. Called by the coding service inside the submit's
/// transaction, so a coding and the outcome of its suggestions are saved together.
/// </summary>
public static class SuggestionFeedback
{
    /// <summary>Resolves the item's pending suggestions against its (already saved) coding; the caller saves.</summary>
    public static async Task ResolvePendingAsync(VocDbContext db, long itemId, DateTime now, CancellationToken cancellationToken = default)
    {
        var pending = await db.SuggestionRecords
            .Where(r => r.FeedbackItemId == itemId && r.Outcome == SuggestionOutcome.Pending)
            .ToListAsync(cancellationToken);
        if (pending.Count == 0)
            return;
        var final = await db.Attributions.AsNoTracking().Where(a => a.FeedbackItemId == itemId)
            .Select(a => new
            {
                a.Id,
                Metric = a.BusinessMetric == null ? null : a.BusinessMetric.Key,
                Gap = a.CapabilityGap == null ? null : a.CapabilityGap.Key,
                Domain = a.OwningDomain == null ? null : a.OwningDomain.Key,
                a.ValueDimension,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (final is null)
            return;
        var tags = await db.AttributionTags.AsNoTracking().Where(t => t.AttributionId == final.Id)
            .Select(t => t.Tag!.Key).ToListAsync(cancellationToken);
        tags.Sort(StringComparer.Ordinal);

        foreach (var record in pending)
        {
            var chosen = record.Field switch
            {
                SuggestionField.BusinessMetric => final.Metric,
                SuggestionField.CapabilityGap => final.Gap,
                SuggestionField.OwningDomain => final.Domain,
                SuggestionField.ValueDimension => final.ValueDimension?.ToString(),
                SuggestionField.Tags => tags.Count == 0 ? null : string.Join(",", tags),
                _ => null,
            };
            record.FinalValue = chosen is { Length: > 1000 } ? chosen[..1000] : chosen;
            record.Outcome = Outcome(record.Field, record.SuggestedValue, chosen, tags);
            record.ResolvedAt = now;
        }
    }

    internal static SuggestionOutcome Outcome(SuggestionField field, string? suggested, string? chosen, IReadOnlyCollection<string> chosenTags)
    {
        if (suggested is null)
            return SuggestionOutcome.Abstained;
        if (field == SuggestionField.Tags)
        {
            // Tags are a set: the suggestion counts as taken when its top tag is among those submitted.
            var top = suggested.Split(',', 2)[0];
            return chosenTags.Contains(top, StringComparer.Ordinal) ? SuggestionOutcome.Accepted : SuggestionOutcome.Corrected;
        }
        return string.Equals(suggested, chosen, StringComparison.Ordinal) ? SuggestionOutcome.Accepted : SuggestionOutcome.Corrected;
    }
}
