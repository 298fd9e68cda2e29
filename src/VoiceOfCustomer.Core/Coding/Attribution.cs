using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Coding;

/// <summary>
/// The structured chain a CSM codes from a verbatim: business impact → root-cause hypothesis → owning domain,
/// plus where the voice sits on the value map and whose voice it is. One per feedback item.
/// </summary>
public sealed class Attribution
{
    public const int HypothesisMaxLength = 4000;

    public long Id { get; set; }
    public long FeedbackItemId { get; set; }
    public FeedbackItem? FeedbackItem { get; set; }

    // Business impact: a metric, which way it moved and by how much, or an explicit "no measurable impact".
    public int? BusinessMetricId { get; set; }
    public BusinessMetric? BusinessMetric { get; set; }
    public ImpactDirection? ImpactDirection { get; set; }
    public decimal? ImpactMagnitude { get; set; }
    public string? ImpactUnit { get; set; }
    public string? NoImpactReason { get; set; }

    // Root-cause hypothesis: which capability gap, and the CSM's reasoning.
    public int? CapabilityGapId { get; set; }
    public CapabilityGap? CapabilityGap { get; set; }
    public string? RootCauseHypothesis { get; set; }

    // Owning domain: which team answers.
    public int? OwningDomainId { get; set; }
    public OwningDomain? OwningDomain { get; set; }

    public ValueDimension? ValueDimension { get; set; }
    public VoiceRole? VoiceRole { get; set; }

    public List<AttributionTag> Tags { get; set; } = [];

    public AttributionState State { get; set; } = AttributionState.Draft;

    /// <summary>Incremented on every save; a save that read an older version is a conflict, never an overwrite.</summary>
    public int Version { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? UpdatedById { get; set; }
    public DateTime? SubmittedAt { get; set; }
}

public enum ImpactDirection
{
    Up,
    Down,
}

/// <summary>The value map: what the voice expresses, from the most acute to the most aspirational.</summary>
public enum ValueDimension
{
    Pain,
    Need,
    Expectation,
    Dream,
}

/// <summary>Whose voice it is: the buyer who pays or the user who works with the product.</summary>
public enum VoiceRole
{
    Buyer,
    User,
}

public enum AttributionState
{
    Draft,
    Submitted,
    /// <summary>Nothing coded yet. Never stored: it is what the API says of an uncoded item (<see cref="AttributionSnapshot.Uncoded"/>).</summary>
    None,
}

public sealed class AttributionTag
{
    public long AttributionId { get; set; }
    public int TagId { get; set; }
    public Tag? Tag { get; set; }
}

/// <summary>Who changed a coding record, when, and what it looked like before and after (JSON snapshots).</summary>
public sealed class AttributionAuditEntry
{
    public long Id { get; set; }
    public long FeedbackItemId { get; set; }
    public DateTime ChangedAt { get; set; }
    public string? ChangedById { get; set; }
    public required string Action { get; set; }
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
}

internal sealed class AttributionConfiguration : IEntityTypeConfiguration<Attribution>
{
    public void Configure(EntityTypeBuilder<Attribution> builder)
    {
        builder.HasIndex(a => a.FeedbackItemId).IsUnique();
        builder.HasOne(a => a.FeedbackItem).WithOne(f => f.Attribution).HasForeignKey<Attribution>(a => a.FeedbackItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(a => a.BusinessMetric).WithMany().HasForeignKey(a => a.BusinessMetricId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.CapabilityGap).WithMany().HasForeignKey(a => a.CapabilityGapId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.OwningDomain).WithMany().HasForeignKey(a => a.OwningDomainId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.ImpactDirection).HasConversion<string>().HasMaxLength(8);
        builder.Property(a => a.ImpactMagnitude).HasPrecision(18, 4);
        builder.Property(a => a.ImpactUnit).HasMaxLength(32);
        builder.Property(a => a.NoImpactReason).HasMaxLength(1000);
        builder.Property(a => a.RootCauseHypothesis).HasMaxLength(Attribution.HypothesisMaxLength);
        builder.Property(a => a.ValueDimension).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.VoiceRole).HasConversion<string>().HasMaxLength(8);
        builder.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.UpdatedById).HasMaxLength(450);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasMany(a => a.Tags).WithOne().HasForeignKey(t => t.AttributionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AttributionTagConfiguration : IEntityTypeConfiguration<AttributionTag>
{
    public void Configure(EntityTypeBuilder<AttributionTag> builder)
    {
        builder.HasKey(t => new { t.AttributionId, t.TagId });
        builder.HasOne(t => t.Tag).WithMany().HasForeignKey(t => t.TagId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AttributionAuditEntryConfiguration : IEntityTypeConfiguration<AttributionAuditEntry>
{
    public void Configure(EntityTypeBuilder<AttributionAuditEntry> builder)
    {
        builder.HasIndex(e => new { e.FeedbackItemId, e.ChangedAt });
        builder.Property(e => e.ChangedById).HasMaxLength(450);
        builder.Property(e => e.Action).HasMaxLength(32);
        builder.HasOne<FeedbackItem>().WithMany().HasForeignKey(e => e.FeedbackItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
