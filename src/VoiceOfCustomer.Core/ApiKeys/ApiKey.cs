using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.ApiKeys;

/// <summary>An integration's credential. Only a SHA-256 hash of the secret is stored; the token is shown once.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The token's public lookup part (<c>voc_</c> + 8 characters), so a request finds its row without scanning hashes.</summary>
    public required string Prefix { get; set; }

    /// <summary>Hex SHA-256 of the whole token. Tokens carry 256 random bits, so a slow hash adds nothing.</summary>
    public required string Hash { get; set; }

    /// <summary>Comma-separated scopes, e.g. <c>intake,read</c>.</summary>
    public required string Scopes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>
    /// The person the key acts for (an <see cref="AppUser"/> id) where a call is someone's, such as answering "my" workflow
    /// tasks; null for a key made for an integration and no one (those endpoints refuse it).
    /// </summary>
    public string? UserId { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.Property(k => k.Hash).HasMaxLength(64);
        builder.Property(k => k.Scopes).HasMaxLength(200);
        builder.Ignore(k => k.ScopeList);
        builder.Property(k => k.UserId).HasMaxLength(450);
        // Users are deactivated, not deleted; should one ever be deleted, its keys keep their other scopes and act for no one.
        builder.HasOne<AppUser>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.SetNull);
    }
}
