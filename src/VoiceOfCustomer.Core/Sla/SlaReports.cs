using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Sla;

/// <summary>Filters of the breached list. Null means "any".</summary>
public sealed record BreachedFilter
{
    public int? SegmentId { get; init; }
    public string? OwnerCsmId { get; init; }
    public string? Channel { get; init; }
}

/// <summary>Position after the last row of a page of an SLA list: an instant and the row's id.</summary>
public readonly record struct SlaCursor(DateTime At, long Id)
{
    // Same (instant, id) pair as the feedback list's cursor, so one encoding serves all lists.
    public string Encode() => new FeedbackCursor(At, Id).Encode();

    public static bool TryDecode(string? value, out SlaCursor cursor)
    {
        cursor = default;
        if (!FeedbackCursor.TryDecode(value, out var decoded))
            return false;
        cursor = new SlaCursor(decoded.ReceivedAt, decoded.Id);
        return true;
    }
}

public sealed record BreachedItem(
    long Id, string Channel, int CustomerId, string CustomerName, string? Segment, string? OwnerCsmId,
    FeedbackStatus Status, DateTime DueAt, DateTime? SlaBreachedAt, string VerbatimPreview)
{
    public bool Paused => Status == FeedbackStatus.AwaitingCustomer;

    /// <summary>How far past the deadline; for an item breached earlier whose deadline moved since, zero.</summary>
    public TimeSpan OverdueBy(DateTime now) => now > DueAt ? now - DueAt : TimeSpan.Zero;
}

public sealed record BreachedPage(IReadOnlyList<BreachedItem> Items, string? NextCursor);

/// <summary>Filters of the escalations list; <see cref="From"/> and <see cref="To"/> are inclusive UTC dates.</summary>
public sealed record EscalationFilter
{
    public SlaEscalationLevel? Level { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public long? FeedbackItemId { get; init; }
}

/// <param name="BeforeArrival">The level was reached before the voice arrived (imported history): recorded, nobody was e-mailed.</param>
public sealed record EscalationItem(
    long Id, long FeedbackItemId, int CustomerId, string CustomerName, SlaEscalationLevel Level,
    DateTime OccurredAt, DateTime DueAt, string? OwnerCsmId, string Recipients, bool BeforeArrival = false);

public sealed record EscalationPage(IReadOnlyList<EscalationItem> Items, string? NextCursor);

/// <summary>Counts of one row of the compliance report; the categories do not overlap (a duplicate counts only in <see cref="Total"/>).</summary>
public sealed record ComplianceCounts(int Total, int Met, int Breached, int OpenWithinSla, int Paused)
{
    /// <summary>Met / (met + breached), 0–100; null while nothing in the row is concluded.</summary>
    public double? CompliancePercent => Met + Breached == 0 ? null : 100.0 * Met / (Met + Breached);

    public static ComplianceCounts operator +(ComplianceCounts a, ComplianceCounts b) =>
        new(a.Total + b.Total, a.Met + b.Met, a.Breached + b.Breached, a.OpenWithinSla + b.OpenWithinSla, a.Paused + b.Paused);

    public static readonly ComplianceCounts Zero = new(0, 0, 0, 0, 0);
}

public sealed record ComplianceWeek(int IsoYear, int IsoWeek, DateOnly WeekStart, ComplianceCounts Counts)
{
    public string Label => IsoWeeks.Label(IsoYear, IsoWeek);
}

/// <summary>A row per CSM or per segment; <see cref="Key"/> is the user id or segment id (null: none).</summary>
public sealed record ComplianceGroup(string? Key, string Name, ComplianceCounts Counts);

public sealed record ComplianceReport(
    DateOnly From, DateOnly To, DateTime Now,
    IReadOnlyList<ComplianceWeek> Weeks, IReadOnlyList<ComplianceGroup> ByCsm, IReadOnlyList<ComplianceGroup> BySegment)
{
    public ComplianceCounts Totals => Weeks.Aggregate(ComplianceCounts.Zero, (sum, w) => sum + w.Counts);
}

/// <summary>
/// The SLA views: items past their deadline, escalations, and attribution compliance per ISO week, CSM and segment.
/// Grouping happens in the database (by day for the weeks, folded into ISO weeks here: at most 7 rows a week), so
/// the report reads a handful of rows however many items there are.
/// </summary>
public sealed class SlaReports(VocDbContext db, ChannelCatalog channels, TimeProvider time)
{
    public const int MaxPageSize = 200;
    public const int DefaultWeeks = 12;
    /// <summary>The longest range the report accepts, so one request cannot ask for decades of day rows.</summary>
    public const int MaxDays = 366 * 2;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The last <see cref="DefaultWeeks"/> ISO weeks up to today (UTC), the current week included.</summary>
    public static (DateOnly From, DateOnly To) DefaultRange(DateTime nowUtc) => IsoWeeks.Last(DefaultWeeks, nowUtc);

