using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>What a flow timer row stands for (its <see cref="WorkflowTimer.Milestone"/>).</summary>
public static class FlowEvents
{
    public const string Start = "start";
    public const string StepTimer = "step-timer";
    public const string SignalTimeout = "signal-timeout";
    public const string Signal = "signal";
    public const string Reminder = "reminder";
    public const string Deadline = "deadline";
    public const string TaskAnswered = "task";
    public const string ChildEnded = "child";

    /// <summary>A flow event row: <paramref name="kind"/> for <paramref name="step"/>'s entry <paramref name="entry"/>, due at <paramref name="resumeAt"/>.</summary>
    public static WorkflowTimer Row(long instanceId, string kind, string step, int entry, string? argument, DateTime resumeAt, DateTime now) => new()
    {
        InstanceId = instanceId,
        Key = FlowEngine.TimerKey(instanceId, entry, kind, argument),
        Milestone = kind,
        Step = step,
        StepEntry = entry,
        Argument = argument,
        ResumeAt = resumeAt < now ? now : resumeAt,
        State = WorkflowTimerState.Pending,
        CreatedAt = now,
    };
}

/// <summary>
/// Moves step-based instances (flows) on. Like the clock engine it only adds changes to the caller's context; the dispatcher
/// claims the due timer rows (time, but also "a task was answered", "a signal came", "a child ended": every event is a row
/// due now) and commits the instance's new state, its next timers, tasks, history and e-mails in one transaction. Every
/// change bumps the instance's <see cref="WorkflowInstance.Revision"/>, so two app instances handling two answers to one
/// task at once cannot both decide its quorum: the second commit fails and its event is handled again, on the new state.
/// </summary>
public sealed class FlowEngine(
    IWorkflowVersions versions,
    IEnumerable<IFlowActivity> activities,
    IEnumerable<IWorkflowAssigneeResolver> resolvers,
    IWorkflowDirectory directory,
    IWorkingTimeCalendars calendars,
    TaskMail taskMail,
    IOptions<OrganisationOptions> organisation,
    IOptions<FlowOptions> options,
    TimeProvider time,
    ILogger<FlowEngine> logger)
{
    private readonly Dictionary<string, IFlowActivity> _activities = activities.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private readonly Dictionary<string, IWorkflowAssigneeResolver> _resolvers = resolvers.ToDictionary(r => r.Name, StringComparer.Ordinal);

    // What the per-instance run below reads (primary-constructor parameters are not visible to a nested type).
    private IWorkflowVersions Versions => versions;
    private IWorkflowDirectory Directory => directory;
    private IWorkingTimeCalendars Calendars => calendars;
    private TaskMail Mail => taskMail;
    private OrganisationOptions Organisation => organisation.Value;
    private FlowOptions Options => options.Value;

    // The engine lives for one batch (scoped). What its runs added, so that withdrawing or closing them needs no scan of the
    // change tracker (which detects changes over everything tracked, every time), and the task mails written once ids exist.
    private readonly List<WorkflowTimer> _addedTimers = [];
    private readonly List<WorkflowTask> _addedTasks = [];
    private readonly List<(WorkflowTask Task, WorkflowDefinition Definition, HumanTaskFlowStep Step, DateTime LinkExpiresAt)> _assignmentMails = [];

    private readonly Dictionary<string, IReadOnlyList<TaskPerson>> _people = new(StringComparer.Ordinal);
    private readonly List<WorkflowHistoryEntry> _history = [];

    /// <summary>A role's members or named users, read once per batch: a burst of runs reaching one step asks the same people.</summary>
    private async Task<IReadOnlyList<TaskPerson>> PeopleAsync(string key, Func<Task<IReadOnlyList<TaskPerson>>> read)
    {
        if (!_people.TryGetValue(key, out var people))
            _people[key] = people = await read();
        return people;
    }

    public static string TimerKey(long instanceId, int entry, string kind, string? argument = null) =>
        argument is null ? $"flow:{instanceId}:{entry}:{kind}" : Fit($"flow:{instanceId}:{entry}:{kind}:{argument}", 200);

    /// <summary>Handles claimed flow timers, oldest first. Throws when an activity fails: the dispatcher then retries them one by one.</summary>
    public async Task<int> ProcessAsync(DbContext db, IReadOnlyList<WorkflowTimer> timers, CancellationToken cancellationToken)
    {
        if (timers.Count == 0)
            return 0;
        var now = time.GetUtcNow().UtcDateTime;
        var ids = timers.Select(t => t.InstanceId).Distinct().ToList();
        var instances = await db.Set<WorkflowInstance>().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var handled = 0;
        foreach (var timer in timers.OrderBy(t => t.ResumeAt).ThenBy(t => t.Id))
        {
            timer.State = WorkflowTimerState.Fired;
            timer.FiredAt = now;
            timer.FiredBy = WorkflowEngine.NodeName;
            if (!instances.TryGetValue(timer.InstanceId, out var instance) || instance.Status != WorkflowInstanceStatus.Running)
            {
                timer.State = WorkflowTimerState.Cancelled;
                continue;
            }
            var definition = await versions.GetAsync(db, instance.DefinitionRecordId, cancellationToken);
            var run = new Run(this, db, instance, definition, definition.Flow!, now, cancellationToken);
            await run.HandleAsync(timer);
            handled++;
        }
        // The batch's history lines (three or four per run in a burst) in multi-row INSERTs rather than one tracked insert each.
        await BulkRows.InsertAsync(db, _history, cancellationToken);
        _history.Clear();

        // Handled events (claimed when due, so fired now) change in one statement, as the clock engine's timers do.
        await WorkflowEngine.MarkFiredAsync(db, timers, now, cancellationToken);
        if (_assignmentMails.Count > 0)
        {
            // A task's link carries its id: one save for the whole batch gives every new task its id, then the mails are written.
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (task, definition, step, linkExpiresAt) in _assignmentMails.Where(m => m.Task.Status == WorkflowTaskStatus.Open))
                taskMail.QueueAssignment(db, task, definition, step, linkExpiresAt, now);
            _assignmentMails.Clear();
        }
        return handled;
    }

    /// <summary>Records a failed attempt of <paramref name="timer"/>'s event (in a fresh transaction after the rollback): retried with a backoff, then faulted.</summary>
    public async Task RecordFailureAsync(DbContext db, WorkflowTimer timer, Exception error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var instance = await db.Set<WorkflowInstance>().FirstAsync(i => i.Id == timer.InstanceId, cancellationToken);
        instance.Attempts++;
        instance.LastError = Fit(error.GetType().Name + ": " + error.Message, 2000);
        instance.UpdatedAt = now;
        instance.Revision++;
        var giveUp = instance.Attempts >= Math.Max(1, options.Value.MaxAttempts);
        var tracked = await db.Set<WorkflowTimer>().FirstAsync(t => t.Id == timer.Id, cancellationToken);
        if (giveUp)
        {
            instance.Status = WorkflowInstanceStatus.Faulted;
            tracked.State = WorkflowTimerState.Faulted;
        }
        else
            tracked.ResumeAt = now + options.Value.RetryDelay * Math.Pow(2, instance.Attempts - 1);
        db.Set<WorkflowHistoryEntry>().Add(WorkflowHistoryEntry.Of(instance.Id, now, instance.CurrentStep, @event: giveUp ? "faulted" : "attempt-failed", WorkflowEngine.NodeName,
            giveUp ? $"Gave up after {instance.Attempts} attempts: {instance.LastError}" : $"Attempt {instance.Attempts} failed, next at {tracked.ResumeAt:u}: {instance.LastError}"));
        logger.Log(giveUp ? LogLevel.Error : LogLevel.Warning, error, "Workflow instance {InstanceId} ({RunKey}) step {Step}: attempt {Attempt} failed{GaveUp}",
            instance.Id, instance.RunKey, instance.CurrentStep, instance.Attempts, giveUp ? "; it is faulted" : "");
    }

    internal static string Fit(string text, int length) => text.Length <= length ? text : text[..(length - 17)] + "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>One instance's handling of one event.</summary>
    private sealed class Run(FlowEngine engine, DbContext db, WorkflowInstance instance, WorkflowDefinition definition, FlowModel flow, DateTime now, CancellationToken ct)
    {
        private JsonObject? _variables;
        private WorkflowHistoryEntry? _entered;
        private JsonObject Variables => _variables ??= JsonNode.Parse(instance.VariablesJson ?? "{}") as JsonObject ?? [];

        private FlowStep? Current => instance.CurrentStep is { } name && flow.Steps.TryGetValue(name, out var step) ? step : null;

        public async Task HandleAsync(WorkflowTimer timer)
        {
            var atCurrent = timer.Step == instance.CurrentStep && timer.StepEntry == instance.StepEntry;
            switch (timer.Milestone)
            {
                case FlowEvents.Start when instance.CurrentStep is null:
                    await GoAsync(flow.Start, instance.StartedBy ?? "start");
                    break;
                case FlowEvents.StepTimer when atCurrent && Current is TimerFlowStep step:
                    Leave(step, "time reached", "timer");
                    await GoAsync(step.Next, "timer");
                    break;
                case FlowEvents.SignalTimeout when atCurrent && Current is WaitSignalFlowStep step:
                    Leave(step, $"no '{step.Signal}' signal in time", "timer");
                    await GoAsync(step.OnTimeout!, "timer");
                    break;
                case FlowEvents.Signal when Current is WaitSignalFlowStep step && step.Signal == timer.Argument:
                    await CancelPendingTimersAsync(timer.Id);
                    Leave(step, $"signal '{step.Signal}'", "signal");
                    await GoAsync(step.Next, "signal " + step.Signal);
                    break;
                case FlowEvents.Signal:
                    History("signal-ignored", $"'{timer.Argument}' arrived while at {instance.CurrentStep ?? "(not started)"}", "signal");
                    break;
                case FlowEvents.Reminder when atCurrent && Current is HumanTaskFlowStep step:
                    await RemindAsync(step, timer);
                    break;
                case FlowEvents.Deadline when atCurrent && Current is HumanTaskFlowStep step:
                    var open = await CloseOpenTasksAsync(step);
                    Leave(step, $"deadline passed; {open} task(s) unanswered", "timer");
                    RecordTaskResult(step, "timeout", await TasksAsync(step));
                    await GoAsync(step.OnTimeout!, "timer");
                    break;
                case FlowEvents.TaskAnswered when atCurrent && Current is HumanTaskFlowStep step:
                    await DecideAsync(step, "task answered");
                    break;
                case FlowEvents.ChildEnded when atCurrent && Current is ForEachFlowStep step:
                    await JoinAsync(step);
                    break;
                default:
                    // An event for a step the instance has left (a reminder after the quorum, a second answer): nothing to do.
                    return;
            }
            Save();
        }

        private void Save()
        {
            if (_variables is not null)
                instance.VariablesJson = _variables.ToJsonString();
            instance.UpdatedAt = now;
            instance.Revision++;
            instance.Attempts = 0;
            instance.LastError = null;
        }

        private async Task GoAsync(string stepName, string actor)
        {
            for (var i = 0; i < engine.Options.MaxStepsPerAdvance; i++)
            {
                var step = flow.Steps[stepName];
                instance.StepEntry++;
                instance.CurrentStep = stepName;
                _entered = History("entered", null, actor);
                actor = "runtime";
                string? next;
                switch (step)
                {
                    case ActivityFlowStep activity:
                        if (!engine._activities.TryGetValue(activity.Activity, out var registered))
                            throw new InvalidOperationException($"No flow activity named '{activity.Activity}' is registered.");
                        var detail = await registered.ExecuteAsync(new FlowActivityContext(db, instance, Variables, activity, TimerKey(instance.Id, instance.StepEntry, "activity"), now), ct);
                        Passed(detail);
                        next = activity.Next;
                        break;
                    case DecisionFlowStep decision:
                        var branch = decision.Branches.FirstOrDefault(b => Conditions.Evaluate(b.When, Variables));
                        next = branch?.Next ?? decision.Otherwise;
                        Passed(branch is null ? "otherwise" : Conditions.Describe(branch.When));
                        break;
                    case TimerFlowStep timer:
                        AddTimer(FlowEvents.StepTimer, TimerDue(timer));
                        return;
                    case WaitSignalFlowStep wait:
                        if (wait.Timeout is { } timeout)
                            AddTimer(FlowEvents.SignalTimeout, Deadline(timeout, now));
                        return;
                    case HumanTaskFlowStep task:
                        // Decided at once when nobody could be asked, or fewer people than the quorum needs were found.
                        next = await DecideAsync(task, "tasks created", goOn: false, await CreateTasksAsync(task));
                        if (next is null)
                            return;
                        break;
                    case ForEachFlowStep forEach:
                        if (await StartChildrenAsync(forEach))
                            return;
                        Passed("no items");
                        next = forEach.Next;
                        break;
                    case EndFlowStep end:
                        await EndAsync(end);
                        return;
                    default:
                        throw new InvalidOperationException($"Unknown step kind {step.Kind}.");
                }
                stepName = next;
            }
            throw new InvalidOperationException($"The instance passed {engine.Options.MaxStepsPerAdvance} steps without waiting; stopped.");
        }

        private void Leave(FlowStep step, string? detail, string actor) => History("left", detail, actor, step.Name);

        /// <summary>A step entered and left in the same moment (an activity, a decision): one line, "passed", instead of two.</summary>
        private void Passed(string? detail)
        {
            _entered!.Event = "passed";
            _entered.Detail = detail is null ? null : Fit(detail, 2000);
        }

        private WorkflowHistoryEntry History(string @event, string? detail, string actor, string? step = null)
        {
            var entry = WorkflowHistoryEntry.Of(instance.Id, now, step ?? instance.CurrentStep, @event, actor, detail);
            engine._history.Add(entry);
            return entry;
        }

        private WorkflowTimer AddTimer(string kind, DateTime resumeAt, string? argument = null)
        {
            var timer = FlowEvents.Row(instance.Id, kind, instance.CurrentStep!, instance.StepEntry, argument, resumeAt, now);
            db.Set<WorkflowTimer>().Add(timer);
            engine._addedTimers.Add(timer);
            return timer;
        }

        private DateTime TimerDue(TimerFlowStep timer)
        {
            if (timer.Until is { } until)
            {
                var text = until.StartsWith('@') ? Conditions.Lookup(Variables, until[1..])?.GetValue<string>() : until;
                if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                    throw new InvalidOperationException($"Timer {timer.Name}: {until} does not hold a date.");
                return at.UtcDateTime;
            }
            var span = timer.Share is { } share
                ? TimeSpan.FromTicks((long)(flow.ClockTarget!.Value.Ticks * share))
                : Duration(timer.After!);
            if (timer.UseCalendar && Calendar() is { } calendar)
                return calendar.AddWorkingTime(now, span);
            return now + span;
        }

        private IWorkingTimeCalendar? Calendar() =>
            (instance.CalendarKey ?? engine.Organisation.CalendarKey) is { } key ? engine.Calendars.Find(key) : null;

        private TimeSpan Duration(FlowValue value)
        {
            if (value.Duration is { } d)
                return d;
            if (value.Parameter is { } p)
                return ResolvedParameters.FromJson(instance.ParametersJson, definition).DurationOf(ValueReference.ToParameter(p));
            var text = Conditions.Lookup(Variables, value.Variable!)?.ToString();
            if (text is not null && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var fromVariable))
                return fromVariable;
            throw new InvalidOperationException($"@{value.Variable} does not hold a duration.");
        }

        /// <summary>A deadline: a duration from now, or a date in a variable.</summary>
        private DateTime Deadline(FlowValue value, DateTime from)
        {
            if (value.Variable is { } v && Conditions.Lookup(Variables, v)?.ToString() is { } text
                && !TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out _)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return at.UtcDateTime;
            return from + Duration(value);
        }

        // ---- human tasks ----

        /// <summary>Creates the step's tasks (none when nobody could be asked); their mails follow once the batch is saved.</summary>
        private async Task<List<WorkflowTask>> CreateTasksAsync(HumanTaskFlowStep step)
        {
            var people = new List<(TaskPerson Person, string Kind)>();
            foreach (var assignees in step.Assignees)
            {
                IReadOnlyList<TaskPerson> found;
                if (assignees.Role is { } role)
                    found = await engine.PeopleAsync("role:" + role, () => engine.Directory.UsersInRoleAsync(db, role, ct));
                else if (assignees.Users.Count > 0)
                    found = await engine.PeopleAsync("users:" + string.Join(',', assignees.Users), () => engine.Directory.ByEmailAsync(db, assignees.Users, ct));
                else if (assignees.Variable is { } variable)
                {
                    var node = Conditions.Lookup(Variables, variable);
                    var emails = node switch
                    {
                        JsonArray array => array.Select(n => n?.ToString()).OfType<string>().ToList(),
                        null => [],
                        _ => [node.ToString()],
                    };
                    found = await engine.Directory.ByEmailAsync(db, emails.Where(e => e.Contains('@')).ToList(), ct);
                }
                else if (engine._resolvers.TryGetValue(assignees.Resolver!, out var resolver))
                    found = await resolver.ResolveAsync(db, instance, Variables, ct);
                else
                    throw new InvalidOperationException($"No assignee resolver named '{assignees.Resolver}' is registered.");
                people.AddRange(found.Select(p => (p, assignees.Kind)));
            }
            var distinct = people.DistinctBy(p => p.Person.Email.ToLowerInvariant()).ToList();
            if (distinct.Count == 0)
            {
                History("no-assignees", "Nobody to ask: no assignee could be found.", "runtime");
                return [];
            }

            DateTime? dueAt = step.Deadline is { } deadline ? Deadline(deadline, now) : null;
            var linkExpiry = dueAt ?? now + engine.Options.LinkLifetime;
            var created = new List<WorkflowTask>();
            foreach (var (person, kind) in distinct)
            {
                var language = engine.Mail.Language(person.Language);
                var task = new WorkflowTask
                {
                    Instance = instance,
                    InstanceId = instance.Id,
                    DefinitionId = definition.Id,
                    Step = step.Name,
                    StepEntry = instance.StepEntry,
                    Key = Fit($"{instance.Id}:{instance.StepEntry}:{step.Name}:{person.Email.ToLowerInvariant()}", 300),
                    AssigneeUserId = person.UserId,
                    AssigneeEmail = person.Email,
                    AssigneeName = person.Name,
                    AssigneeKind = kind,
                    Language = language,
                    Title = Fit(step.Title.For(language), 300),
                    Status = WorkflowTaskStatus.Open,
                    CreatedAt = now,
                    DueAt = dueAt,
                    LinkNonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                };
                db.Set<WorkflowTask>().Add(task);
                engine._addedTasks.Add(task);
                engine._assignmentMails.Add((task, definition, step, linkExpiry));
                created.Add(task);
            }
            // Said on the step's "entered" line rather than a line of its own: a burst of runs reaching the step writes half the rows.
            _entered!.Detail = Fit($"{created.Count} task(s): " + string.Join(", ", created.Select(t => t.AssigneeEmail)), 2000);

            if (dueAt is { } due)
            {
                for (var i = 0; i < step.Reminders.Count; i++)
                    AddTimer(FlowEvents.Reminder, now + TimeSpan.FromTicks((long)((due - now).Ticks * step.Reminders[i])), (i + 1).ToString(CultureInfo.InvariantCulture));
                AddTimer(FlowEvents.Deadline, due);
            }
            return created;
        }

        private Task<List<WorkflowTask>> TasksAsync(HumanTaskFlowStep step) =>
            db.Set<WorkflowTask>().Where(t => t.InstanceId == instance.Id && t.Step == step.Name && t.StepEntry == instance.StepEntry).ToListAsync(ct);

        /// <summary>Applies the completion rule; leaves the step (and goes on when <paramref name="goOn"/>) once it is decided. Returns the next step, or null while waiting.</summary>
        private async Task<string?> DecideAsync(HumanTaskFlowStep step, string why, bool goOn = true, List<WorkflowTask>? justCreated = null)
        {
            var tasks = justCreated ?? await TasksAsync(step);
            var result = Quorum.Decide(step, tasks);
            if (result is null)
                return null;
            await CloseOpenTasksAsync(step);
            await CancelPendingTimersAsync(null);
            RecordTaskResult(step, result, tasks);
            var approvals = tasks.Count(t => t.Status == WorkflowTaskStatus.Completed && t.Outcome == step.Completion.Outcome);
            Leave(step, $"{result}: {approvals} of {tasks.Count} answered '{step.Completion.Outcome}' ({why})", "runtime");
            var next = result == "approved" ? step.OnApproved : step.OnRejected;
            if (goOn)
                await GoAsync(next, "runtime");
            return next;
        }

        private void RecordTaskResult(HumanTaskFlowStep step, string result, List<WorkflowTask> tasks)
        {
            Variables[step.Name] = new JsonObject
            {
                ["result"] = result,
                ["approvals"] = tasks.Count(t => t.Status == WorkflowTaskStatus.Completed && t.Outcome == step.Completion.Outcome),
                ["objections"] = tasks.Count(t => t.Status == WorkflowTaskStatus.Completed && step.Outcomes.Any(o => o.Objection && o.Key == t.Outcome)),
                ["answers"] = new JsonArray(tasks.Where(t => t.Status == WorkflowTaskStatus.Completed).Select(t => (JsonNode)new JsonObject
                {
                    ["email"] = t.AssigneeEmail,
                    ["kind"] = t.AssigneeKind,
                    ["outcome"] = t.Outcome,
                    ["comment"] = t.Comment,
                }).ToArray()),
            };
        }

        private async Task<int> CloseOpenTasksAsync(HumanTaskFlowStep step)
        {
            var open = 0;
            foreach (var task in engine._addedTasks
                         .Where(t => t.Instance == instance && t.Step == step.Name && t.StepEntry == instance.StepEntry && t.Status == WorkflowTaskStatus.Open))
            {
                task.Status = WorkflowTaskStatus.Closed;
                open++;
            }
            open += await db.Set<WorkflowTask>()
                .Where(t => t.InstanceId == instance.Id && t.Step == step.Name && t.StepEntry == instance.StepEntry && t.Status == WorkflowTaskStatus.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTaskStatus.Closed), ct);
            return open;
        }

        /// <summary>Withdraws the instance's pending timers (reminders and deadline of a decided step), except <paramref name="keep"/>.</summary>
        private async Task CancelPendingTimersAsync(long? keep)
        {
            foreach (var timer in engine._addedTimers.Where(t => t.InstanceId == instance.Id && t.State == WorkflowTimerState.Pending))
                timer.State = WorkflowTimerState.Cancelled;
            await db.Set<WorkflowTimer>()
                .Where(t => t.InstanceId == instance.Id && t.State == WorkflowTimerState.Pending && t.Id != keep && t.Id != 0)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, WorkflowTimerState.Cancelled), ct);
        }

        private async Task RemindAsync(HumanTaskFlowStep step, WorkflowTimer timer)
        {
            var open = await db.Set<WorkflowTask>()
                .Where(t => t.InstanceId == instance.Id && t.Step == step.Name && t.StepEntry == instance.StepEntry && t.Status == WorkflowTaskStatus.Open)
                .ToListAsync(ct);
            foreach (var task in open)
            {
                task.RemindersSent++;
                engine.Mail.QueueReminder(db, task, definition, step, task.DueAt ?? now + engine.Options.LinkLifetime, timer.Argument ?? "1", now);
            }
            History("reminded", $"reminder {timer.Argument}: {open.Count} open task(s)", "timer");
        }

        // ---- for each ----

        private async Task<bool> StartChildrenAsync(ForEachFlowStep step)
        {
            if (Conditions.Lookup(Variables, step.Items) is not JsonArray items || items.Count == 0)
                return false;
            var child = engine.Versions.LatestFlow(step.Workflow)
                ?? throw new InvalidOperationException($"The workflow '{step.Workflow}' of step {step.Name} is not loaded.");
            var index = 0;
            foreach (var item in items)
            {
                var key = step.ItemKey is { } k && item is JsonObject o && o[k] is { } named ? named.ToString() : index.ToString(CultureInfo.InvariantCulture);
                var variables = new JsonObject();
                foreach (var (name, value) in child.Definition.Flow!.Variables.Select(v => (v.Key, v.Value)))
                    variables[name] = value?.DeepClone();
                variables[step.ItemVariable] = item?.DeepClone();
                variables["parent"] = new JsonObject { ["runKey"] = instance.RunKey, ["step"] = step.Name, ["entry"] = instance.StepEntry };
                var childInstance = FlowStarter.NewInstance(child, Fit($"{instance.RunKey}/{step.Name}:{key}", 200), instance.SubjectType, instance.SubjectId,
                    variables, instance.RunKey!, engine.Versions.ParametersFor(child.Definition).ToJson(), now);
                childInstance.ParentInstanceId = instance.Id;
                db.Set<WorkflowInstance>().Add(childInstance);
                db.Set<WorkflowTimer>().Add(FlowStarter.StartTimer(childInstance, now));
                index++;
            }
            History("children-started", $"{items.Count} instance(s) of {step.Workflow}", "runtime");
            return true;
        }

        private async Task JoinAsync(ForEachFlowStep step)
        {
            var children = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.ParentInstanceId == instance.Id)
                .Select(i => new { i.RunKey, i.Status, i.EndReason }).ToListAsync(ct);
            var mine = children.Where(c => c.RunKey!.StartsWith($"{instance.RunKey}/{step.Name}:", StringComparison.Ordinal)).ToList();
            if (mine.Any(c => c.Status is WorkflowInstanceStatus.Running or WorkflowInstanceStatus.Paused or WorkflowInstanceStatus.Faulted))
                return;
            Variables[step.Name] = new JsonObject
            {
                ["results"] = new JsonArray(mine.Select(c => (JsonNode)new JsonObject
                {
                    ["runKey"] = c.RunKey,
                    ["outcome"] = c.Status == WorkflowInstanceStatus.Cancelled ? "cancelled" : c.EndReason,
                }).ToArray()),
            };
            Leave(step, $"all {mine.Count} child instance(s) ended", "runtime");
            await GoAsync(step.Next, "runtime");
        }

        private async Task EndAsync(EndFlowStep end)
        {
            instance.Status = WorkflowInstanceStatus.Completed;
            instance.EndedAt = now;
            instance.EndReason = end.Outcome;
            History("completed", end.Outcome, "runtime");
            await CancelPendingTimersAsync(null);
            if (instance.ParentInstanceId is { } parentId && Variables["parent"] is JsonObject parent
                && parent["step"]?.ToString() is { } parentStep && parent["entry"]?.GetValue<int>() is { } parentEntry)
            {
                db.Set<WorkflowTimer>().Add(FlowEvents.Row(parentId, FlowEvents.ChildEnded, parentStep, parentEntry, instance.Id.ToString(CultureInfo.InvariantCulture), now, now));
            }
        }
    }
}

