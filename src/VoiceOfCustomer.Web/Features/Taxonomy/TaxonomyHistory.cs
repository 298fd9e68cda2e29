using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web.Infrastructure;
using static VoiceOfCustomer.Web.Infrastructure.ChangeSummary;

namespace VoiceOfCustomer.Web.Features.Taxonomy;

/// <summary>An entry's history in words: the form's labels for the fields, labels for enum values, names for ids.</summary>
public sealed class TaxonomyHistory(IStringLocalizer t, TaxonomyEntryViewModel model)
{
    private readonly Dictionary<string, ChangeField> _fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["key"] = new("Key"),
        ["name"] = new("Name"),
        ["nameZh"] = new("Chinese name"),
        ["description"] = new("Description"),
        ["archived"] = new("Archived", (v, _) => v.ValueKind == System.Text.Json.JsonValueKind.True ? t["Yes"] : t["No"]),
        ["mergedIntoId"] = Id("Merged into", id => model.MergedInto is { } survivor && survivor.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id ? survivor.DisplayName() : null),
        ["defaultUnit"] = new("Default unit"),
        ["polarity"] = Enum<MetricPolarity>("Good direction", t),
        ["owningDomainId"] = Id("Owning domain", id => model.Form.Domains.FirstOrDefault(d => d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id)?.DisplayName()),
        ["status"] = Enum<CapabilityGapStatus>("Status", t),
        ["proposedById"] = Id("Proposed by", model.UserName),
        ["ownerName"] = new("Owner's name"),
        ["ownerEmail"] = new("Owner's e-mail address"),
        ["codedItemsMoved"] = new("Coded items moved"),
    };

    /// <summary>The English labels of the history's fields (string-table keys).</summary>
    public IEnumerable<string> FieldLabels => _fields.Values.Select(f => f.Label).Distinct();

    public IReadOnlyList<AuditChange> Summarise(TaxonomyChange change) => Of(change.BeforeJson, change.AfterJson, _fields, t);
}