    public async Task<BreachedPage> BreachedAsync(BreachedFilter filter, SlaCursor? after, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var now = Now;
        // The open-status test is spelled as the partial index's filter, so the open-queue index serves it.
        var query = db.FeedbackItems.AsNoTracking().Where(f =>
            (f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.InProgress || f.Status == FeedbackStatus.AwaitingCustomer)
            && f.AttributionDueAt != null
            && (f.AttributionDueAt < now || f.SlaBreachedAt != null));
        if (!string.IsNullOrWhiteSpace(filter.Channel))
        {
            var channel = await channels.FindAsync(filter.Channel, cancellationToken);
            if (channel is null)
                return new BreachedPage([], null);
            query = query.Where(f => f.ChannelId == channel.Id);
        }
        if (filter.SegmentId is { } segmentId)
            query = query.Where(f => f.Customer!.SegmentId == segmentId);
        if (!string.IsNullOrWhiteSpace(filter.OwnerCsmId))
            query = query.Where(f => f.OwnerCsmId == filter.OwnerCsmId);
        if (after is { } cursor)
            query = query.Where(f => f.AttributionDueAt > cursor.At || (f.AttributionDueAt == cursor.At && f.Id > cursor.Id));

        // Most overdue first: the earliest deadline has been missed longest.
        var rows = await query
            .OrderBy(f => f.AttributionDueAt).ThenBy(f => f.Id)
            .Take(pageSize + 1)
            .Select(f => new BreachedItem(
                f.Id, f.Channel!.Key, f.CustomerId, f.Customer!.Name, f.Customer.Segment == null ? null : f.Customer.Segment.Name,
                f.OwnerCsmId, f.Status, f.AttributionDueAt!.Value, f.SlaBreachedAt, f.Verbatim.Substring(0, FeedbackQueries.PreviewLength)))
            .ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? new SlaCursor(rows[pageSize - 1].DueAt, rows[pageSize - 1].Id).Encode() : null;
        return new BreachedPage(rows.Count > pageSize ? rows[..pageSize] : rows, next);
    }

    public async Task<EscalationPage> EscalationsAsync(EscalationFilter filter, SlaCursor? after, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.SlaEscalations.AsNoTracking().AsQueryable();
        if (filter.Level is { } level)
            query = query.Where(e => e.Level == level);
        if (filter.FeedbackItemId is { } itemId)
            query = query.Where(e => e.FeedbackItemId == itemId);
        if (filter.From is { } from)
        {
            var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.OccurredAt >= start);
        }
        if (filter.To is { } to)
        {
            var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            query = query.Where(e => e.OccurredAt < end);
        }
        if (after is { } cursor)
            query = query.Where(e => e.OccurredAt < cursor.At || (e.OccurredAt == cursor.At && e.Id < cursor.Id));

        var rows = await query
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Take(pageSize + 1)
            .Select(e => new EscalationItem(e.Id, e.FeedbackItemId, e.FeedbackItem!.CustomerId, e.FeedbackItem.Customer!.Name,
                e.Level, e.OccurredAt, e.DueAt, e.OwnerCsmId, e.Recipients, e.OccurredAt < e.FeedbackItem.IngestedAt))
            .ToListAsync(cancellationToken);
        var next = rows.Count > pageSize ? new SlaCursor(rows[pageSize - 1].OccurredAt, rows[pageSize - 1].Id).Encode() : null;
        return new EscalationPage(rows.Count > pageSize ? rows[..pageSize] : rows, next);
    }

