using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Web.Features.Taxonomy;

/// <summary>The URL segment, heading and wording of each kind.</summary>
public static class TaxonomyKinds
{
    public static readonly IReadOnlyList<TaxonomyKind> All = [TaxonomyKind.Metric, TaxonomyKind.CapabilityGap, TaxonomyKind.Domain, TaxonomyKind.Tag];

    public static string Slug(TaxonomyKind kind) => kind switch
    {
        TaxonomyKind.Metric => "metrics",
        TaxonomyKind.CapabilityGap => "gaps",
        TaxonomyKind.Domain => "domains",
        _ => "tags",
    };

    public static bool TryParse(string? slug, out TaxonomyKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Slug(candidate), slug, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>English titles; views pass them through the localizer.</summary>
    public static string Title(TaxonomyKind kind) => kind switch
    {
        TaxonomyKind.Metric => "Business metrics",
        TaxonomyKind.CapabilityGap => "Capability gaps",
        TaxonomyKind.Domain => "Owning domains",
        _ => "Tags",
    };

    /// <summary>
    /// English label of a history action (<see cref="TaxonomyActions"/>), passed through the localizer by the view; the
    /// stored lower-case words would clash with button labels ("Archive", "Merge") in the case-insensitive string table.
    /// </summary>
    public static string ActionLabel(string action) => action switch
    {
        TaxonomyActions.Create => "Created",
        TaxonomyActions.Rename => "Renamed",
        TaxonomyActions.Edit => "Edited",
        TaxonomyActions.Archive => "Archived",
        TaxonomyActions.Unarchive => "Un-archived",
        TaxonomyActions.Merge => "Merged",
        TaxonomyActions.Propose => "Proposed",
        TaxonomyActions.Accept => "Accepted",
        _ => action,
    };
}

/// <summary>The fields of a create or edit form with the errors to show beside them.</summary>
public sealed class TaxonomyFormModel
{
    public required TaxonomyKind Kind { get; init; }
    public required TaxonomyInput Input { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<OwningDomain> Domains { get; init; } = [];

    /// <summary>Prefix for element ids, so two forms on one page keep unique ids.</summary>
    public required string IdPrefix { get; init; }
    public bool ShowKey { get; init; }

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    public static IReadOnlyDictionary<string, string> ToDictionary(IEnumerable<VoiceOfCustomer.Intake.FieldError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message)), StringComparer.OrdinalIgnoreCase);
}

public sealed class TaxonomyListViewModel
{
    public required TaxonomyKind Kind { get; init; }
    public required IReadOnlyList<TaxonomyEntry> Entries { get; init; }
    public required TaxonomyFormModel Form { get; init; }
    public required bool IsAdmin { get; init; }

    /// <summary>Every domain's name, archived ones too, for the gaps table (the form offers current ones only).</summary>
    public IReadOnlyDictionary<int, string> DomainNames { get; init; } = new Dictionary<int, string>();

    /// <summary>Entry id → how many voices are coded with it; entries with none are absent.</summary>
    public IReadOnlyDictionary<int, int> VoiceCounts { get; init; } = new Dictionary<int, int>();

    /// <summary>The feedback list filtered by an entry (its query parameter is the kind's: <c>metric</c>, <c>gap</c>, <c>domain</c>, <c>tag</c>).</summary>
    public string FeedbackLink(TaxonomyEntry entry) => Kind switch
    {
        TaxonomyKind.Metric => "/feedback?metric=",
        TaxonomyKind.CapabilityGap => "/feedback?gap=",
        TaxonomyKind.Domain => "/feedback?domain=",
        _ => "/feedback?tag=",
    } + Uri.EscapeDataString(entry.Key);

    /// <summary>PMs propose capability gaps; Admins create any entry.</summary>
    public bool CanSubmitForm => IsAdmin || Kind == TaxonomyKind.CapabilityGap;
    public string Slug => TaxonomyKinds.Slug(Kind);
    public string? NameOf(int? id) => id is null ? null : Entries.FirstOrDefault(e => e.Id == id)?.Name;
}

public sealed class TaxonomyEntryViewModel
{
    public required TaxonomyKind Kind { get; init; }
    public required TaxonomyEntry Entry { get; init; }
    public required TaxonomyFormModel Form { get; init; }
    public required IReadOnlyList<TaxonomyEntry> Survivors { get; init; }
    public required IReadOnlyList<TaxonomyChange> History { get; init; }
    public TaxonomyEntry? MergedInto { get; init; }
    public IReadOnlyDictionary<string, string> UserNames { get; init; } = new Dictionary<string, string>();
    public string? UserName(string? id) => id is null ? null : UserNames.TryGetValue(id, out var name) ? name : id;
    public required bool IsAdmin { get; init; }
    public IReadOnlyDictionary<string, string> ActionErrors { get; init; } = new Dictionary<string, string>();
    public string Slug => TaxonomyKinds.Slug(Kind);
    public string? ActionError(string field) => ActionErrors.TryGetValue(field, out var message) ? message : null;
}
