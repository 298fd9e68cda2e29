using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.Intake;

/// <summary>One customer voice as it arrived: the verbatim is kept exactly as received, never rewritten.</summary>
public sealed class FeedbackItem
{
    public const int ExternalIdMaxLength = 200;
    public const int VerbatimMaxLength = 20_000;
    public const int MetadataMaxBytes = 16 * 1024;
    public const int LanguageMaxLength = 16;

    public long Id { get; set; }
    public int ChannelId { get; set; }
    public Channel? Channel { get; set; }

    /// <summary>The id the source system gave this voice; (channel, external id) is unique and makes intake idempotent.</summary>
    public required string ExternalId { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public int? ContactId { get; set; }
    public Contact? Contact { get; set; }
    public required string Verbatim { get; set; }

    /// <summary>When the customer said it (UTC), as reported by the source.</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>When VoiceOfCustomer stored it (UTC).</summary>
    public DateTime IngestedAt { get; set; }

    /// <summary>
    /// When its attribution SLA clock starts (UTC), decided by the door it came through: live intake (API, webhooks)
    /// at ingestion (or a later <see cref="ReceivedAt"/>), imported history (CSV) at <see cref="ReceivedAt"/>, see
    /// docs/decisions/0005-sla-clock-start.md. Null on rows stored before the rule existed: read as <see cref="LiveClockStart"/>.
    /// </summary>
    public DateTime? SlaClockStartsAt { get; set; }

    /// <summary>The live-intake rule: the team cannot code a voice before it reached them, nor before the customer said it.</summary>
    public static DateTime LiveClockStart(DateTime receivedAt, DateTime ingestedAt) => receivedAt > ingestedAt ? receivedAt : ingestedAt;

    /// <summary>BCP 47 language tag, e.g. <c>en</c> or <c>zh</c>; detected when the source does not say.</summary>
    public required string Language { get; set; }
    public FeedbackStatus Status { get; set; } = FeedbackStatus.New;

    /// <summary>Identity user id of the CSM who codes this item.</summary>
    public string? OwnerCsmId { get; set; }

    /// <summary>Source-specific fields as a JSON object (at most 16 KB), kept for context and search.</summary>
    public string? MetadataJson { get; set; }

    /// <summary>Deadline for completed attribution (UTC), from the customer's segment policy.</summary>
    public DateTime? AttributionDueAt { get; set; }

    /// <summary>What the CSM asked the customer, while the item is <see cref="FeedbackStatus.AwaitingCustomer"/>.</summary>
    public string? AwaitingCustomerNote { get; set; }
    public DateTime? AwaitingCustomerSince { get; set; }

    /// <summary>Set when a CSM merged this item into another as a duplicate.</summary>
    public long? DuplicateOfId { get; set; }

    /// <summary>When the SLA workflow took this item on; null until then (a partial index lists the items still waiting).</summary>
    public DateTime? SlaStartedAt { get; set; }

    /// <summary>When the attribution SLA was first breached; null while it never was.</summary>
    public DateTime? SlaBreachedAt { get; set; }

    public Attribution? Attribution { get; set; }
}

public enum FeedbackStatus
{
    /// <summary>Arrived, nobody has coded it yet.</summary>
    New,
    /// <summary>A coding draft exists.</summary>
    InProgress,
    /// <summary>Waiting for the customer to answer a question; SLA clocks pause.</summary>
    AwaitingCustomer,
    /// <summary>The attribution chain is complete.</summary>
    Attributed,
    /// <summary>Merged into another item.</summary>
    Duplicate,
}

internal sealed class FeedbackItemConfiguration : IEntityTypeConfiguration<FeedbackItem>
{
    public void Configure(EntityTypeBuilder<FeedbackItem> builder)
    {
        builder.Property(f => f.ExternalId).HasMaxLength(FeedbackItem.ExternalIdMaxLength);
        builder.Property(f => f.Verbatim).HasMaxLength(FeedbackItem.VerbatimMaxLength);
        builder.Property(f => f.Language).HasMaxLength(FeedbackItem.LanguageMaxLength);
        builder.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.OwnerCsmId).HasMaxLength(450);
        builder.Property(f => f.MetadataJson).HasMaxLength(FeedbackItem.MetadataMaxBytes);
        builder.Property(f => f.AwaitingCustomerNote).HasMaxLength(1000);

        builder.HasIndex(f => new { f.ChannelId, f.ExternalId }).IsUnique();

        // Keyset pagination: newest first, each filter served by its own (filter, received-at, id) index.
        builder.HasIndex(f => new { f.ReceivedAt, f.Id });
        builder.HasIndex(f => new { f.ChannelId, f.ReceivedAt, f.Id });
        builder.HasIndex(f => new { f.CustomerId, f.ReceivedAt, f.Id });
        builder.HasIndex(f => new { f.Status, f.ReceivedAt, f.Id });

        // The coding queue: open items, soonest deadline first. A partial index holds only the open items, so the
        // first page never wades through the coded half of the table.
        builder.HasIndex(f => new { f.AttributionDueAt, f.Id }, "IX_FeedbackItems_OpenQueue")
            .HasFilter("\"Status\" IN ('New', 'InProgress', 'AwaitingCustomer')");
        builder.HasIndex(f => new { f.OwnerCsmId, f.AttributionDueAt, f.Id }, "IX_FeedbackItems_OpenQueueByOwner")
            .HasFilter("\"Status\" IN ('New', 'InProgress', 'AwaitingCustomer')");

        // Items the SLA workflow has not yet started on: tiny in steady state, so the starter finds them at once.
        builder.HasIndex(f => f.Id, "IX_FeedbackItems_SlaNotStarted").HasFilter("\"SlaStartedAt\" IS NULL");

        builder.HasOne(f => f.Channel).WithMany().HasForeignKey(f => f.ChannelId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(f => f.Customer).WithMany().HasForeignKey(f => f.CustomerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(f => f.Contact).WithMany().HasForeignKey(f => f.ContactId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<FeedbackItem>().WithMany().HasForeignKey(f => f.DuplicateOfId).OnDelete(DeleteBehavior.Restrict);
    }
}
