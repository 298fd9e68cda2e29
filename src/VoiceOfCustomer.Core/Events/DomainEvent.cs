using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Events;

/// <summary>
/// Something that happened to a voice, saved in the same transaction as the change that caused it, so a
/// consumer (the SLA workflows) can never miss one and never see one that was rolled back: an outbox.
/// </summary>
public sealed class DomainEvent
{
    public long Id { get; set; }

    /// <summary>One of <see cref="DomainEventTypes"/>.</summary>
    public required string Type { get; set; }
    public long? FeedbackItemId { get; set; }
    public DateTime OccurredAt { get; set; }
    public string? ActorId { get; set; }
    public string? DataJson { get; set; }

    /// <summary>Set once every consumer has handled the event.</summary>
    public DateTime? DispatchedAt { get; set; }
}

public static class DomainEventTypes
{
    /// <summary>Every layer of the attribution chain was submitted: SLA clocks stop.</summary>
    public const string AttributionCompleted = "attribution.completed";

    /// <summary>The CSM is waiting for the customer: SLA clocks pause.</summary>
    public const string AwaitingCustomer = "feedback.awaiting-customer";

    /// <summary>A submitted, merged or waiting item is open for coding again: SLA clocks resume.</summary>
    public const string Reopened = "feedback.reopened";

    /// <summary>Merged into another item as a duplicate: its own SLA ends.</summary>
    public const string MergedAsDuplicate = "feedback.merged";

    /// <summary>The customer's segment, or its segment's target or calendar, changed: open SLA clocks take the new policy.</summary>
    public const string PolicyChanged = "feedback.policy-changed";
}

internal sealed class DomainEventConfiguration : IEntityTypeConfiguration<DomainEvent>
{
    public void Configure(EntityTypeBuilder<DomainEvent> builder)
    {
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.ActorId).HasMaxLength(450);
        builder.HasIndex(e => new { e.DispatchedAt, e.Id });
        builder.HasIndex(e => new { e.FeedbackItemId, e.Id });
    }
}
