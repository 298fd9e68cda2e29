using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Sla;

namespace VoiceOfCustomer.UnitTests.Seeding;

public sealed class CalendarSeedFileTests
{
    [Fact]
    public void The_shipped_calendars_load_and_enterprise_counts_in_China_business_hours()
    {
        var data = ReferenceDataFiles.Load(new SeedOptions().ResolveDirectory());

        var cn = data.Calendars.Single(c => c.Key == "cn-business");
        Assert.Equal("Asia/Shanghai", cn.TimeZoneId);
        Assert.Equal(10, cn.Hours.Count);
        Assert.Contains(new DateOnly(2026, 10, 1), cn.Holidays);
        Assert.Contains(new DateOnly(2027, 1, 1), cn.Holidays);
        Assert.Equal("Europe/Berlin", data.Calendars.Single(c => c.Key == "eu-business").TimeZoneId);
        Assert.Equal("cn-business", data.Segments.Single(s => s.Key == "enterprise").CalendarKey);
    }

    public static TheoryData<string, string> InvalidCalendars => new()
    {
        { """{ "key": "x", "name": "X", "timeZone": "Mars/Olympus", "hours": [ { "day": "Mon", "start": "09:00", "end": "17:00" } ] }""", "calendars[0] 'x': timeZone: Unknown time zone 'Mars/Olympus'" },
        { """{ "key": "x", "name": "X", "timeZone": "Europe/Berlin", "hours": [ { "day": "Mon", "start": "17:00", "end": "09:00" } ] }""", "calendars[0] 'x': hours[0]: A working interval must end after it starts" },
        { """{ "key": "x", "name": "X", "timeZone": "Europe/Berlin", "hours": [ { "day": "Mon", "start": "09:00", "end": "13:00" }, { "day": "Monday", "start": "12:00", "end": "17:00" } ] }""", "calendars[0] 'x': hours: Working intervals on Monday overlap." },
        { """{ "key": "x", "name": "X", "timeZone": "Europe/Berlin", "hours": [ { "day": "Mon", "start": "09:00", "end": "17:00" } ], "holidays": [ "2026-02-30" ] }""", "calendars[0] 'x': holidays[0]: '2026-02-30' is not a date" },
        { """{ "key": "x", "name": "X", "timeZone": "Europe/Berlin", "hours": [ { "day": "Funday", "start": "9am", "end": "17:00" } ] }""", "calendars[0] 'x': hours[0].day: 'Funday' is not a weekday" },
        { """{ "key": "x", "name": "X", "timeZone": "Europe/Berlin", "hours": [] }""", "calendars[0] 'x': hours: A calendar needs at least one working interval a week." },
    };

    [Theory]
    [MemberData(nameof(InvalidCalendars))]
    public void An_invalid_calendar_stops_loading_naming_file_entry_and_field(string entry, string expected)
    {
        using var folder = SeedFolder.CopyOfShipped();
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Calendars), $$"""{ "calendars": [ {{entry}} ] }""");
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Segments), """{ "segments": [ { "key": "a", "name": "A" } ] }""");

        var error = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.Path));
        Assert.Contains("calendars.json: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_segment_naming_an_unknown_calendar_is_refused()
    {
        using var folder = SeedFolder.CopyOfShipped();
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Segments), """{ "segments": [ { "key": "a", "name": "A", "calendarKey": "moon-hours" } ] }""");

        var error = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.Path));
        Assert.Contains("segments.json: segments[0] 'a': calendarKey 'moon-hours' is not a key in calendars.json.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_calendars_file_there_are_no_calendars()
    {
        using var folder = SeedFolder.CopyOfShipped();
        File.Delete(Path.Combine(folder.Path, ReferenceDataFiles.Calendars));
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Segments), """{ "segments": [ { "key": "a", "name": "A" } ] }""");
        Assert.Empty(ReferenceDataFiles.Load(folder.Path).Calendars);
    }

    [Fact]
    public void The_edit_page_text_round_trips_and_bad_lines_name_the_field()
    {
        var errors = new List<VoiceOfCustomer.Intake.FieldError>();
        var hours = BusinessCalendarFormat.ParseHoursText("Mon 09:00-12:00\r\nmonday 13:00-18:00\n\nSun 22:00-24:00", errors);
        Assert.Empty(errors);
        Assert.Equal("Mon 09:00-12:00\nMon 13:00-18:00\nSun 22:00-24:00", BusinessCalendarFormat.HoursToText(hours));

        BusinessCalendarFormat.ParseHoursText("Mon 9-12", errors);
        BusinessCalendarFormat.ParseHolidaysText("2026-10-01\n1 Oct", errors);
        Assert.Equal(["hours", "holidays"], errors.Select(e => e.Field));
        Assert.Equal("Line 2 ('1 Oct') is not a date such as 2026-10-01.", errors[1].Message);
    }

    private sealed class SeedFolder : IDisposable
    {
        public required string Path { get; init; }

        public static SeedFolder CopyOfShipped()
        {
            var folder = Directory.CreateTempSubdirectory("voc-seed-");
            foreach (var file in Directory.EnumerateFiles(new SeedOptions().ResolveDirectory(), "*.json"))
                File.Copy(file, System.IO.Path.Combine(folder.FullName, System.IO.Path.GetFileName(file)));
            return new SeedFolder { Path = folder.FullName };
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
