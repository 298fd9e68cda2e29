using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Customers;

/// <summary>A person at a customer. The person who pays (buyer) is often not the person who uses the product.</summary>
public sealed class Contact
{
    public const int NameMaxLength = 200;
    public const int EmailMaxLength = 254;

    public int Id { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public required string Name { get; set; }

    /// <summary>Lower-case e-mail; unique per customer when present.</summary>
    public string? Email { get; set; }
    public ContactRole Role { get; set; } = ContactRole.User;
    public string? Title { get; set; }
    public string? Language { get; set; }
}

public enum ContactRole
{
    User,
    Buyer,
}

internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> builder)
    {
        builder.Property(c => c.Name).HasMaxLength(Contact.NameMaxLength);
        builder.Property(c => c.Email).HasMaxLength(Contact.EmailMaxLength);
        builder.Property(c => c.Title).HasMaxLength(100);
        builder.Property(c => c.Language).HasMaxLength(16);
        builder.Property(c => c.Role).HasConversion<string>().HasMaxLength(10);
        builder.HasIndex(c => new { c.CustomerId, c.Email }).IsUnique();
        builder.HasOne(c => c.Customer).WithMany(c => c.Contacts).HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
