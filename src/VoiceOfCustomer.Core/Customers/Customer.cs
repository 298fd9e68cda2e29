using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Customers;

/// <summary>A customer account. Prospects are created on the fly when intake names an unknown customer.</summary>
public sealed class Customer
{
    public const int ReferenceMaxLength = 100;
    public const int NameMaxLength = 200;

    public int Id { get; set; }

    /// <summary>The account's key in the CRM or billing system; unique and case-insensitive via <see cref="ReferenceNormalized"/>.</summary>
    public required string Reference { get; set; }

    /// <summary>Upper-invariant copy of <see cref="Reference"/>, so lookups hit an index on every provider.</summary>
    public required string ReferenceNormalized { get; set; }

    public required string Name { get; set; }
    public LifecycleStage LifecycleStage { get; set; } = LifecycleStage.Prospect;
    public int? SegmentId { get; set; }
    public Segment? Segment { get; set; }
    public string? Industry { get; set; }
    public string? Region { get; set; }

    /// <summary>Annual recurring revenue in the account currency.</summary>
    public decimal? AnnualRecurringRevenue { get; set; }
    public decimal? LifetimeValue { get; set; }
    public decimal? AcquisitionCost { get; set; }

    /// <summary>Identity user id of the customer's CSM, the default owner of its feedback.</summary>
    public string? CsmUserId { get; set; }
    public DateTime CreatedAt { get; set; }

    public List<Contact> Contacts { get; set; } = [];

    public static string Normalize(string reference) => reference.Trim().ToUpperInvariant();

    public decimal? LtvToCac => LifetimeValue is { } ltv && AcquisitionCost is > 0 ? ltv / AcquisitionCost : null;
}

public enum LifecycleStage
{
    Prospect,
    Onboarding,
    Adoption,
    Expansion,
    Renewal,
    AtRisk,
    Churned,
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.Property(c => c.Reference).HasMaxLength(Customer.ReferenceMaxLength);
        builder.Property(c => c.ReferenceNormalized).HasMaxLength(Customer.ReferenceMaxLength);
        builder.HasIndex(c => c.ReferenceNormalized).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(Customer.NameMaxLength);
        builder.HasIndex(c => c.Name);
        builder.Property(c => c.LifecycleStage).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Industry).HasMaxLength(100);
        builder.Property(c => c.Region).HasMaxLength(100);
        builder.Property(c => c.AnnualRecurringRevenue).HasPrecision(18, 2);
        builder.Property(c => c.LifetimeValue).HasPrecision(18, 2);
        builder.Property(c => c.AcquisitionCost).HasPrecision(18, 2);
        builder.Property(c => c.CsmUserId).HasMaxLength(450);
        builder.Ignore(c => c.LtvToCac);
        builder.HasOne(c => c.Segment).WithMany().HasForeignKey(c => c.SegmentId).OnDelete(DeleteBehavior.SetNull);
    }
}
