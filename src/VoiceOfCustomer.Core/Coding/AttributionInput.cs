namespace VoiceOfCustomer.Coding;

/// <summary>
/// A CSM's coding of one voice, as the form or <c>POST /api/feedback/{id}/attribution</c> sends it. Enum values
/// arrive as text so that validation, not the binder, names a wrong one.
/// </summary>
public sealed record AttributionInput
{
    public ImpactInput? Impact { get; init; }
    public RootCauseInput? RootCause { get; init; }
    public int? OwningDomainId { get; init; }

    /// <summary><c>pain</c>, <c>need</c>, <c>expectation</c> or <c>dream</c>.</summary>
    public string? ValueDimension { get; init; }

    /// <summary><c>buyer</c> or <c>user</c>.</summary>
    public string? VoiceRole { get; init; }

    /// <summary>Tag ids; the stored set becomes exactly these.</summary>
    public IReadOnlyList<int>? Tags { get; init; }

    /// <summary>True completes the attribution (every layer required); false saves a draft.</summary>
    public bool Submit { get; init; }

    /// <summary>The version the caller read (0 when nothing was coded yet); an older one is a conflict.</summary>
    public int Version { get; init; }
}

/// <summary>A metric, which way it moved and by how much; or an explicit "no measurable impact" with the reason.</summary>
public sealed record ImpactInput
{
    public int? MetricId { get; init; }

    /// <summary><c>up</c> or <c>down</c>.</summary>
    public string? Direction { get; init; }
    public decimal? Magnitude { get; init; }

    /// <summary>Unit of the magnitude; the metric's default unit when omitted.</summary>
    public string? Unit { get; init; }
    public string? NoImpactReason { get; init; }
}

/// <summary>An existing capability gap or a proposed new one, and the CSM's hypothesis.</summary>
public sealed record RootCauseInput
{
    public int? CapabilityGapId { get; init; }
    public NewCapabilityGapInput? NewGap { get; init; }
    public string? Hypothesis { get; init; }
}

public sealed record NewCapabilityGapInput
{
    public string? Title { get; init; }
    public string? Description { get; init; }
}
