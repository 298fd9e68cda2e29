using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.Behaviour;

/// <summary>
/// A customer-behaviour target: a segment's key success factor for a quarter (optionally for one lifecycle stage of its
/// success path) — metric, baseline, target, owner. Task cards name these; the quarterly retro checks them.
/// </summary>
public sealed class BehaviourTarget
{
    public int Id { get; set; }
    public int MetricId { get; set; }
    public BehaviourMetric? Metric { get; set; }
    public int SegmentId { get; set; }
    public Segments.Segment? Segment { get; set; }

    /// <summary>The stage of the segment's success path this factor belongs to; null: the whole segment.</summary>
    public LifecycleStage? Stage { get; set; }

    /// <summary>As written, e.g. <c>2026Q3</c>.</summary>
    public required string Quarter { get; set; }
    public double Baseline { get; set; }
    public double Target { get; set; }

    /// <summary>Identity user id of the person who answers for it (reports on an unmet target).</summary>
    public required string OwnerUserId { get; set; }
    public string? Note { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class BehaviourTargetConfiguration : IEntityTypeConfiguration<BehaviourTarget>
{
    public void Configure(EntityTypeBuilder<BehaviourTarget> builder)
    {
        builder.Property(t => t.Quarter).HasMaxLength(6);
        builder.Property(t => t.Stage).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.OwnerUserId).HasMaxLength(450);
        builder.Property(t => t.Note).HasMaxLength(1000);
        builder.HasIndex(t => new { t.SegmentId, t.MetricId, t.Quarter, t.Stage }).IsUnique();
        builder.HasOne(t => t.Metric).WithMany().HasForeignKey(t => t.MetricId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.Segment).WithMany().HasForeignKey(t => t.SegmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
