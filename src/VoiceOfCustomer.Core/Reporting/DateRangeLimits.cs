using System.Globalization;

namespace VoiceOfCustomer.Reporting;

/// <summary>
/// The calendar days a person may type into a date filter or a report range, on pages and in the API. Wide enough for any
/// stored voice (intake refuses older ones, see <c>Intake:EarliestReceivedAt</c>), narrow enough that a day's arithmetic
/// (the day after, the week's Monday, a two-year report) never leaves .NET's calendar, which ends on 9999-12-31.
/// </summary>
public static class DateRangeLimits
{
    public static readonly DateOnly Earliest = new(1900, 1, 1);
    public static readonly DateOnly Latest = new(2999, 12, 31);

    /// <summary>"1900-01-01" and "2999-12-31", for messages (ISO 8601, as the dates are typed).</summary>
    public static string EarliestText => Earliest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public static string LatestText => Latest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"between 1900-01-01 and 2999-12-31".</summary>
    public static string Description => $"between {EarliestText} and {LatestText}";

    public static bool Contains(DateOnly day) => day >= Earliest && day <= Latest;

    /// <summary>By the instant's UTC day, as the filters count days.</summary>
    public static bool Contains(DateTimeOffset instant) => Contains(DateOnly.FromDateTime(instant.UtcDateTime));

    public static bool Contains(DateTime utc) => Contains(DateOnly.FromDateTime(utc));
}
