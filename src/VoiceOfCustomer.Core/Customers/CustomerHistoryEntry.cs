using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Customers;

/// <summary>A change of a customer's segment or lifecycle stage, kept so the customer page can show how it got here.</summary>
public sealed class CustomerHistoryEntry
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public CustomerHistoryKind Kind { get; set; }

    /// <summary>The segment key or stage name before and after (null: none).</summary>
    public string? From { get; set; }
    public string? To { get; set; }

    /// <summary>Why, as a stable key: <c>segment-rules</c>, <c>value-fit</c>, <c>migration</c>, a stage rule's key, …</summary>
    public required string Reason { get; set; }
    public DateTime ChangedAt { get; set; }
}

public enum CustomerHistoryKind
{
    Segment,
    Stage,
}

internal sealed class CustomerHistoryEntryConfiguration : IEntityTypeConfiguration<CustomerHistoryEntry>
{
    public void Configure(EntityTypeBuilder<CustomerHistoryEntry> builder)
    {
        builder.ToTable("CustomerHistory");
        builder.Property(h => h.Kind).HasConversion<string>().HasMaxLength(10);
        builder.Property(h => h.From).HasMaxLength(64);
        builder.Property(h => h.To).HasMaxLength(64);
        builder.Property(h => h.Reason).HasMaxLength(64);
        builder.HasIndex(h => new { h.CustomerId, h.ChangedAt });
        builder.HasOne<Customer>().WithMany().HasForeignKey(h => h.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
