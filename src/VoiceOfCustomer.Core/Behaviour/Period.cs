using System.Globalization;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Behaviour;

/// <summary>
/// A reporting period as the API and the CSV files write it: a quarter (<c>2026Q3</c>, July to September) or a month
/// (<c>2026-09</c>). <see cref="Text"/> is the canonical spelling that is stored, so <c>2026q3</c> and <c>2026Q3</c> are one period.
/// </summary>
public readonly partial record struct Period(DateOnly Start, int Months)
{
    public const int MaxLength = 7;

    public DateOnly EndExclusive => Start.AddMonths(Months);

    /// <summary>The last day of the period.</summary>
    public DateOnly LastDay => EndExclusive.AddDays(-1);

    public bool IsQuarter => Months == 3;

    public string Text => IsQuarter
        ? string.Create(CultureInfo.InvariantCulture, $"{Start.Year:D4}Q{(Start.Month + 2) / 3}")
        : string.Create(CultureInfo.InvariantCulture, $"{Start.Year:D4}-{Start.Month:D2}");

    /// <summary>The quarter the period falls in (itself for a quarter).</summary>
    public Period Quarter => QuarterOf(Start);

    public override string ToString() => Text;

    public static Period QuarterOf(DateOnly day) => new(new DateOnly(day.Year, (day.Month - 1) / 3 * 3 + 1, 1), 3);

    public static Period QuarterOf(DateTime utc) => QuarterOf(DateOnly.FromDateTime(utc));

    public static Period MonthOf(DateOnly day) => new(new DateOnly(day.Year, day.Month, 1), 1);

    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success)
            return false;
        var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
        if (year < 1900)
            return false;
        if (match.Groups["quarter"].Success)
        {
            period = new(new DateOnly(year, (match.Groups["quarter"].Value[0] - '1') * 3 + 1, 1), 3);
            return true;
        }
        var month = int.Parse(match.Groups["month"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12)
            return false;
        period = new(new DateOnly(year, month, 1), 1);
        return true;
    }

    /// <summary>The period <paramref name="text"/> names; throws <see cref="FormatException"/> with the accepted forms otherwise.</summary>
    public static Period Parse(string text) =>
        TryParse(text, out var period) ? period : throw new FormatException(FormatMessage(text));

    public static string FormatMessage(string? text) =>
        $"'{text}' is not a period: write a quarter as 2026Q3 or a month as 2026-09.";

    [GeneratedRegex(@"^(?<year>[0-9]{4})(?:[Qq](?<quarter>[1-4])|-(?<month>[0-9]{2}))$")]
    private static partial Regex Pattern();
}
