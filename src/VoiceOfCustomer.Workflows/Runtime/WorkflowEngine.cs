using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>
/// Moves instances on: starts them for new subjects, applies signals, fires due timers. Every method works on
/// rows its caller has claimed and only adds changes to the caller's <see cref="DbContext"/>; the caller
/// (the <see cref="WorkflowDispatcher{TContext}"/>) commits state, timers, escalations and e-mails in one
/// transaction, so a crash leaves either all of a step or none of it.
/// </summary>
public sealed class WorkflowEngine(
    IWorkflowVersions versions,
    IWorkingTimeCalendars calendars,
    IEnumerable<IWorkflowActivity> activities,
    IEnumerable<IWorkflowSubjectSource> subjectSources,
    TimeProvider time,
    ILogger<WorkflowEngine> logger)
{
    /// <summary>Names this process in <see cref="WorkflowTimer.FiredBy"/>.</summary>
    public static readonly string NodeName = $"{Environment.MachineName}:{Environment.ProcessId}";

    private readonly Dictionary<string, IWorkflowActivity> _activities = activities.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, IWorkflowSubjectSource> _sources = subjectSources.ToDictionary(s => s.SubjectType, StringComparer.Ordinal);

    /// <summary>Timers this engine has loaded or added in the current batch (the engine lives for one batch).</summary>
    private readonly List<WorkflowTimer> _batchTimers = [];

    /// <summary>Instances paused or ended in the current batch, whose pending timers in the database are cancelled at its end.</summary>
    private readonly List<long> _stoppedInstances = [];

    public IReadOnlyCollection<IWorkflowSubjectSource> SubjectSources => _sources.Values;

    public static string TimerKey(WorkflowInstance instance, string milestone) => $"{instance.DefinitionId}:{instance.Id}:{milestone}";

    /// <summary>Starts the latest version of every definition on <paramref name="source"/>'s subject type for each new subject.</summary>
    public async Task<int> StartNewAsync(DbContext db, IWorkflowSubjectSource source, IReadOnlyList<SubjectFacts> subjects, CancellationToken cancellationToken)
    {
        var started = 0;
        foreach (var version in versions.LatestFor(source.SubjectType))
            started += await StartAsync(db, source, version, subjects, cancellationToken);
        return started;
    }

    /// <summary>
    /// Applies signals to the instances of their subjects. Signals say that something changed; what changed is
    /// read from the subject itself, so signals handled out of order (two app instances) still end in the right state.
    /// </summary>
    public async Task ApplySignalsAsync(DbContext db, IWorkflowSubjectSource source, IReadOnlyList<WorkflowSignal> signals, CancellationToken cancellationToken)
    {
        if (signals.Count == 0)
            return;
        var now = time.GetUtcNow().UtcDateTime;
        var subjectIds = signals.Select(s => s.SubjectId).Distinct().ToList();
        var facts = await source.LoadAsync(db, subjectIds, cancellationToken);
        var deadlines = new Dictionary<long, DateTime?>();

        foreach (var version in versions.LatestFor(source.SubjectType))
        {
            var definition = version.Definition;
            var relevant = signals.Where(s => definition.Signals.ContainsKey(s.Type)).GroupBy(s => s.SubjectId).ToList();
            if (relevant.Count == 0)
                continue;
            var ids = relevant.Select(g => g.Key).ToList();
            var live = await LiveInstancesAsync(db, definition.Id, source.SubjectType, ids, cancellationToken);
            var toStart = new List<SubjectFacts>();
            foreach (var group in relevant)
            {
                if (!facts.TryGetValue(group.Key, out var subject))
                {
                    if (live.TryGetValue(group.Key, out var orphan))
                        Complete(orphan, now, "subject-gone");
                    continue;
                }
                if (live.TryGetValue(group.Key, out var instance))
                {
                    var pinned = await versions.GetAsync(db, instance.DefinitionRecordId, cancellationToken);
                    var reason = group.Last().Type;
                    var deadline = await ReconcileAsync(db, instance, pinned, subject, MomentOf(group, instance, now), reason, cancellationToken);
                    if (deadline is not null)
                        deadlines[subject.Id] = deadline.Value;
                    continue;
                }
                var wantsStart = group.Any(s => definition.Signals[s.Type] is SignalAction.Start or SignalAction.Resume);
                if (wantsStart && subject.State != SubjectState.Done)
                    toStart.Add(subject);
            }
            if (toStart.Count > 0)
                await StartAsync(db, source, version, toStart, cancellationToken);
        }
        await CancelStoppedInstancesTimersAsync(db, cancellationToken);
        if (deadlines.Count > 0)
            await source.DeadlineChangedAsync(db, deadlines, cancellationToken);
    }

    /// <summary>
    /// When the change the signals report happened: the latest signal's moment rather than the moment it was delivered,
    /// so a pause stops the clock when the CSM asked the customer even if the dispatcher hears of it later (after
    /// downtime, or when the demo history is replayed). Never later than now, never before the instance last changed.
    /// </summary>
    private static DateTime MomentOf(IEnumerable<WorkflowSignal> signals, WorkflowInstance instance, DateTime now)
    {
        var at = DateTime.SpecifyKind(signals.Max(s => s.OccurredAt), DateTimeKind.Utc);
        if (at > now)
            at = now;
        return at < instance.UpdatedAt ? DateTime.SpecifyKind(instance.UpdatedAt, DateTimeKind.Utc) : at;
    }

    /// <summary>Fires claimed due timers, oldest first: runs their milestones' activities and schedules the next milestone.</summary>
    public async Task<int> FireAsync(DbContext db, IReadOnlyList<WorkflowTimer> timers, CancellationToken cancellationToken)
    {
        if (timers.Count == 0)
            return 0;
        var now = time.GetUtcNow().UtcDateTime;
        _batchTimers.AddRange(timers);
        var instanceIds = timers.Select(t => t.InstanceId).Distinct().ToList();
        var instances = await db.Set<WorkflowInstance>().Where(i => instanceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);

        var facts = new Dictionary<(string, long), SubjectFacts>();
        foreach (var bySubjectType in instances.Values.GroupBy(i => i.SubjectType))
        {
            if (!_sources.TryGetValue(bySubjectType.Key, out var source))
                continue;
            var loaded = await source.LoadAsync(db, bySubjectType.Select(i => i.SubjectId).Distinct().ToList(), cancellationToken);
            foreach (var (id, subject) in loaded)
                facts[(bySubjectType.Key, id)] = subject;
        }

        var executions = new List<ActivityExecution>();
        var deadlines = new Dictionary<string, Dictionary<long, DateTime?>>();
        var fired = 0;
        foreach (var timer in timers.OrderBy(t => t.ResumeAt).ThenBy(t => t.Id))
        {
            if (!instances.TryGetValue(timer.InstanceId, out var instance) || instance.Status != WorkflowInstanceStatus.Running)
            {
                timer.State = WorkflowTimerState.Cancelled;
                continue;
            }
            var definition = await versions.GetAsync(db, instance.DefinitionRecordId, cancellationToken);
            if (!facts.TryGetValue((instance.SubjectType, instance.SubjectId), out var subject))
            {
                timer.State = WorkflowTimerState.Cancelled;
                Complete(instance, now, "subject-gone");
                continue;
            }
            if (subject.State != SubjectState.Open)
            {
                // A signal is still on its way (or was handled out of order): the subject's own state wins.
                var changed = await ReconcileAsync(db, instance, definition, subject, now, "timer-check", cancellationToken);
                if (changed is not null)
                    DeadlinesOf(deadlines, instance.SubjectType)[instance.SubjectId] = changed;
                continue;
            }
            var milestone = definition.Milestones.FirstOrDefault(m => m.Name == timer.Milestone);
            if (milestone is null || FiredMilestones(instance).Contains(timer.Milestone))
            {
                timer.State = WorkflowTimerState.Cancelled;
                continue;
            }

            // A timer never fires before it is due. A caller that hands over a stretch of timers ahead of the clock
            // (the demo history's replay) gets each fired at its own moment; due timers fire now.
            var firedAt = timer.ResumeAt > now ? timer.ResumeAt : now;
            timer.State = WorkflowTimerState.Fired;
            timer.FiredAt = firedAt;
            timer.FiredBy = NodeName;
            instance.FiredMilestones = instance.FiredMilestones.Length == 0 ? milestone.Name : instance.FiredMilestones + "," + milestone.Name;
            instance.UpdatedAt = firedAt;
            fired++;

            var calendar = CalendarOf(instance);
            var dueAt = InstanceClock.When(instance, instance.Target, calendar);
            var beforeArrival = subject.ArrivedAt is { } arrived && timer.ResumeAt < arrived;
            foreach (var step in milestone.Activities)
                executions.Add(new ActivityExecution(instance, definition, milestone, step, timer.Key, firedAt, dueAt, timer.ResumeAt, beforeArrival));
            // Only the first unfired milestone is ever scheduled, so the next one has no timer row yet.
            await ScheduleNextAsync(db, instance, definition, firedAt, mayExist: false, cancellationToken);
        }

        await MarkFiredAsync(db, timers, now, cancellationToken);

        await CancelStoppedInstancesTimersAsync(db, cancellationToken);

        foreach (var byActivity in executions.GroupBy(e => e.Step.Activity))
        {
            if (!_activities.TryGetValue(byActivity.Key, out var activity))
                throw new InvalidOperationException($"No activity named '{byActivity.Key}' is registered.");
            await activity.ExecuteAsync(db, byActivity.ToList(), cancellationToken);
        }
        foreach (var (subjectType, byId) in deadlines)
        {
            if (_sources.TryGetValue(subjectType, out var source))
                await source.DeadlineChangedAsync(db, byId, cancellationToken);
        }
        return fired;
    }

    /// <summary>
    /// The claimed timers set to Fired in memory change in one statement instead of one UPDATE each: the bulk of a burst of
    /// due timers (the clock engine's and the flow engine's). Each fired at the later of its <c>ResumeAt</c> and now.
    /// </summary>
    internal static async Task MarkFiredAsync(DbContext db, IReadOnlyCollection<WorkflowTimer> timers, DateTime now, CancellationToken cancellationToken)
    {
        var fired = timers.Where(t => t.State == WorkflowTimerState.Fired).ToList();
        if (fired.Count == 0)
            return;
        var firedIds = fired.Select(t => t.Id).ToList();
        await db.Set<WorkflowTimer>().Where(t => firedIds.Contains(t.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.State, WorkflowTimerState.Fired)
            .SetProperty(t => t.FiredAt, t => (DateTime?)(t.ResumeAt > now ? t.ResumeAt : now))
            .SetProperty(t => t.FiredBy, NodeName), cancellationToken);
        foreach (var timer in fired)
            db.Entry(timer).State = EntityState.Unchanged;
    }

    /// <summary>
    /// The target and calendar an instance of <paramref name="definition"/> runs on for this subject: the definition's
    /// target, or the subject's policy's when the definition lets it shorten it; the policy's calendar when the
    /// definition counts working time and the calendar is known (else wall-clock time, null).
    /// </summary>
    public (TimeSpan Target, string? CalendarKey) ClockFor(WorkflowDefinition definition, ResolvedParameters parameters, SubjectFacts subject)
    {
        var defaultTarget = parameters.DurationOf(definition.Clock.Target);
        var target = definition.Clock.SubjectPolicyMayShorten && subject.PolicyTarget is { } policy && policy < defaultTarget ? policy : defaultTarget;
        var calendarKey = definition.Clock.UseSubjectCalendar ? subject.CalendarKey : null;
        return (target, calendarKey is not null && calendars.Find(calendarKey) is not null ? calendarKey : null);
    }

    private async Task<int> StartAsync(DbContext db, IWorkflowSubjectSource source, WorkflowVersion version, IReadOnlyList<SubjectFacts> subjects, CancellationToken cancellationToken)
    {
        var definition = version.Definition;
        var now = time.GetUtcNow().UtcDateTime;
        var ids = subjects.Select(s => s.Id).ToList();

        // A subject that already has an instance of this definition (started by a signal, or by another app
        // instance) is not started again; one that had an instance before restarts its clock from now.
        var existing = await db.Set<WorkflowInstance>()
            .Where(i => i.DefinitionId == definition.Id && i.SubjectType == source.SubjectType && ids.Contains(i.SubjectId))
            .Select(i => new { i.SubjectId, Live = i.Status == WorkflowInstanceStatus.Running || i.Status == WorkflowInstanceStatus.Paused })
            .ToListAsync(cancellationToken);
        var live = existing.Where(e => e.Live).Select(e => e.SubjectId).ToHashSet();
        var hadOne = existing.Select(e => e.SubjectId).ToHashSet();

        var parameters = versions.ParametersFor(definition);
        var parametersJson = parameters.ToJson();
        var created = new List<WorkflowInstance>();
        foreach (var subject in subjects)
        {
            if (subject.State == SubjectState.Done || live.Contains(subject.Id))
                continue;
            var (target, calendarKey) = ClockFor(definition, parameters, subject);
            if (calendarKey is null && definition.Clock.UseSubjectCalendar && subject.CalendarKey is { } unknown)
                logger.LogWarning("Calendar {CalendarKey} of {SubjectType} {SubjectId} is unknown; its clock counts wall-clock time.", unknown, source.SubjectType, subject.Id);
            // Never before the subject arrived: a caller may start a stretch of arrivals at once (the demo history's replay).
            var startedAt = subject.ArrivedAt is { } arrived && arrived > now ? arrived : now;
            var anchor = hadOne.Contains(subject.Id) ? startedAt : subject.Anchor;
            var instance = new WorkflowInstance
            {
                DefinitionRecordId = version.RecordId,
                DefinitionId = definition.Id,
                SubjectType = source.SubjectType,
                SubjectId = subject.Id,
                AnchorAt = anchor,
                Target = target,
                CalendarKey = calendarKey,
                ParametersJson = parametersJson,
                StartedAt = startedAt,
                UpdatedAt = startedAt,
                Status = WorkflowInstanceStatus.Running,
                RunningSince = anchor,
            };
            if (subject.State == SubjectState.Paused)
            {
                instance.Status = WorkflowInstanceStatus.Paused;
                instance.Consumed = InstanceClock.Between(anchor, startedAt, CalendarOf(instance));
                instance.RunningSince = null;
            }
            created.Add(instance);
        }
        if (created.Count == 0)
            return 0;
        db.Set<WorkflowInstance>().AddRange(created);
        await db.SaveChangesAsync(cancellationToken); // ids for the timer keys; still inside the caller's transaction

        var deadlines = new Dictionary<long, DateTime?>();
        foreach (var instance in created)
        {
            if (instance.Status != WorkflowInstanceStatus.Running)
                continue;
            await ScheduleNextAsync(db, instance, definition, instance.StartedAt, mayExist: false, cancellationToken);
            deadlines[instance.SubjectId] = InstanceClock.When(instance, instance.Target, CalendarOf(instance));
        }
        await source.DeadlineChangedAsync(db, deadlines, cancellationToken);
        return created.Count;
    }

    /// <summary>
    /// Brings a live instance in line with its subject: its state, and its target and calendar (a subject whose segment
    /// changed gets the new segment's). Returns the new deadline when the clock restarted or its target moved.
    /// </summary>
    private async Task<DateTime?> ReconcileAsync(DbContext db, WorkflowInstance instance, WorkflowDefinition definition, SubjectFacts subject, DateTime now, string reason, CancellationToken cancellationToken)
    {
        if (subject.State == SubjectState.Done)
        {
            Complete(instance, now, reason);
            return null;
        }
        var retargeted = Retarget(instance, definition, subject, now);
        switch (subject.State)
        {
            case SubjectState.Paused when instance.Status == WorkflowInstanceStatus.Running:
                instance.Consumed = InstanceClock.Elapsed(instance, now, CalendarOf(instance));
                instance.RunningSince = null;
                instance.Status = WorkflowInstanceStatus.Paused;
                instance.UpdatedAt = now;
                CancelPendingTimers(instance);
                return null;
            case SubjectState.Open when instance.Status == WorkflowInstanceStatus.Paused:
                instance.RunningSince = now;
                instance.Status = WorkflowInstanceStatus.Running;
                instance.UpdatedAt = now;
                await ScheduleNextAsync(db, instance, definition, now, mayExist: true, cancellationToken);
                return InstanceClock.When(instance, instance.Target, CalendarOf(instance));
            case SubjectState.Open when retargeted && instance.Status == WorkflowInstanceStatus.Running:
                // The pending timer of the next milestone moves to the new target's share (it may now be due at once).
                await ScheduleNextAsync(db, instance, definition, now, mayExist: true, cancellationToken);
                return InstanceClock.When(instance, instance.Target, CalendarOf(instance));
            default:
                return null;
        }
    }

    /// <summary>
    /// Sets the instance's target and calendar to what <see cref="ClockFor"/> gives its subject now. A running clock that
    /// changes calendar keeps the working time it consumed under the old one and counts on the new one from now.
    /// Milestones already fired stay fired. True when anything changed.
    /// </summary>
    private bool Retarget(WorkflowInstance instance, WorkflowDefinition definition, SubjectFacts subject, DateTime now)
    {
        var (target, calendarKey) = ClockFor(definition, ResolvedParameters.FromJson(instance.ParametersJson, definition), subject);
        var calendarChanged = !string.Equals(calendarKey, instance.CalendarKey, StringComparison.OrdinalIgnoreCase);
        if (target == instance.Target && !calendarChanged)
            return false;
        if (calendarChanged && instance.RunningSince is not null)
        {
            instance.Consumed = InstanceClock.Elapsed(instance, now, CalendarOf(instance));
            instance.RunningSince = now;
        }
        logger.LogDebug("{DefinitionId} instance {InstanceId} ({SubjectType} {SubjectId}) re-targeted: {OldTarget} {OldCalendar} -> {Target} {Calendar}",
            instance.DefinitionId, instance.Id, instance.SubjectType, instance.SubjectId, instance.Target, instance.CalendarKey ?? "wall clock", target, calendarKey ?? "wall clock");
        instance.Target = target;
        instance.CalendarKey = calendarKey;
        instance.UpdatedAt = now;
        return true;
    }

    private void Complete(WorkflowInstance instance, DateTime now, string reason)
    {
        instance.Consumed = InstanceClock.Elapsed(instance, now, CalendarOf(instance));
        instance.RunningSince = null;
        instance.Status = WorkflowInstanceStatus.Completed;
        instance.EndedAt = now;
        instance.EndReason = reason.Length > 100 ? reason[..100] : reason;
        instance.UpdatedAt = now;
        CancelPendingTimers(instance);
    }

    private void CancelPendingTimers(WorkflowInstance instance)
    {
        // Timers of this batch change with the save; the rest change in the database at the end of the batch, inside
        // the caller's transaction. (A list, not the change tracker: asking the tracker runs change detection every time.)
        foreach (var timer in _batchTimers)
        {
            if (timer.InstanceId == instance.Id && timer.State == WorkflowTimerState.Pending)
                timer.State = WorkflowTimerState.Cancelled;
        }
        _stoppedInstances.Add(instance.Id);
    }

    /// <summary>
    /// One statement for all instances that paused or ended in this batch, rather than one each: a burst of completed
    /// codings is thousands. Nothing later in a batch re-arms a stopped instance's timers, so waiting for the end is safe.
    /// </summary>
    private async Task CancelStoppedInstancesTimersAsync(DbContext db, CancellationToken cancellationToken)
    {
        foreach (var chunk in _stoppedInstances.Chunk(500))
        {
            await db.Set<WorkflowTimer>()
                .Where(t => chunk.Contains(t.InstanceId) && t.State == WorkflowTimerState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, WorkflowTimerState.Cancelled), cancellationToken);
        }
        _stoppedInstances.Clear();
    }

    /// <summary>Schedules the first milestone that has not fired; a timer withdrawn by a pause is re-armed under its key.</summary>
    private async Task ScheduleNextAsync(DbContext db, WorkflowInstance instance, WorkflowDefinition definition, DateTime now, bool mayExist, CancellationToken cancellationToken)
    {
        var done = FiredMilestones(instance);
        var next = definition.Milestones.FirstOrDefault(m => !done.Contains(m.Name));
        if (next is null)
            return;
        var parameters = ResolvedParameters.FromJson(instance.ParametersJson, definition);
        var resumeAt = InstanceClock.When(instance, InstanceClock.Scale(instance.Target, parameters.ShareOf(next.At)), CalendarOf(instance));
        var key = TimerKey(instance, next.Name);

        var timer = mayExist
            ? _batchTimers.FirstOrDefault(t => t.Key == key) ?? await db.Set<WorkflowTimer>().FirstOrDefaultAsync(t => t.Key == key, cancellationToken)
            : null;
        if (timer is null)
        {
            timer = new WorkflowTimer
            {
                InstanceId = instance.Id,
                Key = key,
                Milestone = next.Name,
                ResumeAt = resumeAt,
                State = WorkflowTimerState.Pending,
                CreatedAt = now,
            };
            db.Set<WorkflowTimer>().Add(timer);
            _batchTimers.Add(timer);
        }
        else
        {
            if (!_batchTimers.Contains(timer))
                _batchTimers.Add(timer);
            if (timer.State != WorkflowTimerState.Fired)
            {
                timer.State = WorkflowTimerState.Pending;
                timer.ResumeAt = resumeAt;
            }
        }
    }

    private static async Task<Dictionary<long, WorkflowInstance>> LiveInstancesAsync(DbContext db, string definitionId, string subjectType, IReadOnlyCollection<long> subjectIds, CancellationToken cancellationToken) =>
        await db.Set<WorkflowInstance>()
            .Where(i => i.DefinitionId == definitionId && i.SubjectType == subjectType && subjectIds.Contains(i.SubjectId)
                && (i.Status == WorkflowInstanceStatus.Running || i.Status == WorkflowInstanceStatus.Paused))
            .ToDictionaryAsync(i => i.SubjectId, cancellationToken);

    private IWorkingTimeCalendar? CalendarOf(WorkflowInstance instance) =>
        instance.CalendarKey is { } key ? calendars.Find(key) : null;

    private static HashSet<string> FiredMilestones(WorkflowInstance instance) =>
        [.. instance.FiredMilestones.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    private static Dictionary<long, DateTime?> DeadlinesOf(Dictionary<string, Dictionary<long, DateTime?>> deadlines, string subjectType)
    {
        if (!deadlines.TryGetValue(subjectType, out var byId))
            deadlines[subjectType] = byId = [];
        return byId;
    }
}
