using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Taxonomy;

/// <summary>The four kinds of taxonomy entry an Admin keeps.</summary>
public enum TaxonomyKind
{
    Metric,
    CapabilityGap,
    Domain,
    Tag,
}

/// <summary>One change to a taxonomy entry: who, when, and the entry before and after (JSON snapshots).</summary>
public sealed class TaxonomyChange
{
    public long Id { get; set; }
    public TaxonomyKind Kind { get; set; }
    public int EntryId { get; set; }

    /// <summary>create, rename, edit, archive, unarchive, merge, propose or accept; see <see cref="TaxonomyActions"/>.</summary>
    public required string Action { get; set; }
    public DateTime ChangedAt { get; set; }
    public string? ChangedById { get; set; }
    public string? BeforeJson { get; set; }
    public string? AfterJson { get; set; }
}

public static class TaxonomyActions
{
    public const string Create = "create";
    public const string Rename = "rename";
    public const string Edit = "edit";
    public const string Archive = "archive";
    public const string Unarchive = "unarchive";
    public const string Merge = "merge";
    public const string Propose = "propose";
    public const string Accept = "accept";
}

internal sealed class TaxonomyChangeConfiguration : IEntityTypeConfiguration<TaxonomyChange>
{
    public void Configure(EntityTypeBuilder<TaxonomyChange> builder)
    {
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Action).HasMaxLength(16);
        builder.Property(c => c.ChangedById).HasMaxLength(450);
        // The history page reads one entry's changes in time order.
        builder.HasIndex(c => new { c.Kind, c.EntryId, c.ChangedAt });
    }
}
