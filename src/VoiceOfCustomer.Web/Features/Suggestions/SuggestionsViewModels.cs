using System.Globalization;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.Web.Features.Suggestions;

/// <summary>The page's filters as typed; <see cref="Parse"/> turns them into a filter and a message per bad one.</summary>
public sealed class SuggestionsQuery
{
    public string? Field { get; set; }
    public string? Version { get; set; }
    public string? Weeks { get; set; }
    public string? Page { get; set; }

    /// <summary>A bad value is dropped (the default applies) and reported under the query parameter's name.</summary>
    public static ParsedSuggestionsQuery Parse(SuggestionsQuery query, IReadOnlyList<int> knownVersions, IStringLocalizer t)
    {
        var errors = new List<QueryError>();
        SuggestionField? field = null;
        if (!string.IsNullOrWhiteSpace(query.Field))
        {
            var text = query.Field.Trim();
            // Names only: Enum.TryParse would also take "3" or "1,2".
            var match = Enum.GetNames<SuggestionField>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (match is not null)
                field = Enum.Parse<SuggestionField>(match);
            else
                errors.Add(new("field", t["field: '{0}' is not a suggestion field; use one of {1}.", text, string.Join(", ", Enum.GetNames<SuggestionField>())]));
        }
        int? version = null;
        if (!string.IsNullOrWhiteSpace(query.Version))
        {
            var text = query.Version.Trim();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && knownVersions.Contains(number))
                version = number;
            else
                errors.Add(new("version", t["version: there is no model version '{0}'.", text]));
        }
        var weeks = SuggestionReports.DefaultWeeks;
        if (!string.IsNullOrWhiteSpace(query.Weeks))
        {
            var text = query.Weeks.Trim();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= SuggestionReports.MaxWeeks)
                weeks = number;
            else
                errors.Add(new("weeks", t["weeks: '{0}' is not a number of weeks from 1 to {1}.", text, SuggestionReports.MaxWeeks]));
        }
        var page = 1;
        if (!string.IsNullOrWhiteSpace(query.Page))
        {
            var text = query.Page.Trim();
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
                page = number;
            else
                errors.Add(new("page", t["page: '{0}' is not a page number.", text]));
        }
        return new ParsedSuggestionsQuery(new SuggestionFilter(field, version), weeks, page, errors);
    }
}

public sealed record QueryError(string Parameter, string Message);

public sealed record ParsedSuggestionsQuery(SuggestionFilter Filter, int Weeks, int Page, IReadOnlyList<QueryError> Errors)
{
    /// <summary>The valid filters as a query string (without "?"), for links that keep them; <paramref name="page"/> for the history pager.</summary>
    public string ToQueryString(int? page = null)
    {
        var parts = new List<string>();
        if (Filter.Field is { } field) parts.Add("field=" + field);
        if (Filter.ModelVersion is { } version) parts.Add("version=" + version.ToString(CultureInfo.InvariantCulture));
        if (Weeks != SuggestionReports.DefaultWeeks) parts.Add("weeks=" + Weeks.ToString(CultureInfo.InvariantCulture));
        if (page is > 1) parts.Add("page=" + page.Value.ToString(CultureInfo.InvariantCulture));
        return string.Join("&", parts);
    }
}

public sealed class SuggestionsPageViewModel
{
    public required ParsedSuggestionsQuery Query { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public required CurrentModel? Current { get; init; }
    public required AcceptanceReport Acceptance { get; init; }
    public required IReadOnlyList<VersionAcceptance> ByVersion { get; init; }
    public required ModelHistoryPage Models { get; init; }
    public required IReadOnlyList<int> Versions { get; init; }
    public required bool RetrainAvailable { get; init; }
    /// <summary>The background trainer's state in this instance (training now, progress, last error).</summary>
    public SuggestionTrainingStatus? Training { get; init; }
    /// <summary>The optional LLM refiner: why it is off, or its calls today and the last discarded answer.</summary>
    public VoiceOfCustomer.Suggestions.Llm.LlmStatus.Snapshot? Llm { get; init; }
    /// <summary>Today's LLM answers, used and discarded by kind, from every instance.</summary>
    public VoiceOfCustomer.Suggestions.Llm.LlmDayCounts? LlmToday { get; init; }

    public string Href(int? page = null)
    {
        var query = Query.ToQueryString(page);
        return "/admin/suggestions" + (query.Length > 0 ? "?" + query : "");
    }

    public string CsvHref
    {
        get
        {
            var query = Query.ToQueryString();
            return "/admin/suggestions/acceptance.csv" + (query.Length > 0 ? "?" + query : "");
        }
    }
}

public static class SuggestionDisplay
{
    /// <summary>English label of a field, looked up by the view (the one label table: <see cref="Infrastructure.Labels"/>).</summary>
    public static string FieldLabel(SuggestionField field) => Infrastructure.Labels.Of(field);

    public static string SourceLabel(SuggestionSource source) => Infrastructure.Labels.Of(source);

    /// <summary>A line colour and dash per field, so lines differ without relying on colour alone.</summary>
    public static (string Colour, string? Dash) FieldStroke(SuggestionField field) => field switch
    {
        SuggestionField.BusinessMetric => ("#1f5fa8", null),
        SuggestionField.CapabilityGap => ("#c2410c", "6 3"),
        SuggestionField.OwningDomain => ("#2e7d32", "2 3"),
        SuggestionField.ValueDimension => ("#7b1fa2", "8 3 2 3"),
        _ => ("#5b5b5b", "1 2"),
    };

    /// <summary>A 0–100 value as "75.0 %"; "—" when there is none.</summary>
    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.CurrentCulture) + " %" : "—";

    /// <summary>A 0–1 fraction as a percentage.</summary>
    public static string Fraction(double? value) => Percent(value * 100);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.CurrentCulture);
}
