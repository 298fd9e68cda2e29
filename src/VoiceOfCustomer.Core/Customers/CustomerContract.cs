using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Customers;

/// <summary>
/// One term of a customer's subscription. A renewal is the next term (<see cref="RenewsContractId"/>), so a cohort's
/// survivors at each renewal — the input of the shifted-beta-geometric model — are counted from these rows.
/// </summary>
public sealed class CustomerContract
{
    public const int ReferenceMaxLength = 100;

    public int Id { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }

    /// <summary>The contract's key in the billing system, unique per customer; a repeated import updates it.</summary>
    public required string Reference { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public decimal AnnualValue { get; set; }

    /// <summary>1 for the first term, n + 1 for the term that renews term n.</summary>
    public int Term { get; set; } = 1;
    public int? RenewsContractId { get; set; }
    public ContractStatus Status { get; set; } = ContractStatus.Active;

    /// <summary>What the customer said decided the renewal (<c>price</c>, <c>value</c>, <c>relationship</c>, …); the price-sensitive rule reads it.</summary>
    public string? RenewalDriver { get; set; }
    public DateTime CreatedAt { get; set; }
}

public enum ContractStatus
{
    /// <summary>Running, or ended and not yet renewed or cancelled.</summary>
    Active,
    Renewed,
    Cancelled,
}

internal sealed class CustomerContractConfiguration : IEntityTypeConfiguration<CustomerContract>
{
    public void Configure(EntityTypeBuilder<CustomerContract> builder)
    {
        builder.ToTable("CustomerContracts");
        builder.Property(c => c.Reference).HasMaxLength(CustomerContract.ReferenceMaxLength);
        builder.HasIndex(c => new { c.CustomerId, c.Reference }).IsUnique();
        builder.Property(c => c.AnnualValue).HasPrecision(18, 2);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.RenewalDriver).HasMaxLength(40);
        builder.HasOne(c => c.Customer).WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CustomerContract>().WithMany().HasForeignKey(c => c.RenewsContractId).OnDelete(DeleteBehavior.Restrict);
    }
}
