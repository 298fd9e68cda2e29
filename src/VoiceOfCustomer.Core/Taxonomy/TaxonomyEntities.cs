using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Taxonomy;

/// <summary>
/// Common shape of taxonomy entries: a stable key, names in English and Chinese, and a life cycle
/// (archive, or merge into a survivor that coded items then follow).
/// </summary>
public abstract class TaxonomyEntry
{
    public int Id { get; set; }

    /// <summary>Stable slug used by seed files and integrations.</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? NameZh { get; set; }
    public string? Description { get; set; }
    public bool IsArchived { get; set; }

    /// <summary>Survivor of a merge; a merged entry stays for history but is no longer offered.</summary>
    public int? MergedIntoId { get; set; }

    public string DisplayName(bool chinese) => chinese && !string.IsNullOrWhiteSpace(NameZh) ? NameZh : Name;
}

/// <summary>A business metric a voice can move, e.g. "store replenishment on-time rate".</summary>
public sealed class BusinessMetric : TaxonomyEntry
{
    /// <summary>Unit offered by default when coding an impact on this metric, e.g. <c>%</c>, <c>hours</c>, <c>CNY</c>.</summary>
    public string? DefaultUnit { get; set; }

    /// <summary>Which direction is good for the business; impacts are read against it.</summary>
    public MetricPolarity Polarity { get; set; } = MetricPolarity.HigherIsBetter;
}

public enum MetricPolarity
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>A capability the product lacks, the target of root-cause hypotheses.</summary>
public sealed class CapabilityGap : TaxonomyEntry
{
    public int? OwningDomainId { get; set; }
    public OwningDomain? OwningDomain { get; set; }
    public CapabilityGapStatus Status { get; set; } = CapabilityGapStatus.Accepted;

    /// <summary>Identity user id of whoever proposed the gap (a CSM while coding, or a PM).</summary>
    public string? ProposedById { get; set; }
}

public enum CapabilityGapStatus
{
    Proposed,
    Accepted,
}

/// <summary>The team that must answer for a root cause.</summary>
public sealed class OwningDomain : TaxonomyEntry
{
    public string? OwnerName { get; set; }

    /// <summary>Where escalations and audit requests for this domain are sent.</summary>
    public required string OwnerEmail { get; set; }
}

/// <summary>A free label CSMs attach to coded items.</summary>
public sealed class Tag : TaxonomyEntry;

internal static class TaxonomyEntryConfiguration
{
    public static void ConfigureEntry<T>(EntityTypeBuilder<T> builder) where T : TaxonomyEntry
    {
        builder.Property(e => e.Key).HasMaxLength(64);
        builder.HasIndex(e => e.Key).IsUnique();
        builder.Property(e => e.Name).HasMaxLength(200);
        builder.Property(e => e.NameZh).HasMaxLength(200);
        builder.Property(e => e.Description).HasMaxLength(2000);
        builder.HasOne<T>().WithMany().HasForeignKey(e => e.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BusinessMetricConfiguration : IEntityTypeConfiguration<BusinessMetric>
{
    public void Configure(EntityTypeBuilder<BusinessMetric> builder)
    {
        TaxonomyEntryConfiguration.ConfigureEntry(builder);
        builder.Property(m => m.DefaultUnit).HasMaxLength(32);
        builder.Property(m => m.Polarity).HasConversion<string>().HasMaxLength(20);
    }
}

internal sealed class CapabilityGapConfiguration : IEntityTypeConfiguration<CapabilityGap>
{
    public void Configure(EntityTypeBuilder<CapabilityGap> builder)
    {
        TaxonomyEntryConfiguration.ConfigureEntry(builder);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.ProposedById).HasMaxLength(450);
        builder.HasOne(g => g.OwningDomain).WithMany().HasForeignKey(g => g.OwningDomainId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class OwningDomainConfiguration : IEntityTypeConfiguration<OwningDomain>
{
    public void Configure(EntityTypeBuilder<OwningDomain> builder)
    {
        TaxonomyEntryConfiguration.ConfigureEntry(builder);
        builder.Property(d => d.OwnerName).HasMaxLength(200);
        builder.Property(d => d.OwnerEmail).HasMaxLength(254);
    }
}

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> builder) => TaxonomyEntryConfiguration.ConfigureEntry(builder);
}