    /// <summary>
    /// Compliance of the items whose SLA clock started from <paramref name="from"/> to <paramref name="to"/> (UTC dates,
    /// inclusive): live voices count in the week they arrived, imported history in the week it was received.
    /// </summary>
    public async Task<ComplianceReport> ComplianceAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        if (to < from)
            (from, to) = (to, from);
        if (to.DayNumber - from.DayNumber > MaxDays)
            from = to.AddDays(-MaxDays);
        var now = Now;
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        // Rows stored before the clock-start column keep their ingestion time.
        var items = db.FeedbackItems.AsNoTracking()
            .Where(f => (f.SlaClockStartsAt ?? f.IngestedAt) >= start && (f.SlaClockStartsAt ?? f.IngestedAt) < end);

        var byDay = await CountAsync(items, f => (f.SlaClockStartsAt ?? f.IngestedAt).Date, now, cancellationToken);
        var byOwner = await CountAsync(items, f => f.OwnerCsmId, now, cancellationToken);
        var bySegment = await CountAsync(items, f => f.Customer!.SegmentId, now, cancellationToken);

        var weeks = byDay.GroupBy(d => IsoWeeks.MondayOf(d.Key))
            .ToDictionary(w => w.Key, w => w.Aggregate(ComplianceCounts.Zero, (sum, d) => sum + d.Counts));
        // Every week of the range gets a row, so the chart shows an empty week as a gap rather than hiding it.
        var weekRows = IsoWeeks.Mondays(from, to).Select(monday =>
        {
            var (year, week) = IsoWeeks.Number(monday);
            return new ComplianceWeek(year, week, monday, weeks.GetValueOrDefault(monday, ComplianceCounts.Zero));
        }).ToList();

        var owners = await UserNames.ForAsync(db, byOwner.Select(o => o.Key), cancellationToken);
        var segmentIds = bySegment.Select(s => s.Key).OfType<int>().ToList();
        var segments = await db.Segments.AsNoTracking().Where(s => segmentIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);

        return new ComplianceReport(from, to, now, weekRows,
            byOwner.Select(o => new ComplianceGroup(o.Key, o.Key is null ? "" : owners.GetValueOrDefault(o.Key, o.Key), o.Counts))
                .OrderBy(g => g.Key is null).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            bySegment.Select(s => new ComplianceGroup(s.Key?.ToString(CultureInfo.InvariantCulture),
                    s.Key is { } id ? segments.GetValueOrDefault(id, "#" + id.ToString(CultureInfo.InvariantCulture)) : "",
                    s.Counts))
                .OrderBy(g => g.Key is null).ThenBy(g => g.Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>One group's five counts as the database returns them.</summary>
    internal sealed class GroupCounts<TKey>
    {
        public required TKey Key { get; init; }
        public int Total { get; init; }
        public int Met { get; init; }
        public int Breached { get; init; }
        public int Open { get; init; }
        public int Paused { get; init; }

        public ComplianceCounts Counts => new(Total, Met, Breached, Open, Paused);
    }

    /// <summary>The same five counts for any grouping, as COUNT(CASE WHEN ...) in one pass per grouping.</summary>
    private static Task<List<GroupCounts<TKey>>> CountAsync<TKey>(IQueryable<FeedbackItem> items, Expression<Func<FeedbackItem, TKey>> key,
        DateTime now, CancellationToken cancellationToken) =>
        items.GroupBy(key).Select(g => new GroupCounts<TKey>
        {
            Key = g.Key,
            Total = g.Count(),
            Met = g.Count(f => f.Status == FeedbackStatus.Attributed && f.SlaBreachedAt == null),
            Breached = g.Count(f => f.SlaBreachedAt != null
                || ((f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.InProgress) && f.AttributionDueAt < now)),
            Open = g.Count(f => (f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.InProgress) && f.SlaBreachedAt == null
                && (f.AttributionDueAt == null || f.AttributionDueAt >= now)),
            Paused = g.Count(f => f.Status == FeedbackStatus.AwaitingCustomer && f.SlaBreachedAt == null),
        }).ToListAsync(cancellationToken);
}
