using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// Where a voice came from. Several channels may share a touchpoint (two helpdesks are both support tickets);
/// intake names the channel by its <see cref="Key"/>.
/// </summary>
public sealed class Channel
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? NameZh { get; set; }
    public Touchpoint Touchpoint { get; set; }
    public bool IsArchived { get; set; }
}

public enum Touchpoint
{
    PreSalesConsult,
    SupportTicket,
    CustomerSuccessInterview,
    CommunityPost,
    Survey,
}

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.Property(c => c.Key).HasMaxLength(64);
        builder.HasIndex(c => c.Key).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.NameZh).HasMaxLength(200);
        builder.Property(c => c.Touchpoint).HasConversion<string>().HasMaxLength(32);
    }
}
