using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Behaviour;

/// <summary>
/// One value of a metric for one period: for a customer (measured metrics) or for a segment (external metrics). Re-posting
/// the same metric, owner and period replaces the value, so imports and API calls are idempotent.
/// </summary>
public sealed class BehaviourMeasurement
{
    public long Id { get; set; }
    public int MetricId { get; set; }
    public BehaviourMetric? Metric { get; set; }

    /// <summary>Set for a customer's measurement; null for a segment's (external metric).</summary>
    public int? CustomerId { get; set; }

    /// <summary>Set for a segment's measurement of an external metric; null for a customer's.</summary>
    public int? SegmentId { get; set; }

    /// <summary>As written: <c>2026Q3</c> or <c>2026-09</c> (see <see cref="Period"/>).</summary>
    public required string Period { get; set; }

    /// <summary>First day of the period, and its length in months (1 or 3), so months roll up into quarters.</summary>
    public DateOnly PeriodStart { get; set; }
    public int PeriodMonths { get; set; }
    public double Value { get; set; }
    public DateTime RecordedAt { get; set; }
}

internal sealed class BehaviourMeasurementConfiguration : IEntityTypeConfiguration<BehaviourMeasurement>
{
    public void Configure(EntityTypeBuilder<BehaviourMeasurement> builder)
    {
        builder.Property(m => m.Period).HasMaxLength(7);
        builder.HasIndex(m => new { m.MetricId, m.CustomerId, m.Period }).IsUnique();
        builder.HasIndex(m => new { m.MetricId, m.SegmentId, m.Period }).IsUnique();
        builder.HasIndex(m => new { m.CustomerId, m.MetricId, m.PeriodStart });
        builder.HasOne(m => m.Metric).WithMany().HasForeignKey(m => m.MetricId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Customers.Customer>().WithMany().HasForeignKey(m => m.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Not cascading: SQL Server refuses a second cascade path from Segments (through Customers) — segments are archived, not deleted.
        builder.HasOne<Segments.Segment>().WithMany().HasForeignKey(m => m.SegmentId).OnDelete(DeleteBehavior.Restrict);
    }
}
