using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Intake;

/// <summary>Filters of the feedback list, shared by the API and the web page. Null means "any".</summary>
public sealed record FeedbackFilter
{
    public string? Channel { get; init; }
    public int? CustomerId { get; init; }
    public FeedbackStatus? Status { get; init; }
    public string? Language { get; init; }
    public DateTime? ReceivedFrom { get; init; }
    public DateTime? ReceivedTo { get; init; }
    public string? OwnerCsmId { get; init; }

    /// <summary>Text the verbatim must contain (case-insensitive for Latin letters; Chinese matches as typed).</summary>
    public string? Search { get; init; }

    /// <summary>Any of these customers (the web list's customer by name or reference); empty matches nothing.</summary>
    public IReadOnlyList<int>? CustomerIds { get; init; }
    public int? SegmentId { get; init; }

    // The coding's layers: items whose attribution (draft or submitted) names the entry.
    public int? BusinessMetricId { get; init; }
    public int? CapabilityGapId { get; init; }
    public int? OwningDomainId { get; init; }
    public int? TagId { get; init; }
}

/// <summary>Position after the last row of a page: newest first, ties broken by id.</summary>
public readonly record struct FeedbackCursor(DateTime ReceivedAt, long Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"{ReceivedAt.Ticks}.{Id}")));

    public static bool TryDecode(string? value, out FeedbackCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(value) || value.Length > 64)
            return false;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(value)).Split('.');
            if (parts.Length != 2
                || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || ticks > DateTime.MaxValue.Ticks)
                return false;
            cursor = new FeedbackCursor(new DateTime(ticks, DateTimeKind.Utc), id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

public sealed record FeedbackListItem(
    long Id,
    string Channel,
    string ChannelName,
    string ExternalId,
    int CustomerId,
    string CustomerName,
    string VerbatimPreview,
    DateTime ReceivedAt,
    string Language,
    FeedbackStatus Status,
    string? OwnerCsmId,
    DateTime? AttributionDueAt);

public sealed record FeedbackPage(IReadOnlyList<FeedbackListItem> Items, string? NextCursor);

public sealed record FeedbackDetail(
    long Id,
    string Channel,
    string ChannelName,
    Touchpoint Touchpoint,
    string ExternalId,
    string Verbatim,
    DateTime ReceivedAt,
    DateTime IngestedAt,
    string Language,
    FeedbackStatus Status,
    string? OwnerCsmId,
    [property: JsonIgnore] string? MetadataJson,
    DateTime? AttributionDueAt,
    long? DuplicateOfId,
    FeedbackCustomer Customer,
    FeedbackContact? Contact,
    AttributionSnapshot? Attribution)
{
    /// <summary>The metadata as the JSON object it was sent as, so API clients do not get a string of JSON.</summary>
    public JsonElement? Metadata
    {
        get
        {
            if (string.IsNullOrEmpty(MetadataJson))
                return null;
            using var document = JsonDocument.Parse(MetadataJson);
            return document.RootElement.Clone();
        }
    }
}

public sealed record FeedbackCustomer(int Id, string Reference, string Name, LifecycleStage LifecycleStage, string? Segment, decimal? LifetimeValue);

public sealed record FeedbackContact(int Id, string Name, string? Email, ContactRole Role);

public sealed record CustomerMatch(int Id, string Reference, string Name);


/// <summary>Reads of stored feedback: keyset-paged lists (no OFFSET, so page 1,000 costs what page 1 costs) and one item's detail.</summary>
public sealed class FeedbackQueries(VocDbContext db, ChannelCatalog channels)
{
    public const int MaxPageSize = 200;
    public const int PreviewLength = 240;

    public async Task<FeedbackPage> ListAsync(FeedbackFilter filter, FeedbackCursor? after, int pageSize, CancellationToken cancellationToken = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.FeedbackItems.AsNoTracking();

        if (!string.IsNullOrWhiteSpace(filter.Channel))
        {
            var channel = await channels.FindAsync(filter.Channel, cancellationToken);
            if (channel is null)
                return new FeedbackPage([], null);
            query = query.Where(f => f.ChannelId == channel.Id);
        }
        if (filter.CustomerId is { } customerId)
            query = query.Where(f => f.CustomerId == customerId);
        if (filter.Status is { } status)
            query = query.Where(f => f.Status == status);
        if (!string.IsNullOrWhiteSpace(filter.Language))
            query = query.Where(f => f.Language == filter.Language);
        if (filter.ReceivedFrom is { } from)
            query = query.Where(f => f.ReceivedAt >= from);
        if (filter.ReceivedTo is { } to)
            query = query.Where(f => f.ReceivedAt < to);
        if (!string.IsNullOrWhiteSpace(filter.OwnerCsmId))
            query = query.Where(f => f.OwnerCsmId == filter.OwnerCsmId);
        if (filter.CustomerIds is { } customerIds)
            query = query.Where(f => customerIds.Contains(f.CustomerId));
        if (filter.SegmentId is { } segmentId)
        {
            var inSegment = db.FeedbackItems.Where(f => f.Customer!.SegmentId == segmentId);
            query = await inSegment.Take(FewMatches + 1).CountAsync(cancellationToken) <= FewMatches
                ? query.Where(f => f.Customer!.SegmentId == segmentId)
                : query.Where(f => db.Customers.Any(c => c.Id == f.CustomerId && c.SegmentId == segmentId));
        }
        if (await CodingFilterAsync(filter, cancellationToken) is { } coded)
            query = query.Where(coded);
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = VerbatimContains(query, filter.Search.Trim());
        if (after is { } cursor)
            query = query.Where(f => f.ReceivedAt < cursor.ReceivedAt || (f.ReceivedAt == cursor.ReceivedAt && f.Id < cursor.Id));

        var rows = await query
            .OrderByDescending(f => f.ReceivedAt).ThenByDescending(f => f.Id)
            .Take(pageSize + 1)
            .Select(f => new FeedbackListItem(
                f.Id, f.Channel!.Key, f.Channel.Name, f.ExternalId, f.CustomerId, f.Customer!.Name,
                f.Verbatim.Substring(0, PreviewLength), f.ReceivedAt, f.Language, f.Status, f.OwnerCsmId, f.AttributionDueAt))
            .ToListAsync(cancellationToken);

        var next = rows.Count > pageSize ? new FeedbackCursor(rows[pageSize - 1].ReceivedAt, rows[pageSize - 1].Id).Encode() : null;
        return new FeedbackPage(rows.Count > pageSize ? rows[..pageSize] : rows, next);
    }

    /// <summary>
    /// For the filters without an index that serves the list's order (the coding's metric, gap, domain and tag; the segment):
    /// at most this many matches (counted up to it on their own indexes), and the list starts from the matches and sorts
    /// them; more, and it walks the newest-first index and checks each item (<c>EXISTS</c>). Each way is slow where the
    /// other is fast, and SQLite keeps no statistics to choose (docs/benchmarks.md, "Feedback list").
    /// </summary>
    public const int FewMatches = 2_500;

    /// <summary>The items whose coding (draft or submitted) names every given entry; null when the filter names none.</summary>
    private async Task<System.Linq.Expressions.Expression<Func<FeedbackItem, bool>>?> CodingFilterAsync(FeedbackFilter filter, CancellationToken cancellationToken)
    {
        IQueryable<Attribution> codings = db.Attributions.AsNoTracking();
        if (filter.BusinessMetricId is { } metricId)
            codings = codings.Where(a => a.BusinessMetricId == metricId);
        if (filter.CapabilityGapId is { } gapId)
            codings = codings.Where(a => a.CapabilityGapId == gapId);
        if (filter.OwningDomainId is { } domainId)
            codings = codings.Where(a => a.OwningDomainId == domainId);
        var byColumn = filter.BusinessMetricId is not null || filter.CapabilityGapId is not null || filter.OwningDomainId is not null;
        if (!byColumn && filter.TagId is null)
            return null;

        // A tag is checked per coding (its primary key) when a column narrows the codings; alone, its own index leads.
        IQueryable<long> itemIds;
        int count;
        if (filter.TagId is { } tagId)
        {
            var tagged = db.AttributionTags.AsNoTracking().Where(t => t.TagId == tagId);
            codings = codings.Where(a => a.Tags.Any(t => t.TagId == tagId));
            itemIds = byColumn
                ? codings.Select(a => a.FeedbackItemId)
                : tagged.Join(db.Attributions, t => t.AttributionId, a => a.Id, (_, a) => a.FeedbackItemId);
            count = byColumn
                ? await codings.Take(FewMatches + 1).CountAsync(cancellationToken)
                : await tagged.Take(FewMatches + 1).CountAsync(cancellationToken);
        }
        else
        {
            itemIds = codings.Select(a => a.FeedbackItemId);
            count = await codings.Take(FewMatches + 1).CountAsync(cancellationToken);
        }
        return count <= FewMatches
            ? f => itemIds.Contains(f.Id)
            : f => codings.Any(a => a.FeedbackItemId == f.Id);
    }

    /// <summary>
    /// Customers for the list's customer filter, by what a person types: the one whose reference it is (any case); else, for
    /// a whole number, the one with that id (the links the list used to write); else those whose name or reference
    /// contains it, by name. At most <paramref name="max"/> + 1, so a caller can tell "too many".
    /// </summary>
    public async Task<IReadOnlyList<CustomerMatch>> FindCustomersAsync(string text, int max, CancellationToken cancellationToken = default)
    {
        text = text.Trim();
        if (text.Contains('\0', StringComparison.Ordinal))
            return []; // intake refuses U+0000 in a customer, and PostgreSQL cannot compare it
        var customers = db.Customers.AsNoTracking();
        var normalized = Customer.Normalize(text);
        var exact = await customers.Where(c => c.ReferenceNormalized == normalized)
            .Select(c => new CustomerMatch(c.Id, c.Reference, c.Name)).ToListAsync(cancellationToken);
        if (exact.Count > 0)
            return exact;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && await CustomerAsync(id, cancellationToken) is { } byId)
            return [byId];
        return await CustomersContaining(customers, text).OrderBy(c => c.Name).ThenBy(c => c.Id).Take(max + 1)
            .Select(c => new CustomerMatch(c.Id, c.Reference, c.Name)).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Customers whose name or reference contains <paramref name="text"/>, ignoring case: ILIKE on PostgreSQL, LIKE under
    /// a case-insensitive collation on SQL Server (its columns compare in binary, <see cref="SqlServerModel"/>), and
    /// SQLite's LIKE, which ignores the case of ASCII letters.
    /// </summary>
    internal IQueryable<Customer> CustomersContaining(IQueryable<Customer> customers, string text)
    {
        var pattern = ContainsPattern(text);
        if (db.Database.IsNpgsql())
            return customers.Where(c => EF.Functions.ILike(c.Name, pattern, "\\") || EF.Functions.ILike(c.Reference, pattern, "\\"));
        if (db.Database.IsSqlServer())
            return customers.Where(c => EF.Functions.Like(EF.Functions.Collate(c.Name, SqlServerModel.CaseInsensitiveCollation), pattern, "\\")
                || EF.Functions.Like(EF.Functions.Collate(c.Reference, SqlServerModel.CaseInsensitiveCollation), pattern, "\\"));
        return customers.Where(c => EF.Functions.Like(c.Name, pattern, "\\") || EF.Functions.Like(c.Reference, pattern, "\\"));
    }

    public Task<CustomerMatch?> CustomerAsync(int id, CancellationToken cancellationToken = default) =>
        db.Customers.AsNoTracking().Where(c => c.Id == id).Select(c => new CustomerMatch(c.Id, c.Reference, c.Name)).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Items whose verbatim contains <paramref name="text"/>, ignoring the case of ASCII letters on SQLite (as its LIKE
    /// did) and of every letter on PostgreSQL (ILIKE) and SQL Server (LIKE under a case-insensitive collation). SQLite's
    /// LIKE reads text only up to a U+0000, in the pattern (so "%\0%" matched every item) and in the verbatim (so nothing
    /// after one was found); <c>instr</c> and <c>lower</c> read the whole text. On the servers no item contains the
    /// character (PostgreSQL cannot hold it; SQL Server came after intake refused it), and it must not be sent:
    /// PostgreSQL refuses the query, and SQL Server's case-insensitive collations give it no weight, so LIKE would
    /// match every item.
    /// </summary>
    internal IQueryable<FeedbackItem> VerbatimContains(IQueryable<FeedbackItem> query, string text)
    {
        var sqlServer = db.Database.IsSqlServer();
        if (!sqlServer && !db.Database.IsNpgsql())
        {
            var lowered = AsciiLower(text);
            return query.Where(f => f.Verbatim.ToLower().Contains(lowered));
        }
        if (text.Contains('\0', StringComparison.Ordinal))
            return query.Where(f => false);
        var pattern = ContainsPattern(text);
        return sqlServer
            ? query.Where(f => EF.Functions.Like(EF.Functions.Collate(f.Verbatim, SqlServerModel.CaseInsensitiveCollation), pattern, "\\"))
            : query.Where(f => EF.Functions.ILike(f.Verbatim, pattern, "\\"));
    }

    /// <summary>Lower-cases A–Z only, as SQLite's <c>lower()</c> does without ICU.</summary>
    private static string AsciiLower(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
    });

    /// <summary>A LIKE pattern matching text that contains <paramref name="text"/> literally (escape character <c>\</c>).</summary>
    /// <summary>
    /// A LIKE pattern matching <paramref name="text"/> anywhere, its wildcards escaped with a backslash: <c>%</c>, <c>_</c>
    /// and, for SQL Server, whose LIKE reads <c>[a-z]</c> as a set of characters, <c>[</c> (a backslash before it is a
    /// plain <c>[</c> to SQLite's and PostgreSQL's LIKE too).
    /// </summary>
    internal static string ContainsPattern(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[") + "%";

    public async Task<FeedbackDetail?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var detail = await db.FeedbackItems.AsNoTracking()
            .Where(f => f.Id == id)
            .Select(f => new FeedbackDetail(
                f.Id, f.Channel!.Key, f.Channel.Name, f.Channel.Touchpoint, f.ExternalId, f.Verbatim, f.ReceivedAt, f.IngestedAt,
                f.Language, f.Status, f.OwnerCsmId, f.MetadataJson, f.AttributionDueAt, f.DuplicateOfId,
                new FeedbackCustomer(f.Customer!.Id, f.Customer.Reference, f.Customer.Name, f.Customer.LifecycleStage,
                    f.Customer.Segment == null ? null : f.Customer.Segment.Name, f.Customer.LifetimeValue),
                f.Contact == null ? null : new FeedbackContact(f.Contact.Id, f.Contact.Name, f.Contact.Email, f.Contact.Role),
                null))
            .FirstOrDefaultAsync(cancellationToken);
        return detail is null ? null : detail with { Attribution = await AttributionSnapshot.ReadAsync(db, id, cancellationToken) };
    }
}
