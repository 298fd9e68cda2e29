using Cronos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>
/// Starts the cron-triggered flows. Each definition's last handled occurrence is a row (<see cref="WorkflowSchedule"/>), so an
/// occurrence that fell while no app instance ran is found at the next pass after start-up; each occurrence starts under its
/// run key, unique in the database, so any number of app instances start it once.
/// </summary>
public sealed class FlowSchedules(
    WorkflowDefinitionCatalog catalog,
    FlowStarter starter,
    IWorkingTimeCalendars calendars,
    IWorkflowWriteGate gate,
    IOptions<OrganisationOptions> organisation,
    IOptions<FlowOptions> options,
    TimeProvider time,
    ILogger<FlowSchedules> logger)
{
    /// <summary>Starts every occurrence that is due; returns how many instances it started.</summary>
    public async Task<int> StartDueAsync(DbContext db, CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var published in catalog.Latest.Where(p => p.Definition.Flow?.Trigger.Cron is not null))
            started += await StartDueAsync(db, published, cancellationToken);
        return started;
    }

    private async Task<int> StartDueAsync(DbContext db, PublishedWorkflow published, CancellationToken cancellationToken)
    {
        var definition = published.Definition;
        var trigger = definition.Flow!.Trigger;
        var now = time.GetUtcNow().UtcDateTime;
        var zone = FlowStarter.OrganisationZone(organisation.Value);
        var schedule = await db.Set<WorkflowSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.DefinitionId == definition.Id, cancellationToken);
        // Before the first occurrence is handled, the schedule counts from when the definition was first loaded.
        var from = schedule?.LastOccurrence ?? await db.Set<WorkflowDefinitionRecord>().Where(r => r.DefinitionId == definition.Id)
            .MinAsync(r => (DateTime?)r.LoadedAt, cancellationToken) ?? now;
        from = DateTime.SpecifyKind(from, DateTimeKind.Utc);

        var cron = CronExpression.Parse(trigger.Cron!, CronFormat.Standard);
        var due = new List<(DateTime Occurrence, DateTime StartsAt)>();
        foreach (var occurrence in cron.GetOccurrences(from, now, zone, fromInclusive: false, toInclusive: true))
        {
            var startsAt = trigger.FirstWorkingDayOnOrAfter ? FirstWorkingDayOnOrAfter(occurrence, zone) : occurrence;
            if (startsAt > now)
                break; // Its working day has not come yet; later occurrences wait behind it.
            due.Add((occurrence, startsAt));
        }
        if (due.Count == 0)
            return 0;
        var max = Math.Max(1, options.Value.MaxMissedOccurrences);
        if (due.Count > max)
        {
            logger.LogWarning("Workflow {DefinitionId}: {Missed} cron occurrences were missed; starting the latest {Max}, skipping those from {First:u} to {Last:u}.",
                definition.Id, due.Count, max, due[0].Occurrence, due[due.Count - max - 1].Occurrence);
            due = due[^max..];
        }

        var started = 0;
        foreach (var (occurrence, _) in due)
        {
            var key = RunKeys.Fill(trigger.RunKey ?? "{id}:{date}", definition.Id, TimeZoneInfo.ConvertTimeFromUtc(occurrence, zone));
            var result = await starter.StartAsync(db, definition.Id, key, null, 0, null, "cron", cancellationToken);
            if (result.Outcome == StartOutcome.Started)
            {
                started++;
                logger.LogInformation("Workflow {DefinitionId}: cron occurrence {Occurrence:u} started run {RunKey}", definition.Id, occurrence, key);
            }
            await RememberAsync(db, definition.Id, occurrence, cancellationToken);
        }
        return started;
    }

    /// <summary>The occurrence's time of day on the first working day (of <c>Organisation:CalendarKey</c>, else Monday to Friday) on or after it.</summary>
    public DateTime FirstWorkingDayOnOrAfter(DateTime occurrenceUtc, TimeZoneInfo zone)
    {
        var calendar = organisation.Value.CalendarKey is { } key ? calendars.Find(key) : null;
        var local = TimeZoneInfo.ConvertTimeFromUtc(occurrenceUtc, zone);
        for (var i = 0; i < 60; i++)
        {
            var day = local.Date.AddDays(i);
            var dayStart = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day, DateTimeKind.Unspecified), zone);
            var dayEnd = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.AddDays(1), DateTimeKind.Unspecified), zone);
            var working = calendar is not null
                ? calendar.WorkingTimeBetween(dayStart, dayEnd) > TimeSpan.Zero
                : day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
            if (working)
                return i == 0 ? occurrenceUtc : TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day + local.TimeOfDay, DateTimeKind.Unspecified), zone);
        }
        return occurrenceUtc;
    }

    private async Task RememberAsync(DbContext db, string definitionId, DateTime occurrence, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        using var _ = await gate.EnterAsync(cancellationToken);
        var updated = await db.Set<WorkflowSchedule>().Where(s => s.DefinitionId == definitionId && s.LastOccurrence < occurrence)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastOccurrence, occurrence).SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (updated > 0 || await db.Set<WorkflowSchedule>().AnyAsync(s => s.DefinitionId == definitionId, cancellationToken))
            return;
        db.Set<WorkflowSchedule>().Add(new WorkflowSchedule { DefinitionId = definitionId, LastOccurrence = occurrence, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another app instance wrote the row first; its occurrence is the same or later.
            db.ChangeTracker.Clear();
        }
    }
}
