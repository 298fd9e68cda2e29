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
    DateTime UpdatedAt,
    string? UpdatedById);
