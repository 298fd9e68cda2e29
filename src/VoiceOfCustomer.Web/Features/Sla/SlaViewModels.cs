using System.Globalization;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Reporting;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Web.Features.Coding;

namespace VoiceOfCustomer.Web.Features.Sla;

/// <summary>Date range of the report and the escalations list, as typed (yyyy-MM-dd); a bad value becomes a message.</summary>
public sealed class SlaRangeQuery
{
    public string? From { get; set; }
    public string? To { get; set; }

    public static DateOnly? ParseDate(string? text, string label, List<string> errors, IStringLocalizer t)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            errors.Add(t["{0}: '{1}' is not a date such as 2026-03-31; it was ignored.", t[label], text.Trim()]);
        else if (!DateRangeLimits.Contains(date))
            // The report counts whole days and weeks around its range; at the calendar's ends those do not exist.
            errors.Add(t["{0}: '{1}' is not between {2} and {3}; it was ignored.", t[label], text.Trim(), DateRangeLimits.EarliestText, DateRangeLimits.LatestText]);
        else
            return date;
        return null;
    }
}

public sealed class BreachedQuery
{
    public string? Segment { get; set; }
    public string? Owner { get; set; }
    public string? Channel { get; set; }
    public string? Cursor { get; set; }

    public Dictionary<string, string> RouteValues(string? cursor = null)
    {
        var values = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(Segment)) values["segment"] = Segment.Trim();
        if (!string.IsNullOrWhiteSpace(Owner)) values["owner"] = Owner.Trim();
        if (!string.IsNullOrWhiteSpace(Channel)) values["channel"] = Channel.Trim();
        if (cursor is not null) values["cursor"] = cursor;
        return values;
    }
}

public sealed class EscalationsQuery
{
    public string? Level { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
    public string? Cursor { get; set; }

    public Dictionary<string, string> RouteValues(string? cursor = null)
    {
        var values = new Dictionary<string, string>();
        if (!string.IsNullOrWhiteSpace(Level)) values["level"] = Level.Trim();
        if (!string.IsNullOrWhiteSpace(From)) values["from"] = From.Trim();
        if (!string.IsNullOrWhiteSpace(To)) values["to"] = To.Trim();
        if (cursor is not null) values["cursor"] = cursor;
        return values;
    }
}

public sealed class ComplianceViewModel
{
    public required ComplianceReport Report { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public string RangeQuery => string.Create(CultureInfo.InvariantCulture, $"from={Report.From:yyyy-MM-dd}&to={Report.To:yyyy-MM-dd}");
}

public sealed class BreachedViewModel
{
    public const int PageSize = 50;
    public required BreachedQuery Query { get; init; }
    public required IReadOnlyList<BreachedItem> Items { get; init; }
    public required IReadOnlyList<NamedOption> Segments { get; init; }
    public required IReadOnlyList<UserOption> Csms { get; init; }
    public required IReadOnlyList<string> ChannelKeys { get; init; }
    public required IReadOnlyDictionary<string, string> UserNames { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public required DateTime Now { get; init; }
    public string? NextCursor { get; init; }
    public bool IsLaterPage { get; init; }
}

public sealed class EscalationsViewModel
{
    public const int PageSize = 50;
    public required EscalationsQuery Query { get; init; }
    public required IReadOnlyList<EscalationItem> Items { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public string? NextCursor { get; init; }
    public bool IsLaterPage { get; init; }
}

public sealed class CalendarListViewModel
{
    public required IReadOnlyList<BusinessCalendarRecord> Calendars { get; init; }
}

public sealed class CalendarEditViewModel
{
    public required BusinessCalendarRecord Record { get; init; }
    public required BusinessCalendarInput Input { get; init; }
    public required IReadOnlyList<VoiceOfCustomer.Intake.FieldError> Errors { get; init; }
    public required bool CanEdit { get; init; }
    public bool Saved { get; init; }

    /// <summary>When 48 h of working time from now ends, in the stored calendar; null when the stored one does not parse.</summary>
    public DateTime? PreviewEnd { get; init; }
    public required DateTime Now { get; init; }

    public IEnumerable<VoiceOfCustomer.Intake.FieldError> ErrorsFor(string field) =>
        Errors.Where(e => e.Field == field || e.Field.StartsWith(field + "[", StringComparison.Ordinal) || e.Field.StartsWith(field + ".", StringComparison.Ordinal));
}

/// <summary>The SLA panel of the feedback detail page.</summary>
public sealed class SlaPanelModel
{
    public DateTime? DueAt { get; init; }
    public DateTime? BreachedAt { get; init; }
    public bool Paused { get; init; }
    public bool Done { get; init; }
    public required DateTime Now { get; init; }
    public required IReadOnlyList<EscalationItem> Escalations { get; init; }
    public DeadlineState? Deadline => DueAt is { } due && !Done ? DeadlineState.Of(due, Now) : null;
}

public static class SlaDisplay
{
    /// <summary>"2 d 3 h" or "3 h 10 m", as the coding queue writes time left.</summary>
    public static string Span(IStringLocalizer t, DeadlineState deadline) => deadline.Days > 0
        ? t["{0} d {1} h", deadline.Days, deadline.Hours]
        : t["{0} h {1} m", deadline.Hours, deadline.Minutes];

    public static string Span(IStringLocalizer t, TimeSpan span) => Span(t, DeadlineState.Of(DateTime.UnixEpoch + span, DateTime.UnixEpoch));

    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.CurrentCulture) + " %" : "—";

    /// <summary>Green at 90 % and above, amber from 75 %, red below: the bar colours of the weekly chart.</summary>
    public static string ComplianceColour(double? percent) => percent switch
    {
        >= 90 => "#2e7d32",
        >= 75 => "#b7791f",
        _ => "#c62828",
    };
}
