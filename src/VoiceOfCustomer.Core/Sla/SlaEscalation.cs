using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Sla;

public enum SlaEscalationLevel
{
    /// <summary>A share of the target (75% by default) has passed: the owner CSM is reminded.</summary>
    Warning,
    /// <summary>The target has passed: the customer-success lead is told.</summary>
    Breach,
    /// <summary>Long past the target (150% by default): leadership is told.</summary>
    Leadership,
}

/// <summary>
/// A record that an item's attribution SLA reached a level, written by the SLA workflow in the same
/// transaction as its timer and its e-mails. <see cref="Key"/> is the timer's key, so a level is recorded once.
/// </summary>
public sealed class SlaEscalation
{
    public long Id { get; set; }
    public long FeedbackItemId { get; set; }
    public FeedbackItem? FeedbackItem { get; set; }
    public SlaEscalationLevel Level { get; set; }
    public required string Key { get; set; }
    public long WorkflowInstanceId { get; set; }
    public DateTime OccurredAt { get; set; }

    /// <summary>The deadline the item had when the level was reached.</summary>
    public DateTime DueAt { get; set; }

    /// <summary>Owner CSM and segment at the time, so the compliance report does not shift when an item is reassigned later.</summary>
    public string? OwnerCsmId { get; set; }
    public int? SegmentId { get; set; }

    /// <summary>The addresses that were sent an e-mail, comma-separated.</summary>
    public required string Recipients { get; set; }
}

internal sealed class SlaEscalationConfiguration : IEntityTypeConfiguration<SlaEscalation>
{
    public void Configure(EntityTypeBuilder<SlaEscalation> builder)
    {
        builder.Property(e => e.Level).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Key).HasMaxLength(200);
        builder.Property(e => e.OwnerCsmId).HasMaxLength(450);
        builder.Property(e => e.Recipients).HasMaxLength(2000);
        builder.HasIndex(e => e.Key).IsUnique();
        builder.HasIndex(e => new { e.FeedbackItemId, e.Level });
        builder.HasIndex(e => new { e.Level, e.OccurredAt, e.Id });
        builder.HasOne(e => e.FeedbackItem).WithMany().HasForeignKey(e => e.FeedbackItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
