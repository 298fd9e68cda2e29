using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Sla;

/// <summary>
/// The parsed business-hours calendars, by key, for SLA deadline arithmetic. Loaded from the database at start
/// (after the seed files) and again after an Admin edits one. Readers see one complete snapshot: a reload swaps
/// the whole dictionary, so no lock is needed to read.
/// </summary>
public sealed class BusinessCalendarRegistry(ILogger<BusinessCalendarRegistry> logger) : IWorkingTimeCalendars
{
    private volatile IReadOnlyDictionary<string, BusinessCalendar> _calendars = new Dictionary<string, BusinessCalendar>();
    private readonly SemaphoreSlim _loading = new(1, 1);

    public IWorkingTimeCalendar? Find(string key) => Get(key);

    /// <summary>The calendar with this key (case-insensitive), or null when there is none.</summary>
    public BusinessCalendar? Get(string key) => _calendars.GetValueOrDefault(key);

    public IReadOnlyCollection<BusinessCalendar> All => [.. _calendars.Values];

    /// <summary>Reads every stored calendar. One that no longer parses (edited by hand in the database) is logged and left out.</summary>
    public async Task LoadAsync(VocDbContext db, CancellationToken cancellationToken = default)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            var records = await db.BusinessCalendars.AsNoTracking().ToListAsync(cancellationToken);
            var calendars = new Dictionary<string, BusinessCalendar>(StringComparer.OrdinalIgnoreCase);
            foreach (var record in records)
            {
                var (calendar, errors) = BusinessCalendarFormat.FromRecord(record);
                if (calendar is null)
                    logger.LogError("Business calendar {Key} is invalid and is not used: {Errors}", record.Key,
                        string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
                else
                    calendars[record.Key] = calendar;
            }
            _calendars = calendars;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>After an edit: the same as <see cref="LoadAsync"/>, named for the reader.</summary>
    public Task ReloadAsync(VocDbContext db, CancellationToken cancellationToken = default) => LoadAsync(db, cancellationToken);
}
