using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Web.Features.Feedback;

/// <summary>
/// The list page's query string exactly as typed. Bound as plain strings so a bad value becomes a message
/// on the page rather than a model-binding error or a 500.
/// </summary>
public sealed partial class FeedbackListQuery
{
    public const int MaxSearchLength = 200;

    /// <summary>More customers than this matching the customer text is "type more", not a filter of 500 ids.</summary>
    public const int MaxCustomerMatches = 200;

    public string? Channel { get; set; }
    public string? Status { get; set; }
    public string? Lang { get; set; }
    public string? Customer { get; set; }
    public string? Q { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Cursor { get; set; }

    /// <summary>A customer's id, as the list's own customer links carry it (the text field takes a name or reference).</summary>
    public string? CustomerId { get; set; }

    // Taxonomy entries and segments by key, as the taxonomy pages' counts link to them.
    public string? Gap { get; set; }
    public string? Metric { get; set; }
    public string? Domain { get; set; }
    public string? Segment { get; set; }
    public string? Tag { get; set; }

    public bool HasFilters =>
        new[] { Channel, Status, Lang, Customer, CustomerId, Q, From, To, Gap, Metric, Domain, Segment, Tag }.Any(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>Route values for links that keep the filters (empty ones left out to keep URLs short).</summary>
    public Dictionary<string, string> RouteValues(string? cursor = null)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                values[key] = value.Trim();
        }
        Add("channel", Channel);
        Add("status", Status);
        Add("lang", Lang);
        Add("customer", Customer);
        Add("customerId", CustomerId);
        Add("q", Q);
        Add("from", From);
        Add("to", To);
        Add("gap", Gap);
        Add("metric", Metric);
        Add("domain", Domain);
        Add("segment", Segment);
        Add("tag", Tag);
        Add("cursor", cursor);
        return values;
    }

