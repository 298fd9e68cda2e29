using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Coding;

/// <summary>
/// A coding record as people read it: ids with names. Kept in the audit trail (before and after) and handed
/// back on a conflict, so the CSM sees what the colleague saved.
/// </summary>
public sealed record AttributionSnapshot(
    AttributionState State,
    int Version,
    int? MetricId,
    string? Metric,
    ImpactDirection? Direction,
    decimal? Magnitude,
    string? Unit,
    string? NoImpactReason,
    int? CapabilityGapId,
    string? CapabilityGap,
    string? Hypothesis,
    int? OwningDomainId,
    string? OwningDomain,
    ValueDimension? ValueDimension,
    VoiceRole? VoiceRole,
    IReadOnlyList<int> TagIds,
    IReadOnlyList<string> Tags,
    // Unset only on Uncoded, which has never been updated.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] DateTime UpdatedAt,
    string? UpdatedById)
{
    /// <summary>
    /// An item nobody has coded yet: version 0, state <see cref="AttributionState.None"/>. The API answers with it
    /// rather than leaving <c>attribution</c> out, so a client can always read <c>attribution.version</c>.
    /// </summary>
    public static readonly AttributionSnapshot Uncoded = new(
        AttributionState.None, 0, null, null, null, null, null, null, null, null, null, null, null, null, null, [], [], default, null);

    /// <summary>The item's coding, or null when nothing was coded yet. Used by the coding rules and by the item's detail.</summary>
    public static async Task<AttributionSnapshot?> ReadAsync(VocDbContext db, long itemId, CancellationToken cancellationToken = default)
    {
        // Tags are read by a second, keyed query: projected together with the attribution, SQLite built the
        // tag subquery over every coded item's tags (~100 ms per read with a million items).
        var row = await db.Attributions.AsNoTracking()
            .Where(a => a.FeedbackItemId == itemId)
            .Select(a => new
            {
                a.Id, a.State, a.Version,
                a.BusinessMetricId, Metric = a.BusinessMetric == null ? null : a.BusinessMetric.Name,
                a.ImpactDirection, a.ImpactMagnitude, a.ImpactUnit, a.NoImpactReason,
                a.CapabilityGapId, Gap = a.CapabilityGap == null ? null : a.CapabilityGap.Name, a.RootCauseHypothesis,
                a.OwningDomainId, Domain = a.OwningDomain == null ? null : a.OwningDomain.Name,
                a.ValueDimension, a.VoiceRole, a.UpdatedAt, a.UpdatedById,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return null;
        var tags = await db.AttributionTags.AsNoTracking()
            .Where(t => t.AttributionId == row.Id)
            .OrderBy(t => t.TagId)
            .Select(t => new { t.TagId, t.Tag!.Name })
            .ToListAsync(cancellationToken);
        return new AttributionSnapshot(
            row.State, row.Version, row.BusinessMetricId, row.Metric, row.ImpactDirection, row.ImpactMagnitude, row.ImpactUnit,
            row.NoImpactReason, row.CapabilityGapId, row.Gap, row.RootCauseHypothesis, row.OwningDomainId, row.Domain,
            row.ValueDimension, row.VoiceRole, tags.Select(t => t.TagId).ToList(), tags.Select(t => t.Name).ToList(),
            row.UpdatedAt, row.UpdatedById);
    }
}