/// <summary>The completion rules of a human task.</summary>
public static class Quorum
{
    /// <summary><c>approved</c>, <c>rejected</c>, or null while it can still go either way.</summary>
    public static string? Decide(HumanTaskFlowStep step, IReadOnlyCollection<WorkflowTask> tasks)
    {
        var rule = step.Completion;
        var answered = tasks.Where(t => t.Status == WorkflowTaskStatus.Completed).ToList();
        var open = tasks.Where(t => t.Status == WorkflowTaskStatus.Open).ToList();
        var approvals = answered.Where(t => t.Outcome == rule.Outcome).ToList();
        if (rule.ObjectionBlocks && answered.Any(t => step.Outcomes.Any(o => o.Objection && o.Key == t.Outcome)))
            return "rejected";
        switch (rule.Rule)
        {
            case CompletionRule.All:
                if (answered.Any(t => t.Outcome != rule.Outcome))
                    return "rejected";
                return open.Count == 0 && approvals.Count > 0 ? "approved" : open.Count == 0 ? "rejected" : null;
            case CompletionRule.Any:
                if (approvals.Count > 0)
                    return "approved";
                return open.Count == 0 ? "rejected" : null;
            default:
                var ofKind = rule.Including is null || approvals.Any(t => t.AssigneeKind == rule.Including);
                if (approvals.Count >= rule.Count && ofKind)
                    return "approved";
                var stillPossible = approvals.Count + open.Count >= rule.Count
                    && (ofKind || open.Any(t => t.AssigneeKind == rule.Including));
                return stillPossible ? null : "rejected";
        }
    }
}
