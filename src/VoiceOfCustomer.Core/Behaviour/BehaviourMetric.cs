using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Behaviour;

/// <summary>
/// A customer behaviour the company promises to move (self-service resolution rate, feature adoption, NPS, …), defined
/// once in <c>seed/behaviour-metrics.json</c> or by an Admin. Measured per customer and period and aggregated to
/// segments, or, when <see cref="IsExternal"/>, posted per segment and period (a survey's NPS).
/// </summary>
public sealed class BehaviourMetric
{
    public const int KeyMaxLength = 64;

    public int Id { get; set; }

    /// <summary>Stable slug, e.g. <c>self-service-resolution-rate</c>; targets, measurements and segment rules name it.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? NameZh { get; set; }
    public string? Description { get; set; }
    public MetricUnit Unit { get; set; } = MetricUnit.Percent;

    /// <summary>Whether a higher value is better (adoption) or a lower one (time to resolve).</summary>
    public GoodDirection GoodDirection { get; set; } = GoodDirection.Up;
    public MetricAggregation Aggregation { get; set; } = MetricAggregation.Mean;
    public bool IsExternal { get; set; }
    public bool IsArchived { get; set; }
}

public enum MetricUnit
{
    /// <summary>0–100.</summary>
    Percent,
    Count,
    Score,
    Ratio,
    Currency,
}

public enum GoodDirection
{
    Up,
    Down,
}

/// <summary>How customers' values become a segment's value for a period.</summary>
public enum MetricAggregation
{
    Mean,
    Sum,
    Median,
    Min,
    Max,
}

internal sealed class BehaviourMetricConfiguration : IEntityTypeConfiguration<BehaviourMetric>
{
    public void Configure(EntityTypeBuilder<BehaviourMetric> builder)
    {
        builder.Property(m => m.Key).HasMaxLength(BehaviourMetric.KeyMaxLength);
        builder.HasIndex(m => m.Key).IsUnique();
        builder.Property(m => m.Name).HasMaxLength(200);
        builder.Property(m => m.NameZh).HasMaxLength(200);
        builder.Property(m => m.Description).HasMaxLength(1000);
        builder.Property(m => m.Unit).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.GoodDirection).HasConversion<string>().HasMaxLength(10);
        builder.Property(m => m.Aggregation).HasConversion<string>().HasMaxLength(10);
    }
}
