using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Sla;

/// <summary>A working interval on one weekday, in the calendar's local wall-clock time.</summary>
public sealed record WorkingHours(DayOfWeek Day, TimeOnly Start, TimeOnly End);

/// <summary>
/// Working time of a team: a time zone, weekly working intervals and holidays. SLA deadlines of segments
/// whose policy names a calendar are counted in this time, not the wall clock's. Intervals are wall-clock
/// times, so a working day that loses an hour to daylight saving really is an hour shorter.
/// </summary>
public sealed class BusinessCalendar : Workflows.Runtime.IWorkingTimeCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly ILookup<DayOfWeek, WorkingHours> _byDay;
    private readonly HashSet<DateOnly> _holidays;

    private BusinessCalendar(string key, TimeZoneInfo zone, IReadOnlyList<WorkingHours> hours, IEnumerable<DateOnly> holidays)
    {
        Key = key;
        _zone = zone;
        Hours = hours;
        _byDay = hours.OrderBy(h => h.Start).ToLookup(h => h.Day);
        _holidays = [.. holidays];
    }

    public string Key { get; }
    public string TimeZoneId => _zone.Id;
    public IReadOnlyList<WorkingHours> Hours { get; }
    public IReadOnlyCollection<DateOnly> Holidays => _holidays;

    /// <summary>A calendar, or the reasons it is refused, each naming the field.</summary>
    public static (BusinessCalendar? Calendar, IReadOnlyList<FieldError> Errors) Create(
        string key, string timeZoneId, IReadOnlyList<WorkingHours> hours, IEnumerable<DateOnly>? holidays = null)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(key))
            errors.Add(new("key", "The calendar needs a key."));
        TimeZoneInfo? zone = null;
        if (string.IsNullOrWhiteSpace(timeZoneId) || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out zone))
            errors.Add(FieldError.Format("timeZone", "Unknown time zone '{0}'; use an IANA id such as 'Asia/Shanghai' or 'Europe/Berlin'.", timeZoneId));
        for (var i = 0; i < hours.Count; i++)
        {
            if (hours[i].End <= hours[i].Start && hours[i].End != TimeOnly.MinValue)
                errors.Add(FieldError.Format($"hours[{i}]", "A working interval must end after it starts ({0} {1}–{2}).", hours[i].Day, hours[i].Start, hours[i].End));
        }
        foreach (var day in hours.GroupBy(h => h.Day))
        {
            var ordered = day.OrderBy(h => h.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].Start < EndOf(ordered[i - 1]))
                    errors.Add(FieldError.Format("hours", "Working intervals on {0} overlap.", day.Key));
            }
        }
        if (hours.Count == 0)
            errors.Add(new("hours", "A calendar needs at least one working interval a week."));
        return errors.Count > 0 ? (null, errors) : (new BusinessCalendar(key, zone!, hours, holidays ?? []), []);
    }

    /// <summary>The instant (UTC) at which <paramref name="workingTime"/> of working time has passed since <paramref name="startUtc"/>.</summary>
    public DateTime AddWorkingTime(DateTime startUtc, TimeSpan workingTime)
    {
        if (workingTime < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(workingTime), "Working time cannot be negative.");
        var remaining = workingTime;
        foreach (var (from, to) in IntervalsFrom(startUtc))
        {
            var available = to - from;
            if (remaining <= available)
                return from + remaining;
            remaining -= available;
        }
        throw new InvalidOperationException("Unreachable: a valid calendar has working time every week.");
    }

    /// <summary>Working time between two instants (zero when <paramref name="toUtc"/> is not later).</summary>
    public TimeSpan WorkingTimeBetween(DateTime fromUtc, DateTime toUtc)
    {
        var total = TimeSpan.Zero;
        if (toUtc <= fromUtc)
            return total;
        foreach (var (from, to) in IntervalsFrom(fromUtc))
        {
            if (from >= toUtc)
                break;
            total += (to < toUtc ? to : toUtc) - from;
        }
        return total;
    }

    /// <summary>Working intervals in UTC from <paramref name="startUtc"/> on, the first one clipped to start there.</summary>
    private IEnumerable<(DateTime From, DateTime To)> IntervalsFrom(DateTime startUtc)
    {
        startUtc = DateTime.SpecifyKind(startUtc, DateTimeKind.Utc);
        var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(startUtc, _zone)).AddDays(-1);
        // Eight years without a single working interval cannot come from a valid calendar; stop rather than spin.
        for (var days = 0; days < 366 * 8; days++, localDay = localDay.AddDays(1))
        {
            if (_holidays.Contains(localDay))
                continue;
            foreach (var hours in _byDay[localDay.DayOfWeek])
            {
                var from = ToUtc(localDay, hours.Start);
                var to = ToUtc(hours.End == TimeOnly.MinValue ? localDay.AddDays(1) : localDay, hours.End);
                if (to <= startUtc)
                    continue;
                yield return (from < startUtc ? startUtc : from, to);
            }
        }
    }

    /// <summary>Local wall-clock time to UTC. A time skipped by a spring-forward change means the moment the clocks jump to.</summary>
    private DateTime ToUtc(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        // For a time that occurs twice (fall-back), the first occurrence: the larger offset.
        var offset = _zone.IsAmbiguousTime(local) ? _zone.GetAmbiguousTimeOffsets(local).Max() : _zone.GetUtcOffset(local);
        return DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
    }

    private static TimeOnly EndOf(WorkingHours hours) => hours.End == TimeOnly.MinValue ? TimeOnly.MaxValue : hours.End;
}
