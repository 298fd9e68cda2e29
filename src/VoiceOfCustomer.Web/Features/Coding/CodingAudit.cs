using System.Text.Json;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;
using static VoiceOfCustomer.Web.Infrastructure.ChangeSummary;

namespace VoiceOfCustomer.Web.Features.Coding;

/// <summary>
/// The coding history in words: the form's labels for the fields, labels for enum values, and the names ids stand for
/// (taxonomy entries in the UI's language, owners by name). Ids, stamps and versions are left out.
/// </summary>
public sealed class CodingAudit(IStringLocalizer t, TaxonomyNames taxonomy, IReadOnlyDictionary<string, string> users)
{
    private readonly Dictionary<string, ChangeField> _fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["State"] = Enum<AttributionState>("Coding state", t),
        ["Metric"] = new("Metric", (v, all) => taxonomy.Metric(IntOf(all, "MetricId"), Text(v)) ?? Text(v)),
        ["Direction"] = Enum<ImpactDirection>("Direction", t),
        ["Magnitude"] = new("Magnitude"),
        ["Unit"] = new("Unit"),
        ["NoImpactReason"] = new("No measurable impact"),
        ["CapabilityGap"] = new("Capability gap", (v, all) => taxonomy.Gap(IntOf(all, "CapabilityGapId"), Text(v)) ?? Text(v)),
        ["Hypothesis"] = new("Hypothesis"),
        ["OwningDomain"] = new("Owning domain", (v, all) => taxonomy.Domain(IntOf(all, "OwningDomainId"), Text(v)) ?? Text(v)),
        ["ValueDimension"] = Enum<ValueDimension>("Value dimension", t),
        ["VoiceRole"] = Enum<VoiceRole>("Voice role", t),
        ["Tags"] = new("Tags", (v, all) => TagNames(taxonomy, v, IntsOf(all, "TagIds"))),
        ["owner"] = Id("Owner", users.GetValueOrDefault),
        ["status"] = Enum<FeedbackStatus>("Status", t),
        ["duplicateOf"] = new("Duplicate of", (v, _) => "#" + Text(v)),
        ["note"] = new("Question to the customer"),
        ["reason"] = new("Reason"),
    };

    /// <summary>The English labels of the history's fields (string-table keys).</summary>
    public IEnumerable<string> FieldLabels => _fields.Values.Select(f => f.Label).Distinct();

    /// <summary>The ids the entries name (taxonomy entries and owners), so their names can be read in one go before summarising.</summary>
    public static (List<int?> Metrics, List<int?> Gaps, List<int?> Domains, List<int?> Tags, List<string?> Users) IdsIn(IEnumerable<string?> jsons)
    {
        var ids = (Metrics: new List<int?>(), Gaps: new List<int?>(), Domains: new List<int?>(), Tags: new List<int?>(), Users: new List<string?>());
        foreach (var values in jsons.Select(Read))
        {
            ids.Metrics.Add(IntOf(values, "MetricId"));
            ids.Gaps.Add(IntOf(values, "CapabilityGapId"));
            ids.Domains.Add(IntOf(values, "OwningDomainId"));
            ids.Tags.AddRange(IntsOf(values, "TagIds").Cast<int?>());
            ids.Users.Add(values.TryGetValue("owner", out var owner) && owner.ValueKind == JsonValueKind.String ? owner.GetString() : null);
        }
        return ids;
    }

    /// <summary>Before → after for the fields that changed.</summary>
    public IReadOnlyList<AuditChange> Summarise(string? beforeJson, string? afterJson) => Of(beforeJson, afterJson, _fields, t);

    private static string TagNames(TaxonomyNames taxonomy, JsonElement names, List<int> ids) =>
        string.Join(", ", names.EnumerateArray().Select(n => n.ToString()).Select((name, i) => i < ids.Count ? taxonomy.Tag(ids[i], name) : name));
}
