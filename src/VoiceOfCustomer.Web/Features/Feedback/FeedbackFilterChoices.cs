using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Feedback;

/// <summary>An entry the list filters by: its key (what the address carries), id, and name in the UI's language.</summary>
/// <param name="Id">The entry's or segment's id.</param>
/// <param name="Key">What the address carries.</param>
/// <param name="Name">The name in the UI's language.</param>
/// <param name="Offered">Still in use (not archived or merged): offered in the filter's drop-down. Retired ones still filter, by link.</param>
public sealed record FilterChoice(int Id, string Key, string Name, bool Offered);

/// <summary>Every taxonomy entry and segment, for the filter form's drop-downs and to turn the keys in the address into ids.</summary>
public sealed class FeedbackFilterChoices
{
    public required IReadOnlyList<FilterChoice> Metrics { get; init; }
    public required IReadOnlyList<FilterChoice> Gaps { get; init; }
    public required IReadOnlyList<FilterChoice> Domains { get; init; }
    public required IReadOnlyList<FilterChoice> Tags { get; init; }
    public required IReadOnlyList<FilterChoice> Segments { get; init; }

    public static async Task<FeedbackFilterChoices> LoadAsync(VocDbContext db, CancellationToken cancellationToken)
    {
        var segments = await db.Segments.AsNoTracking()
            .Select(s => new { s.Id, s.Key, s.Name, s.NameZh, Offered = !s.IsArchived })
            .ToListAsync(cancellationToken);
        return new FeedbackFilterChoices
        {
            Metrics = await EntriesAsync(db.BusinessMetrics, cancellationToken),
            Gaps = await EntriesAsync(db.CapabilityGaps, cancellationToken),
            Domains = await EntriesAsync(db.OwningDomains, cancellationToken),
            Tags = await EntriesAsync(db.Tags, cancellationToken),
            Segments = Sorted(segments.Select(s => new FilterChoice(s.Id, s.Key, DisplayNames.Of(s.Name, s.NameZh), s.Offered))),
        };
    }

    private static async Task<IReadOnlyList<FilterChoice>> EntriesAsync<T>(IQueryable<T> entries, CancellationToken cancellationToken)
        where T : TaxonomyEntry
    {
        var rows = await entries.AsNoTracking()
            .Select(e => new { e.Id, e.Key, e.Name, e.NameZh, Offered = !e.IsArchived && e.MergedIntoId == null })
            .ToListAsync(cancellationToken);
        return Sorted(rows.Select(e => new FilterChoice(e.Id, e.Key, DisplayNames.Of(e.Name, e.NameZh), e.Offered)));
    }

    private static List<FilterChoice> Sorted(IEnumerable<FilterChoice> choices) =>
        [.. choices.OrderBy(c => c.Name, StringComparer.CurrentCulture).ThenBy(c => c.Id)];
}

/// <summary>The customers a customer filter stands for (possibly none: then nothing is listed).</summary>
public sealed record CustomerFilter(IReadOnlyList<CustomerMatch> Customers)
{
    /// <summary>Shown by name when this few; more are counted.</summary>
    public const int NamesShown = 5;

    /// <summary>What the text box shows for a filter that came as an id: the one customer's reference.</summary>
    public string? Reference => Customers.Count == 1 ? Customers[0].Reference : null;
}
