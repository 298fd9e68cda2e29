using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Coding;

/// <summary>Filters of the coding queue. Null means "any".</summary>
public sealed record CodingQueueFilter
{
    public string? Channel { get; init; }
    public int? SegmentId { get; init; }
    public int? CustomerId { get; init; }

    /// <summary>Owner CSM's user id ("mine" passes the signed-in user's).</summary>
    public string? OwnerCsmId { get; init; }

    /// <summary>Only items nobody owns yet.</summary>
    public bool Unassigned { get; init; }
    public string? Language { get; init; }
}

/// <summary>Position after the last row of a page: soonest deadline first, ties broken by id.</summary>
public readonly record struct CodingQueueCursor(DateTime DueAt, long Id)
{
    // Same (instant, id) pair as the feedback list's cursor, so one encoding serves both.
    public string Encode() => new FeedbackCursor(DueAt, Id).Encode();

    public static bool TryDecode(string? value, out CodingQueueCursor cursor)
    {
        cursor = default;
        if (!FeedbackCursor.TryDecode(value, out var decoded))
            return false;
        cursor = new CodingQueueCursor(decoded.ReceivedAt, decoded.Id);
        return true;
    }
}

public sealed record CodingQueueItem(
    long Id,
    string Channel,
    int CustomerId,
    string CustomerName,
    string? Segment,
    string VerbatimPreview,
    string Language,
    FeedbackStatus Status,
    string? OwnerCsmId,
    DateTime ReceivedAt,
    DateTime DueAt,
    DateTime? AwaitingCustomerSince);

public sealed record CodingQueuePage(
    IReadOnlyList<CodingQueueItem> Items,
    // Always written (null on the last page), like the feedback list's, so a client can loop "while nextCursor != null".
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// The CSM's queue: items waiting for attribution (new, drafted, or waiting for the customer), soonest deadline
/// first. The partial indexes on open items keep the first page fast however much has been coded.
/// </summary>
public sealed class CodingQueueQueries(VocDbContext db, ChannelCatalog channels)
{
    public const int MaxPageSize = 200;

    public async Task<CodingQueuePage> ListAsync(CodingQueueFilter filter, CodingQueueCursor? after, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        // Spelled exactly as the partial indexes' filter, so the database can use them.
        var query = db.FeedbackItems.AsNoTracking().Where(f =>
            (f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.InProgress || f.Status == FeedbackStatus.AwaitingCustomer)
            && f.AttributionDueAt != null);

        if (!string.IsNullOrWhiteSpace(filter.Channel))
        {
            var channel = await channels.FindAsync(filter.Channel, cancellationToken);
            if (channel is null)
                return new CodingQueuePage([], null);
            query = query.Where(f => f.ChannelId == channel.Id);
        }
        if (filter.SegmentId is { } segmentId)
            query = query.Where(f => f.Customer!.SegmentId == segmentId);
        if (filter.CustomerId is { } customerId)
            query = query.Where(f => f.CustomerId == customerId);
        if (filter.Unassigned)
            query = query.Where(f => f.OwnerCsmId == null);
        else if (!string.IsNullOrWhiteSpace(filter.OwnerCsmId))
            query = query.Where(f => f.OwnerCsmId == filter.OwnerCsmId);
        if (!string.IsNullOrWhiteSpace(filter.Language))
            query = query.Where(f => f.Language == filter.Language);
        if (after is { } cursor)
            query = query.Where(f => f.AttributionDueAt > cursor.DueAt || (f.AttributionDueAt == cursor.DueAt && f.Id > cursor.Id));

        var rows = await query
            .OrderBy(f => f.AttributionDueAt).ThenBy(f => f.Id)
            .Take(pageSize + 1)
            .Select(f => new CodingQueueItem(
                f.Id, f.Channel!.Key, f.CustomerId, f.Customer!.Name, f.Customer.Segment == null ? null : f.Customer.Segment.Name,
                f.Verbatim.Substring(0, FeedbackQueries.PreviewLength), f.Language, f.Status, f.OwnerCsmId, f.ReceivedAt,
                f.AttributionDueAt!.Value, f.AwaitingCustomerSince))
            .ToListAsync(cancellationToken);

        var next = rows.Count > pageSize ? new CodingQueueCursor(rows[pageSize - 1].DueAt, rows[pageSize - 1].Id).Encode() : null;
        return new CodingQueuePage(rows.Count > pageSize ? rows[..pageSize] : rows, next);
    }
}
