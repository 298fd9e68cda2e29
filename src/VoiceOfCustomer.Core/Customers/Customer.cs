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

    /// <summary>Computed by <c>LifecycleRules</c> from purchases, activity, P(alive) and contracts; <see cref="StageReason"/> says why.</summary>
    public LifecycleStage LifecycleStage { get; set; } = LifecycleStage.Prospect;

    /// <summary>The rule that set <see cref="LifecycleStage"/>, as a stable key (e.g. <c>no-purchase</c>, <c>p-alive-low</c>) the page explains.</summary>
    public string? StageReason { get; set; }
    public int? SegmentId { get; set; }
    public Segment? Segment { get; set; }
    public string? Industry { get; set; }
    public string? Region { get; set; }

    /// <summary>Annual recurring revenue in the account currency.</summary>
    public decimal? AnnualRecurringRevenue { get; set; }

    /// <summary>Predicted customer lifetime value (discounted expected margin over the horizon); set by the scoring after a fit.</summary>
    public decimal? LifetimeValue { get; set; }
    public decimal? AcquisitionCost { get; set; }

    /// <summary>Probability the customer is still "alive" (buys again / renews at the next renewal), from the model in <see cref="ValueModel"/>.</summary>
    public double? ProbabilityAlive { get; set; }

    /// <summary>Expected purchases (or renewals) in the next twelve months, from the same model.</summary>
    public double? ExpectedPurchases { get; set; }
    public ValueTier? ValueTier { get; set; }
    public ValueModel? ValueModel { get; set; }
    public DateTime? ValueScoredAt { get; set; }

    /// <summary>Identity user id of the customer's CSM, the default owner of its feedback.</summary>
    public string? CsmUserId { get; set; }

    /// <summary>Identity user id of the sales owner who won the account (their scorecard counts its first-year NPS).</summary>
    public string? SalesOwnerUserId { get; set; }

    /// <summary>When the customer was won: first purchase or contract start; null for a prospect.</summary>
    public DateTime? AcquiredAt { get; set; }

    /// <summary>Latest purchase, renewal, measured usage or voice; recency for the lifecycle rules.</summary>
    public DateTime? LastActivityAt { get; set; }

    /// <summary>Commercial plan key: <c>trial</c>, <c>self-serve</c>, <c>standard</c>, <c>enterprise</c> (free text is refused).</summary>
    public string? Plan { get; set; }

    /// <summary>Stores / sites the customer runs the product in.</summary>
    public int? Sites { get; set; }

    /// <summary>Member of the joint-innovation (co-build) programme.</summary>
    public bool InCoBuildProgramme { get; set; }

    /// <summary>Voices from this customer in the last 90 days (all channels), refreshed with the scoring.</summary>
    public int FeedbackLast90Days { get; set; }

    /// <summary>Community posts from this customer in the last 90 days, refreshed with the scoring.</summary>
    public int CommunityPostsLast90Days { get; set; }

    /// <summary>Set while segment rules are evaluated: the segment the rules give, compared with <see cref="SegmentId"/> in the database.</summary>
    public int? RuleSegmentId { get; set; }
    public DateTime CreatedAt { get; set; }

    public List<Contact> Contacts { get; set; } = [];

    public static string Normalize(string reference) => reference.Trim().ToUpperInvariant();

    public decimal? LtvToCac => LifetimeValue is { } ltv && AcquisitionCost is > 0 ? ltv / AcquisitionCost : null;
}

/// <summary>
/// prospect → new → active → churn-risk → win-back, and churned. The stages before issue 18 (Onboarding, Adoption,
/// Expansion, Renewal, AtRisk) were mapped by the migration <c>CustomerValue</c>, which kept each old stage in the history.
/// </summary>
public enum LifecycleStage
{
    Prospect,
    New,
    Active,
    ChurnRisk,
    WinBack,
    Churned,
}

/// <summary>Share of customer equity: the customers holding the top 20% (setting), the next 30%, the rest.</summary>
public enum ValueTier
{
    Top,
    Middle,
    Rest,
}

/// <summary>Which model gave a customer its lifetime value.</summary>
public enum ValueModel
{
    /// <summary>Contract renewals: the shifted-beta-geometric retention of the customer's segment cohort.</summary>
    Contract,

    /// <summary>Repeat buying: BG/NBD for purchases and P(alive), Gamma-Gamma for spend.</summary>
    Purchases,

    /// <summary>Not a customer yet: comparable customers' expected value × the learnt conversion probability.</summary>
    Prospect,
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
        builder.Property(c => c.SalesOwnerUserId).HasMaxLength(450);
        builder.Property(c => c.StageReason).HasMaxLength(40);
        builder.Property(c => c.ValueTier).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.ValueModel).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Plan).HasMaxLength(20);
        builder.HasIndex(c => c.LifetimeValue);
        // The customer list sorts by these (keyset pages: value, then Id).
        builder.HasIndex(c => new { c.ProbabilityAlive, c.Id });
        builder.HasIndex(c => new { c.LastActivityAt, c.Id });
        builder.Ignore(c => c.LtvToCac);
        builder.HasOne(c => c.Segment).WithMany().HasForeignKey(c => c.SegmentId).OnDelete(DeleteBehavior.SetNull);
    }
}
