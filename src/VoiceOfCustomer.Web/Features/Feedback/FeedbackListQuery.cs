using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Features.Feedback;

/// <summary>
/// The list page's query string exactly as typed. Bound as plain strings so a bad value becomes a message
/// on the page rather than a model-binding error or a 500.
/// </summary>
public sealed partial class FeedbackListQuery
{
    public const int MaxSearchLength = 200;

    public string? Channel { get; set; }
    public string? Status { get; set; }
    public string? Lang { get; set; }
    public string? Customer { get; set; }
    public string? Q { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Cursor { get; set; }

    public bool HasFilters =>
        !string.IsNullOrWhiteSpace(Channel) || !string.IsNullOrWhiteSpace(Status) || !string.IsNullOrWhiteSpace(Lang)
        || !string.IsNullOrWhiteSpace(Customer) || !string.IsNullOrWhiteSpace(Q)
        || !string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(To);

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
        Add("q", Q);
        Add("from", From);
        Add("to", To);
        Add("cursor", cursor);
        return values;
    }

    /// <summary>
    /// Turns the typed values into a filter; each value that cannot be used is named in <paramref name="errors"/> and left out.
    /// Messages come from <paramref name="t"/> when given (the UI's language), else in English.
    /// </summary>
    public FeedbackFilter ToFilter(IReadOnlyCollection<string> channelKeys, List<string> errors, IStringLocalizer? t = null)
    {
        string Text(string format, params object[] args) =>
            t is null ? string.Format(CultureInfo.InvariantCulture, format, args) : t[format, args].Value;

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

        int? customerId = null;
        if (!string.IsNullOrWhiteSpace(Customer))
        {
            if (int.TryParse(Customer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                customerId = id;
            else
                errors.Add(Text("\"{0}\" is not a customer id (a positive whole number); the customer filter was ignored.", Customer.Trim()));
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

        var from = ParseDate(From, endOfDay: false, errors, value => Text("\"{0}\" is not a date (use YYYY-MM-DD); the from date was ignored.", value));
        var to = ParseDate(To, endOfDay: true, errors, value => Text("\"{0}\" is not a date (use YYYY-MM-DD); the to date was ignored.", value));
        if (from is not null && to is not null && from >= to)
        {
            errors.Add(Text("The \"from\" date is after the \"to\" date; the date filter was ignored."));
            from = to = null;
        }

        return new FeedbackFilter
        {
            Channel = channel,
            Status = status,
            Language = language,
            CustomerId = customerId,
            Search = search,
            ReceivedFrom = from,
            ReceivedTo = to,
        };
    }

    /// <summary>
    /// Accepts a date (<c>2025-01-31</c>, as a date input sends it) or an ISO date-time, read as UTC.
    /// A bare "to" date includes that whole day, since the query's upper bound is exclusive.
    /// </summary>
    private static DateTime? ParseDate(string? value, bool endOfDay, List<string> errors, Func<string, string> notADate)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var text = value.Trim();
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, styles, out var day))
            return endOfDay && day < DateTime.MaxValue.Date ? day.AddDays(1) : day;
        if (text.Length <= 40 && DateTime.TryParse(text, CultureInfo.InvariantCulture, styles, out var moment) && text.Contains('T', StringComparison.Ordinal))
            return moment;
        errors.Add(notADate(text));
        return null;
    }

    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTag();
}
