using System.Globalization;

namespace VoiceOfCustomer.Reporting;

/// <summary>ISO weeks (Monday to Sunday, numbered per ISO 8601), the unit of the weekly reports and their charts.</summary>
public static class IsoWeeks
{
    public static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static DateOnly MondayOf(DateTime day) => MondayOf(DateOnly.FromDateTime(day));

    /// <summary>The last <paramref name="weeks"/> ISO weeks up to today (UTC), the current week included.</summary>
    public static (DateOnly From, DateOnly To) Last(int weeks, DateTime nowUtc)
    {
        var today = DateOnly.FromDateTime(nowUtc);
        return (MondayOf(today).AddDays(-7 * (weeks - 1)), today);
    }

    /// <summary>The Monday of every week that touches [<paramref name="from"/>, <paramref name="to"/>], so an empty week still gets a row.</summary>
    public static IEnumerable<DateOnly> Mondays(DateOnly from, DateOnly to)
    {
        for (var monday = MondayOf(from); monday <= to; monday = monday.AddDays(7))
            yield return monday;
    }

    public static (int Year, int Week) Number(DateOnly day)
    {
        var at = day.ToDateTime(TimeOnly.MinValue);
        return (ISOWeek.GetYear(at), ISOWeek.GetWeekOfYear(at));
    }

    /// <summary>"2026-W07".</summary>
    public static string Label(int year, int week) => string.Create(CultureInfo.InvariantCulture, $"{year}-W{week:00}");
}
