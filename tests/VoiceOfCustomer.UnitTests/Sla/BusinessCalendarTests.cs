using VoiceOfCustomer.Sla;

namespace VoiceOfCustomer.UnitTests.Sla;

public sealed class BusinessCalendarTests
{
    private static readonly DateOnly NationalDay = new(2026, 10, 1);

    private static BusinessCalendar Shanghai() => Build("cn-office", "Asia/Shanghai",
        [.. new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(day => new WorkingHours(day, new TimeOnly(9, 0), new TimeOnly(18, 0)))],
        [NationalDay]);

    /// <summary>01:00–05:00 every day, in a zone with daylight saving: the changes happen inside working hours.</summary>
    private static BusinessCalendar BerlinNights() => Build("night-shift", "Europe/Berlin",
        [.. Enum.GetValues<DayOfWeek>().Select(day => new WorkingHours(day, new TimeOnly(1, 0), new TimeOnly(5, 0)))]);

    private static BusinessCalendar Build(string key, string zone, IReadOnlyList<WorkingHours> hours, IEnumerable<DateOnly>? holidays = null)
    {
        var (calendar, errors) = BusinessCalendar.Create(key, zone, hours, holidays);
        Assert.Empty(errors);
        return calendar!;
    }

    private static DateTime Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public void The_weekend_is_skipped()
    {
        // Friday 2026-11-20 17:00 in Shanghai is 09:00 UTC; one hour that day, one on Monday from 09:00 (01:00 UTC).
        var deadline = Shanghai().AddWorkingTime(Utc(2026, 11, 20, 9), TimeSpan.FromHours(2));
        Assert.Equal(Utc(2026, 11, 23, 2), deadline);
    }

    [Fact]
    public void A_holiday_is_skipped()
    {
        // Wednesday 2026-09-30 17:00 local; Thursday 1 October is a holiday; Friday 09:00 + 1 h.
        var deadline = Shanghai().AddWorkingTime(Utc(2026, 9, 30, 9), TimeSpan.FromHours(2));
        Assert.Equal(Utc(2026, 10, 2, 2), deadline);
    }

    [Fact]
    public void Time_before_opening_does_not_count()
    {
        // Monday 07:00 local (Sunday 23:00 UTC) + 1 h = Monday 10:00 local.
        Assert.Equal(Utc(2026, 11, 23, 2), Shanghai().AddWorkingTime(Utc(2026, 11, 22, 23), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void Working_time_between_counts_only_open_hours()
    {
        var calendar = Shanghai();
        Assert.Equal(TimeSpan.FromHours(2), calendar.WorkingTimeBetween(Utc(2026, 11, 20, 9), Utc(2026, 11, 23, 2)));
        Assert.Equal(TimeSpan.FromHours(45), calendar.WorkingTimeBetween(Utc(2026, 11, 23, 0), Utc(2026, 11, 28, 0)));
        Assert.Equal(TimeSpan.Zero, calendar.WorkingTimeBetween(Utc(2026, 11, 23, 2), Utc(2026, 11, 23, 1)));
    }

    [Fact]
    public void A_day_that_springs_forward_has_an_hour_less()
    {
        // Berlin, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 01:00–05:00 holds three real hours.
        var calendar = BerlinNights();
        Assert.Equal(TimeSpan.FromHours(3), calendar.WorkingTimeBetween(Utc(2026, 3, 28, 12), Utc(2026, 3, 29, 12)));
        // From Saturday's close: three hours on Sunday, the fourth from Monday 01:00 CEST (Sunday 23:00 UTC).
        Assert.Equal(Utc(2026, 3, 30, 0), calendar.AddWorkingTime(Utc(2026, 3, 28, 4), TimeSpan.FromHours(4)));
    }

    [Fact]
    public void A_day_that_falls_back_has_an_hour_more()
    {
        // Berlin, Sunday 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 01:00–05:00 holds five real hours.
        var calendar = BerlinNights();
        Assert.Equal(TimeSpan.FromHours(5), calendar.WorkingTimeBetween(Utc(2026, 10, 24, 12), Utc(2026, 10, 25, 12)));
        Assert.Equal(Utc(2026, 10, 25, 4), calendar.AddWorkingTime(Utc(2026, 10, 24, 12), TimeSpan.FromHours(5)));
    }

    [Fact]
    public void Adding_working_time_and_measuring_it_agree()
    {
        var calendar = Shanghai();
        var random = new Random(20261122);
        for (var i = 0; i < 500; i++)
        {
            var start = Utc(2026, 1, 1, 0).AddMinutes(random.Next(0, 365 * 24 * 60));
            var duration = TimeSpan.FromMinutes(random.Next(0, 200 * 60));
            var deadline = calendar.AddWorkingTime(start, duration);
            Assert.True(deadline >= start);
            Assert.Equal(duration, calendar.WorkingTimeBetween(start, deadline));
        }
    }

    [Fact]
    public void An_invalid_calendar_is_refused_naming_each_field()
    {
        var (calendar, errors) = BusinessCalendar.Create("", "Mars/Olympus_Mons",
        [
            new WorkingHours(DayOfWeek.Monday, new TimeOnly(18, 0), new TimeOnly(9, 0)),
            new WorkingHours(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(13, 0)),
            new WorkingHours(DayOfWeek.Tuesday, new TimeOnly(12, 0), new TimeOnly(18, 0)),
        ]);
        Assert.Null(calendar);
        Assert.Equal(["key", "timeZone", "hours[0]", "hours"], errors.Select(e => e.Field));
        Assert.Contains("Tuesday", errors[3].Message);

        var (_, empty) = BusinessCalendar.Create("k", "Asia/Shanghai", []);
        Assert.Equal(["hours"], empty.Select(e => e.Field));
    }

    [Fact]
    public void Negative_working_time_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Shanghai().AddWorkingTime(Utc(2026, 11, 23, 2), TimeSpan.FromHours(-1)));
}