    /// <summary>
    /// Turns the typed values into a filter; each value that cannot be used is named in <paramref name="errors"/> and left out.
    /// Messages come from <paramref name="t"/> when given (the UI's language), else in English.
    /// </summary>
    public FeedbackFilter ToFilter(IReadOnlyCollection<string> channelKeys, FeedbackFilterChoices choices, List<string> errors, IStringLocalizer? t = null)
    {
        string Text(string format, params object[] args) => Localized(t, format, args);

        string? channel = null;
        if (!string.IsNullOrWhiteSpace(Channel))
        {
            channel = channelKeys.FirstOrDefault(k => string.Equals(k, Channel.Trim(), StringComparison.OrdinalIgnoreCase));
            if (channel is null)
                errors.Add(Text("There is no channel \"{0}\"; the channel filter was ignored.", Channel.Trim()));
        }

        FeedbackStatus? status = null;
        if (!string.IsNullOrWhiteSpace(Status))
        {
            // Names only: Enum.TryParse would also accept numbers such as "7".
            if (Enum.GetNames<FeedbackStatus>().FirstOrDefault(n => string.Equals(n, Status.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name)
                status = Enum.Parse<FeedbackStatus>(name);
            else
                errors.Add(Text("\"{0}\" is not a status; the status filter was ignored.", Status.Trim()));
        }

        string? language = null;
        if (!string.IsNullOrWhiteSpace(Lang))
        {
            if (Lang.Trim().Length <= FeedbackItem.LanguageMaxLength && LanguageTag().IsMatch(Lang.Trim()))
                language = Lang.Trim();
            else
                errors.Add(Text("\"{0}\" is not a language tag such as en or zh; the language filter was ignored.", Lang.Trim()));
        }

        string? search = null;
        if (!string.IsNullOrWhiteSpace(Q))
        {
            search = Q.Trim();
            if (search.Length > MaxSearchLength)
            {
                search = search[..MaxSearchLength];
                errors.Add(Text("The search text was cut to its first {0} characters.", MaxSearchLength));
            }
        }

        var from = ParseDate(From, endOfDay: false, errors,
            value => Text("\"{0}\" is not a date (use YYYY-MM-DD); the from date was ignored.", value),
            value => Text("\"{0}\" is not between {1} and {2}; the from date was ignored.", value, DateRangeLimits.EarliestText, DateRangeLimits.LatestText));
        var to = ParseDate(To, endOfDay: true, errors,
            value => Text("\"{0}\" is not a date (use YYYY-MM-DD); the to date was ignored.", value),
            value => Text("\"{0}\" is not between {1} and {2}; the to date was ignored.", value, DateRangeLimits.EarliestText, DateRangeLimits.LatestText));
        if (from is not null && to is not null && from >= to)
        {
            errors.Add(Text("The \"from\" date is after the \"to\" date; the date filter was ignored."));
            from = to = null;
        }

        int? Entry(string? value, IReadOnlyList<FilterChoice> entries, string unknown)
        {
            if (string.IsNullOrWhiteSpace(value))
                return null;
            if (entries.FirstOrDefault(e => string.Equals(e.Key, value.Trim(), StringComparison.OrdinalIgnoreCase)) is { } entry)
                return entry.Id;
            errors.Add(Text(unknown, value.Trim()));
            return null;
        }

        return new FeedbackFilter
        {
            Channel = channel,
            Status = status,
            Language = language,
            Search = search,
            ReceivedFrom = from,
            ReceivedTo = to,
            BusinessMetricId = Entry(Metric, choices.Metrics, "There is no business metric \"{0}\"; the metric filter was ignored."),
            CapabilityGapId = Entry(Gap, choices.Gaps, "There is no capability gap \"{0}\"; the gap filter was ignored."),
            OwningDomainId = Entry(Domain, choices.Domains, "There is no owning domain \"{0}\"; the domain filter was ignored."),
            TagId = Entry(Tag, choices.Tags, "There is no tag \"{0}\"; the tag filter was ignored."),
            SegmentId = Entry(Segment, choices.Segments, "There is no segment \"{0}\"; the segment filter was ignored."),
        };
    }

    /// <summary>
    /// The customers the <see cref="Customer"/> text (a name or reference, see <see cref="FeedbackQueries.FindCustomersAsync"/>)
    /// or else <see cref="CustomerId"/> stands for; null when there is no customer filter or it could not be used.
    /// No match is not an error of the filter: the list is then empty, and the message says why.
    /// </summary>
    public async Task<CustomerFilter?> ResolveCustomersAsync(FeedbackQueries queries, List<string> errors, IStringLocalizer? t, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(Customer))
        {
            var text = Customer.Trim();
            if (text.Length > MaxSearchLength)
            {
                errors.Add(Localized(t, "The customer text is longer than {0} characters; the customer filter was ignored.", MaxSearchLength));
                return null;
            }
            var matches = await queries.FindCustomersAsync(text, MaxCustomerMatches, cancellationToken);
            if (matches.Count > MaxCustomerMatches)
            {
                errors.Add(Localized(t, "More than {0} customers match \"{1}\"; type more of the name or the reference. The customer filter was ignored.", MaxCustomerMatches, text));
                return null;
            }
            if (matches.Count == 0)
                errors.Add(Localized(t, "No customer's name or reference contains \"{0}\", so no feedback is shown.", text));
            return new CustomerFilter(matches);
        }
        if (!string.IsNullOrWhiteSpace(CustomerId))
        {
            if (!int.TryParse(CustomerId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                errors.Add(Localized(t, "\"{0}\" is not a customer id (a positive whole number); the customer filter was ignored.", CustomerId.Trim()));
                return null;
            }
            var customer = await queries.CustomerAsync(id, cancellationToken);
            if (customer is null)
            {
                errors.Add(Localized(t, "There is no customer with the id {0}; the customer filter was ignored.", id));
                return null;
            }
            return new CustomerFilter([customer]);
        }
        return null;
    }

    private static string Localized(IStringLocalizer? t, string format, params object[] args) =>
        t is null ? string.Format(CultureInfo.InvariantCulture, format, args) : t[format, args].Value;

    /// <summary>
    /// Accepts a date (<c>2025-01-31</c>, as a date input sends it) or an ISO date-time, read as UTC.
    /// A bare "to" date includes that whole day, since the query's upper bound is exclusive.
    /// </summary>
    private static DateTime? ParseDate(string? value, bool endOfDay, List<string> errors, Func<string, string> notADate, Func<string, string> outOfRange)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var text = value.Trim();
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        DateTime? parsed = null;
        var wholeDay = DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, styles, out var day);
        if (wholeDay)
            parsed = day;
        else if (text.Length <= 40 && DateTime.TryParse(text, CultureInfo.InvariantCulture, styles, out var moment) && text.Contains('T', StringComparison.Ordinal))
            parsed = moment;
        if (parsed is not { } date)
            errors.Add(notADate(text));
        else if (!DateRangeLimits.Contains(date))
            errors.Add(outOfRange(text));
        else
            return endOfDay && wholeDay ? date.AddDays(1) : date;
        return null;
    }


    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
