using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// The name of a taxonomy entry, segment or channel in the UI's language: its Chinese name when the UI is Chinese and it
/// has one, else its English name. Pages never show a channel's or segment's key.
/// </summary>
public static class DisplayNames
{
    public static string Of(string name, string? nameZh) =>
        VocCultures.UiIsChinese && !string.IsNullOrWhiteSpace(nameZh) ? nameZh : name;

    public static string DisplayName(this TaxonomyEntry entry) => Of(entry.Name, entry.NameZh);

    public static string DisplayName(this Segment segment) => Of(segment.Name, segment.NameZh);

    public static string DisplayName(this Channel channel) => Of(channel.Name, channel.NameZh);

    /// <summary>Orders by the displayed name as the UI's culture sorts (pinyin order for Chinese).</summary>
    public static IEnumerable<T> OrderByDisplay<T>(this IEnumerable<T> items, Func<T, string> name) =>
        items.OrderBy(name, StringComparer.Create(System.Globalization.CultureInfo.CurrentUICulture, ignoreCase: true));
}

/// <summary>
/// Channels and segments by key, id and English name, cached for a short while (they change rarely and are read on most
/// pages), for the lists whose queries carry only a channel key or a segment's English name.
/// </summary>
public sealed class ReferenceNames(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private volatile Table? _table;

    public async ValueTask<Table> GetAsync(CancellationToken cancellationToken = default)
    {
        var table = _table;
        if (table is not null && time.GetUtcNow() - table.LoadedAt < Lifetime)
            return table;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        // Archived ones too: old items still name them.
        var channels = await db.Channels.AsNoTracking().ToListAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking().ToListAsync(cancellationToken);
        _table = table = new Table(
            channels.ToFrozenDictionary(c => c.Key, StringComparer.OrdinalIgnoreCase),
            segments.ToFrozenDictionary(s => s.Id),
            segments.GroupBy(s => s.Name, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            time.GetUtcNow());
        return table;
    }

    /// <summary>Forget the cache (after a channel or segment changed).</summary>
    public void Invalidate() => _table = null;

    public sealed record Table(
        FrozenDictionary<string, Channel> ChannelsByKey,
        FrozenDictionary<int, Segment> SegmentsById,
        FrozenDictionary<string, Segment> SegmentsByName,
        DateTimeOffset LoadedAt)
    {
        /// <summary>The channel's name for its key; an unknown key (a channel deleted since) shows as it is.</summary>
        public string Channel(string key) => ChannelsByKey.TryGetValue(key, out var channel) ? channel.DisplayName() : key;

        /// <summary>The current channels (not archived) as (key, name), by name: what channel pickers offer.</summary>
        public IReadOnlyList<(string Key, string Name)> ChannelChoices(IEnumerable<string> keys) =>
            keys.Select(k => (Key: k, Name: Channel(k))).OrderByDisplay(c => c.Name).ToList();

        /// <summary>A segment's name for its English name (what the list queries carry); null stays null.</summary>
        public string? Segment(string? englishName) =>
            englishName is null ? null : SegmentsByName.TryGetValue(englishName, out var segment) ? segment.DisplayName() : englishName;

        public string? Segment(int id) => SegmentsById.TryGetValue(id, out var segment) ? segment.DisplayName() : null;
    }
}

/// <summary>
/// Taxonomy names by id in the UI's language, for what a stored record names by id (an item's coding, its history). In
/// English nothing is read: the record's own names are shown. In Chinese the entries' current Chinese names are read.
/// </summary>
public sealed class TaxonomyNames
{
    private static readonly IReadOnlyDictionary<int, string> Empty = new Dictionary<int, string>();

    public static readonly TaxonomyNames AsStored = new(Empty, Empty, Empty, Empty);

    private readonly IReadOnlyDictionary<int, string> _metrics, _gaps, _domains, _tags;

    private TaxonomyNames(IReadOnlyDictionary<int, string> metrics, IReadOnlyDictionary<int, string> gaps,
        IReadOnlyDictionary<int, string> domains, IReadOnlyDictionary<int, string> tags) =>
        (_metrics, _gaps, _domains, _tags) = (metrics, gaps, domains, tags);

    public string? Metric(int? id, string? stored) => Pick(_metrics, id, stored);
    public string? Gap(int? id, string? stored) => Pick(_gaps, id, stored);
    public string? Domain(int? id, string? stored) => Pick(_domains, id, stored);
    public string Tag(int id, string stored) => Pick(_tags, id, stored)!;

    public static Task<TaxonomyNames> ForAsync(VocDbContext db, Coding.AttributionSnapshot? snapshot, CancellationToken cancellationToken) =>
        snapshot is null ? Task.FromResult(AsStored) : ForAsync(db, [snapshot.MetricId], [snapshot.CapabilityGapId], [snapshot.OwningDomainId], [.. snapshot.TagIds.Cast<int?>()], cancellationToken);

    public static async Task<TaxonomyNames> ForAsync(VocDbContext db, IEnumerable<int?> metricIds, IEnumerable<int?> gapIds,
        IEnumerable<int?> domainIds, IEnumerable<int?> tagIds, CancellationToken cancellationToken)
    {
        if (!VocCultures.UiIsChinese)
            return AsStored;
        return new TaxonomyNames(
            await ChineseAsync(db.BusinessMetrics, metricIds, cancellationToken),
            await ChineseAsync(db.CapabilityGaps, gapIds, cancellationToken),
            await ChineseAsync(db.OwningDomains, domainIds, cancellationToken),
            await ChineseAsync(db.Tags, tagIds, cancellationToken));
    }

    private static async Task<IReadOnlyDictionary<int, string>> ChineseAsync<T>(IQueryable<T> entries, IEnumerable<int?> ids, CancellationToken cancellationToken)
        where T : TaxonomyEntry
    {
        var wanted = ids.OfType<int>().Distinct().ToList();
        if (wanted.Count == 0)
            return Empty;
        return await entries.AsNoTracking().Where(e => wanted.Contains(e.Id) && e.NameZh != null && e.NameZh != "")
            .ToDictionaryAsync(e => e.Id, e => e.NameZh!, cancellationToken);
    }

    private static string? Pick(IReadOnlyDictionary<int, string> names, int? id, string? stored) =>
        id is { } key && names.TryGetValue(key, out var name) ? name : stored;
}
