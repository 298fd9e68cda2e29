using System.Globalization;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Web.Features.Customers;

/// <summary>
/// The customer list's query string as typed, bound as plain strings so a bad value becomes a message naming it (on the
/// page) or a 400 naming the field (the CSV export), never a model-binding error.
/// </summary>
public sealed class CustomerListQuery
{
    public const int MaxSearchLength = 200;

    public string? Segment { get; set; }
    public string? Stage { get; set; }
    public string? Tier { get; set; }
    public string? Model { get; set; }
    public string? Csm { get; set; }
    public string? Q { get; set; }
    public string? Sort { get; set; }
    public string? Dir { get; set; }
    public string? Cursor { get; set; }

    /// <summary>The sort keys of the query string, as the column headers link to them.</summary>
    public static readonly IReadOnlyDictionary<string, CustomerSort> SortKeys = new Dictionary<string, CustomerSort>(StringComparer.OrdinalIgnoreCase)
    {
        ["clv"] = CustomerSort.LifetimeValue,
        ["p-alive"] = CustomerSort.ProbabilityAlive,
        ["arr"] = CustomerSort.AnnualRecurringRevenue,
        ["name"] = CustomerSort.Name,
        ["last-activity"] = CustomerSort.LastActivity,
    };

    public static string KeyOf(CustomerSort sort) => SortKeys.First(k => k.Value == sort).Key;

    /// <summary>Names read A→Z first; every number and date biggest (latest) first.</summary>
    public static bool DescendingByDefault(CustomerSort sort) => sort != CustomerSort.Name;

    public bool HasFilters => new[] { Segment, Stage, Tier, Model, Csm, Q }.Any(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>Route values for links that keep the filters, with another sort or cursor when given.</summary>
    public Dictionary<string, string> RouteValues(string? cursor = null, CustomerSort? sort = null, bool? descending = null)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                values[key] = value.Trim();
        }
        Add("segment", Segment);
        Add("stage", Stage);
        Add("tier", Tier);
        Add("model", Model);
        Add("csm", Csm);
        Add("q", Q);
        if (sort is { } s)
        {
            Add("sort", KeyOf(s));
            Add("dir", descending ?? DescendingByDefault(s) ? "desc" : "asc");
        }
        else
        {
            Add("sort", Sort);
            Add("dir", Dir);
        }
        Add("cursor", cursor);
        return values;
    }

    /// <summary>The parsed query; each value that cannot be used is named in <paramref name="errors"/> (field, message) and left out.</summary>
    public ParsedCustomerQuery Parse(IReadOnlyList<Segment> segments, IReadOnlyCollection<string> csmIds, List<(string Field, string Message)> errors, IStringLocalizer t)
    {
        int? segmentId = null;
        if (!string.IsNullOrWhiteSpace(Segment))
        {
            segmentId = segments.FirstOrDefault(s => string.Equals(s.Key, Segment.Trim(), StringComparison.OrdinalIgnoreCase))?.Id;
            if (segmentId is null)
                errors.Add(("segment", t["There is no segment \"{0}\"; the segment filter was ignored.", Segment.Trim()]));
        }

        // Names only: Enum.TryParse would also accept numbers such as "7". Null with bad = true: a value that is not a name.
        static TEnum? Choice<TEnum>(string? value, out bool bad) where TEnum : struct, Enum
        {
            bad = false;
            if (string.IsNullOrWhiteSpace(value))
                return null;
            if (Enum.GetNames<TEnum>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name)
                return Enum.Parse<TEnum>(name);
            bad = true;
            return null;
        }
        var stage = Choice<LifecycleStage>(Stage, out var badStage);
        if (badStage)
            errors.Add(("stage", t["\"{0}\" is not a lifecycle stage; the stage filter was ignored.", Stage!.Trim()]));
        var tier = Choice<ValueTier>(Tier, out var badTier);
        if (badTier)
            errors.Add(("tier", t["\"{0}\" is not a value tier; the tier filter was ignored.", Tier!.Trim()]));
        var model = Choice<ValueModel>(Model, out var badModel);
        if (badModel)
            errors.Add(("model", t["\"{0}\" is not a value model; the model filter was ignored.", Model!.Trim()]));

        string? csm = null;
        if (!string.IsNullOrWhiteSpace(Csm))
        {
            csm = csmIds.FirstOrDefault(id => string.Equals(id, Csm.Trim(), StringComparison.Ordinal));
            if (csm is null)
                errors.Add(("csm", t["There is no CSM with the id \"{0}\"; the CSM filter was ignored.", Csm.Trim()]));
        }

        string? search = null;
        if (!string.IsNullOrWhiteSpace(Q))
        {
            search = Q.Trim();
            if (search.Length > MaxSearchLength)
            {
                search = search[..MaxSearchLength];
                errors.Add(("q", t["The search text was cut to its first {0} characters.", MaxSearchLength]));
            }
        }

        var sort = CustomerSort.LifetimeValue;
        if (!string.IsNullOrWhiteSpace(Sort))
        {
            if (SortKeys.TryGetValue(Sort.Trim(), out var chosen))
                sort = chosen;
            else
                errors.Add(("sort", t["\"{0}\" is not a column the list sorts by; it is sorted by predicted CLV.", Sort.Trim()]));
        }
        var descending = DescendingByDefault(sort);
        if (!string.IsNullOrWhiteSpace(Dir))
        {
            if (Dir.Trim().ToLowerInvariant() is "asc" or "desc")
                descending = Dir.Trim().Equals("desc", StringComparison.OrdinalIgnoreCase);
            else
                errors.Add(("dir", t["\"{0}\" is not a sort direction (asc or desc); the column's usual direction is used.", Dir.Trim()]));
        }

        CustomerCursor? cursor = null;
        if (!string.IsNullOrEmpty(Cursor))
        {
            if (CustomerCursor.TryDecode(Cursor, out var decoded))
                cursor = decoded;
            else
                errors.Add(("cursor", t["The page link is not valid (it may have been cut short); showing the first page instead."]));
        }

        return new ParsedCustomerQuery(
            new CustomerListFilter { SegmentId = segmentId, Stage = stage, Tier = tier, Model = model, CsmUserId = csm, Search = search },
            sort, descending, cursor);
    }
}

public sealed record ParsedCustomerQuery(CustomerListFilter Filter, CustomerSort Sort, bool Descending, CustomerCursor? Cursor);

/// <summary>Invariant number formats the customer pages share (money without decimals, probabilities as percentages).</summary>
public static class CustomerFormats
{
    public static string Money(decimal? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "—";

    public static string Percent(double? probability) => probability is { } p ? (p * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Ratio(decimal? value) => value is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "—";

    public static string Number(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "—";
}
