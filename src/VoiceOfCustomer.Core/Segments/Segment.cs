using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Segments;

/// <summary>
/// A group of customers that share a policy: how fast their voices must be attributed and how much
/// their pain weighs on the roadmap. Membership is stored on the customer; the rule describes it for people.
/// </summary>
public sealed class Segment
{
    public int Id { get; set; }

    /// <summary>Stable slug used by seed files, imports and configuration, e.g. <c>strategic-cobuild</c>.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? NameZh { get; set; }
    public string? Description { get; set; }

    /// <summary>Human-readable membership rule (lifecycle, value, behaviour), e.g. "LTV/CAC ≥ 5 and in co-build programme".</summary>
    public string? Rule { get; set; }

    /// <summary>The membership rule that runs (see docs/segments.md): JSON conditions on customer coordinates with all/any. Null: matches no one.</summary>
    public string? RuleJson { get; set; }

    /// <summary>Evaluation order: a customer is in the first segment, by position, whose rule matches (file order of the seed).</summary>
    public int Position { get; set; }
    public SegmentPolicy Policy { get; set; } = new();
    public bool IsArchived { get; set; }
}

/// <summary>What a segment's membership promises: attribution SLA and roadmap weight.</summary>
public sealed class SegmentPolicy
{
    public static readonly TimeSpan DefaultAttributionTarget = TimeSpan.FromHours(48);

    /// <summary>Time allowed from arrival to completed attribution; stricter segments set less than 48 h.</summary>
    public TimeSpan AttributionTarget { get; set; } = DefaultAttributionTarget;

    /// <summary>Multiplier applied to this segment's customer value when pain points are ranked.</summary>
    public double RoadmapWeight { get; set; } = 1.0;

    /// <summary>Key of a business-hours calendar; null counts the target in wall-clock hours.</summary>
    public string? CalendarKey { get; set; }
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.HasIndex(s => s.Key).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.NameZh).HasMaxLength(200);
        builder.Property(s => s.Description).HasMaxLength(2000);
        builder.Property(s => s.Rule).HasMaxLength(500);
        builder.Property(s => s.RuleJson).HasMaxLength(8000);
        builder.OwnsOne(s => s.Policy, policy =>
        {
            policy.Property(p => p.AttributionTarget).HasColumnName("AttributionTarget");
            policy.Property(p => p.RoadmapWeight).HasColumnName("RoadmapWeight");
            policy.Property(p => p.CalendarKey).HasColumnName("CalendarKey").HasMaxLength(64);
        });
        builder.Navigation(s => s.Policy).IsRequired();
    }
}
