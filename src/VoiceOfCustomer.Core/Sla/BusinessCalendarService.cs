using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Sla;

/// <summary>An Admin's edit of a calendar, as typed: intervals one per line ("Mon 09:00-12:00"), holidays one date per line.</summary>
public sealed record BusinessCalendarInput(string? Name, string? TimeZone, string? Hours, string? Holidays);

public sealed record BusinessCalendarEditResult(bool Saved, bool NotFound, IReadOnlyList<FieldError> Errors);

/// <summary>Validates and saves calendar edits; a refused edit saves nothing. The registry is reloaded after a save.</summary>
public sealed class BusinessCalendarService(VocDbContext db, BusinessCalendarRegistry registry, TimeProvider time)
{
    public Task<List<BusinessCalendarRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        db.BusinessCalendars.AsNoTracking().OrderBy(c => c.Key).ToListAsync(cancellationToken);

    public Task<BusinessCalendarRecord?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        db.BusinessCalendars.AsNoTracking().SingleOrDefaultAsync(c => c.Key == key, cancellationToken);

    /// <summary>The calendar the input describes, or the errors that refuse it (each naming name, timeZone, hours or holidays).</summary>
    public static (BusinessCalendar? Calendar, IReadOnlyList<FieldError> Errors) Validate(string key, BusinessCalendarInput input)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200)
            errors.Add(new FieldError("name", "The calendar needs a name of at most 200 characters."));
        var hours = BusinessCalendarFormat.ParseHoursText(input.Hours, errors);
        var holidays = BusinessCalendarFormat.ParseHolidaysText(input.Holidays, errors);
        var (calendar, calendarErrors) = BusinessCalendar.Create(key, input.TimeZone?.Trim() ?? "", hours, holidays);
        // Lines that did not parse already have their message; Create's "needs an interval" would only repeat it.
        var badLines = errors.Any(e => e.Field == "hours");
        errors.AddRange(calendarErrors.Where(e => !(badLines && e.Field == "hours")).ToList());
        return errors.Count > 0 ? (null, errors) : (calendar, []);
    }

    public async Task<BusinessCalendarEditResult> UpdateAsync(string key, BusinessCalendarInput input, CancellationToken cancellationToken = default)
    {
        var record = await db.BusinessCalendars.SingleOrDefaultAsync(c => c.Key == key, cancellationToken);
        if (record is null)
            return new BusinessCalendarEditResult(false, true, []);
        var (calendar, errors) = Validate(record.Key, input);
        if (calendar is null)
            return new BusinessCalendarEditResult(false, false, errors);

        record.Name = input.Name!.Trim();
        record.TimeZoneId = calendar.TimeZoneId;
        record.HoursJson = BusinessCalendarFormat.HoursToJson(calendar.Hours);
        record.HolidaysJson = BusinessCalendarFormat.HolidaysToJson(calendar.Holidays);
        record.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        await registry.ReloadAsync(db, cancellationToken);
        return new BusinessCalendarEditResult(true, false, []);
    }
}
