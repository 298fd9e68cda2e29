using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Customers;

/// <summary>A purchase (order, invoice line) by a customer: the input of the BG/NBD and Gamma-Gamma models.</summary>
public sealed class CustomerTransaction
{
    public const int ReferenceMaxLength = 100;

    public long Id { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }

    /// <summary>The order's key in the source system, unique per customer, so a re-sent or re-imported row is stored once.</summary>
    public required string Reference { get; set; }
    public DateTime OccurredAt { get; set; }

    /// <summary>Amount in the account currency; never negative (refunds are not purchases).</summary>
    public decimal Amount { get; set; }
    public DateTime CreatedAt { get; set; }
}

internal sealed class CustomerTransactionConfiguration : IEntityTypeConfiguration<CustomerTransaction>
{
    public void Configure(EntityTypeBuilder<CustomerTransaction> builder)
    {
        builder.ToTable("CustomerTransactions");
        builder.Property(t => t.Reference).HasMaxLength(CustomerTransaction.ReferenceMaxLength);
        builder.HasIndex(t => new { t.CustomerId, t.Reference }).IsUnique();
        builder.HasIndex(t => new { t.CustomerId, t.OccurredAt });
        builder.Property(t => t.Amount).HasPrecision(18, 2);
        builder.HasOne(t => t.Customer).WithMany().HasForeignKey(t => t.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
