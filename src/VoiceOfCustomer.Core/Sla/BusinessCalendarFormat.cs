using System.Globalization;
using System.Text.Json;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Sla;

/// <summary>
/// The ways a calendar is written down: the JSON of the seed file and of <see cref="BusinessCalendarRecord"/>, and
/// the one-interval-per-line text of the edit page ("Mon 09:00-12:00"). Every problem is a field error.
/// </summary>
public static class BusinessCalendarFormat
{
    public const string TimeFormat = "HH:mm";
    public const string DateFormat = "yyyy-MM-dd";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record HoursDto(string? Day, string? Start, string? End);

    /// <summary>Reads a weekday: the English name or its three-letter short form, any case.</summary>
    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var name = candidate.ToString();
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase) || string.Equals(text, name[..3], StringComparison.OrdinalIgnoreCase))
            {
                day = candidate;
                return true;
            }
        }
        return false;
    }

    /// <summary>"09:00"; "24:00" is the end of the day (stored as midnight, which the calendar reads as such).</summary>
    public static bool TryParseTime(string? text, out TimeOnly time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (text == "24:00")
            return true;
        return TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    public static string FormatTime(TimeOnly time, bool isEnd = false) =>
        isEnd && time == TimeOnly.MinValue ? "24:00" : time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static IReadOnlyList<WorkingHours> ParseHours(IReadOnlyList<HoursDto?>? entries, string field, List<FieldError> errors)
    {
        var hours = new List<WorkingHours>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var entry = entries![i];
            var at = $"{field}[{i}]";
            if (entry is null)
            {
                errors.Add(new FieldError(at, "A working interval is empty."));
                continue;
            }
            var ok = true;
            if (!TryParseDay(entry.Day, out var day))
            {
                errors.Add(FieldError.Format(at + ".day", "'{0}' is not a weekday such as Monday or Mon.", entry.Day));
                ok = false;
            }
            if (!TryParseTime(entry.Start, out var start))
            {
                errors.Add(FieldError.Format(at + ".start", "'{0}' is not a time such as 09:00.", entry.Start));
                ok = false;
            }
            if (!TryParseTime(entry.End, out var end))
            {
                errors.Add(FieldError.Format(at + ".end", "'{0}' is not a time such as 18:00.", entry.End));
                ok = false;
            }
            if (ok)
                hours.Add(new WorkingHours(day, start, end));
        }
        return hours;
    }

    public static IReadOnlyList<DateOnly> ParseHolidays(IReadOnlyList<string?>? entries, string field, List<FieldError> errors)
    {
        var dates = new List<DateOnly>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var text = entries![i]?.Trim();
            if (!DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                errors.Add(FieldError.Format($"{field}[{i}]", "'{0}' is not a date such as 2026-10-01.", text));
            else if (!DateRangeLimits.Contains(date))
                errors.Add(FieldError.Format($"{field}[{i}]", "'{0}' is not between {1} and {2}.", text, DateRangeLimits.EarliestText, DateRangeLimits.LatestText));
            else
                dates.Add(date);
        }
        return dates;
    }

    public static string HoursToJson(IEnumerable<WorkingHours> hours) => JsonSerializer.Serialize(
        hours.Select(h => new HoursDto(h.Day.ToString(), FormatTime(h.Start), FormatTime(h.End, isEnd: true))), Json);

    public static string HolidaysToJson(IEnumerable<DateOnly> holidays) => JsonSerializer.Serialize(
        holidays.Order().Select(d => d.ToString(DateFormat, CultureInfo.InvariantCulture)), Json);

    /// <summary>The calendar a stored record describes, or why it cannot be one.</summary>
    public static (BusinessCalendar? Calendar, IReadOnlyList<FieldError> Errors) FromRecord(BusinessCalendarRecord record)
    {
        var errors = new List<FieldError>();
        List<HoursDto?>? hours = null;
        List<string?>? holidays = null;
        try
        {
            hours = JsonSerializer.Deserialize<List<HoursDto?>>(record.HoursJson, Json);
            holidays = JsonSerializer.Deserialize<List<string?>>(record.HolidaysJson, Json);
        }
        catch (JsonException error)
        {
            errors.Add(new FieldError("hours", "The stored calendar is not valid JSON: " + error.Message));
        }
        var parsedHours = ParseHours(hours, "hours", errors);
        var parsedHolidays = ParseHolidays(holidays, "holidays", errors);
        if (errors.Count > 0)
            return (null, errors);
        return BusinessCalendar.Create(record.Key, record.TimeZoneId, parsedHours, parsedHolidays);
    }

    /// <summary>One interval a line, "Mon 09:00-12:00", in day then start order.</summary>
    public static string HoursToText(IEnumerable<WorkingHours> hours) => string.Join("\n",
        hours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.Start)
            .Select(h => $"{h.Day.ToString()[..3]} {FormatTime(h.Start)}-{FormatTime(h.End, isEnd: true)}"));

    public static string HolidaysToText(IEnumerable<DateOnly> holidays) =>
        string.Join("\n", holidays.Order().Select(d => d.ToString(DateFormat, CultureInfo.InvariantCulture)));

    /// <summary>Parses the edit page's lines ("Mon 09:00-12:00", blank lines ignored); errors name the field and the line.</summary>
    public static IReadOnlyList<WorkingHours> ParseHoursText(string? text, List<FieldError> errors)
    {
        var hours = new List<WorkingHours>();
        var lines = (text ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var range = parts.Length == 2 ? parts[1].Split(['-', '–'], 2, StringSplitOptions.TrimEntries) : [];
            if (parts.Length != 2 || range.Length != 2 || !TryParseDay(parts[0], out var day)
                || !TryParseTime(range[0], out var start) || !TryParseTime(range[1], out var end))
            {
                errors.Add(FieldError.Format("hours", "Line {0} ('{1}') is not a working interval such as Mon 09:00-12:00.", i + 1, line));
                continue;
            }
            hours.Add(new WorkingHours(day, start, end));
        }
        return hours;
    }

    public static IReadOnlyList<DateOnly> ParseHolidaysText(string? text, List<FieldError> errors)
    {
        var dates = new List<DateOnly>();
        var lines = (text ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            if (!DateOnly.TryParseExact(line, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                errors.Add(FieldError.Format("holidays", "Line {0} ('{1}') is not a date such as 2026-10-01.", i + 1, line));
            else if (!DateRangeLimits.Contains(date))
                errors.Add(FieldError.Format("holidays", "Line {0} ('{1}') is not between {2} and {3}.", i + 1, line, DateRangeLimits.EarliestText, DateRangeLimits.LatestText));
            else
                dates.Add(date);
        }
        return dates.Distinct().ToList();
    }
}
