using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>Where a subject stands, as far as a workflow's clock is concerned.</summary>
public enum SubjectState
{
    /// <summary>Work is owed: the clock runs.</summary>
    Open,
    /// <summary>Waiting on someone outside (the customer): the clock stops.</summary>
    Paused,
    /// <summary>The work is done (or the subject went away): the instance completes.</summary>
    Done,
}

/// <summary>
/// The facts about one subject a workflow needs, read fresh from the database in the transaction that acts on
/// them. The runtime trusts these over the order signals arrived in.
/// </summary>
/// <param name="Anchor">When a first instance's clock starts (for a feedback item: its ingestion, or for imported history the time it was received).</param>
/// <param name="PolicyTarget">A target the subject's own policy asks for (a segment's), if any.</param>
/// <param name="CalendarKey">The business-hours calendar the subject's policy names, if any.</param>
/// <param name="ArrivedAt">
/// When the subject reached the application. A milestone the clock had already passed by then (an imported voice
/// received long ago) is history: it is recorded at the moment it was reached, but nobody is told now.
/// Null: the clock never starts before the subject arrived.
/// </param>
public sealed record SubjectFacts(long Id, SubjectState State, DateTime Anchor, TimeSpan? PolicyTarget, string? CalendarKey, DateTime? ArrivedAt = null);

/// <summary>A domain event about a subject, delivered to the workflows subscribed to its type.</summary>
public sealed record WorkflowSignal(long EventId, string Type, string SubjectType, long SubjectId, DateTime OccurredAt);

/// <summary>
/// The application's side of a subject type (for example feedback items): reads their facts in bulk, hands out
/// new subjects and signals exactly once, and hears when a deadline moves. Every method runs inside the
/// runtime's transaction, on its <see cref="DbContext"/>.
/// </summary>
public interface IWorkflowSubjectSource
{
    string SubjectType { get; }

    Task<IReadOnlyDictionary<long, SubjectFacts>> LoadAsync(DbContext db, IReadOnlyCollection<long> subjectIds, CancellationToken cancellationToken);

    /// <summary>Subjects that arrived since the last call: claimed (marked) in the current transaction, so each is handed out once.</summary>
    Task<IReadOnlyList<SubjectFacts>> ClaimNewAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken);

    /// <summary>Undelivered signals, oldest first, marked delivered in the current transaction.</summary>
    Task<IReadOnlyList<WorkflowSignal>> ClaimSignalsAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken);

    /// <summary>The subject's deadline (the moment its clock reaches 100%) changed; null while the clock is paused or ended.</summary>
    Task DeadlineChangedAsync(DbContext db, IReadOnlyDictionary<long, DateTime?> deadlines, CancellationToken cancellationToken);
}

/// <summary>Resolves a calendar key to working-time arithmetic; null for an unknown key (the runtime then uses wall-clock time and logs it).</summary>
public interface IWorkingTimeCalendars
{
    IWorkingTimeCalendar? Find(string key);
}

public interface IWorkingTimeCalendar
{
    DateTime AddWorkingTime(DateTime startUtc, TimeSpan workingTime);
    TimeSpan WorkingTimeBetween(DateTime fromUtc, DateTime toUtc);
}

/// <summary>One milestone of one instance that fired, with the activity step to run for it.</summary>
/// <param name="OccurrenceKey">The timer's unique key: activities derive their own row keys from it.</param>
/// <param name="FiredAt">When the runtime acted on it (now): seconds after <paramref name="ReachedAt"/>, or later after downtime.</param>
/// <param name="DueAt">When the clock reaches 100% for this instance (the deadline) at the time of firing.</param>
/// <param name="ReachedAt">When the clock reached the milestone's share (the timer's <c>ResumeAt</c>).</param>
/// <param name="BeforeArrival">
/// The clock reached the milestone before the subject arrived (<see cref="SubjectFacts.ArrivedAt"/>): a record of
/// history, to be written down but not announced (no e-mail).
/// </param>
public sealed record ActivityExecution(
    WorkflowInstance Instance,
    WorkflowDefinition Definition,
    WorkflowMilestone Milestone,
    ActivityStep Step,
    string OccurrenceKey,
    DateTime FiredAt,
    DateTime DueAt,
    DateTime ReachedAt,
    bool BeforeArrival);

/// <summary>
/// Something a milestone does: record an escalation, queue an e-mail. It adds rows to the runtime's
/// <see cref="DbContext"/> and never saves: the runtime commits them with the timer's state change.
/// Executions come in batches so an activity can load what it needs in a few queries.
/// </summary>
public interface IWorkflowActivity
{
    /// <summary>The name used in definition files, e.g. <c>send-email</c>.</summary>
    string Name { get; }

    /// <summary>Problems with a step's settings, each naming the setting; empty when the step is valid.</summary>
    IReadOnlyList<(string Setting, string Message)> Validate(IReadOnlyDictionary<string, string> settings);

    Task ExecuteAsync(DbContext db, IReadOnlyList<ActivityExecution> executions, CancellationToken cancellationToken);
}

/// <summary>Serialises the app's own writers on an embedded database (see the app's database write gate); a no-op elsewhere.</summary>
public interface IWorkflowWriteGate
{
    ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken);
}

/// <summary>One stored version of a definition.</summary>
public sealed record WorkflowVersion(int RecordId, int Version, WorkflowDefinition Definition);

/// <summary>The definitions the runtime runs: the latest version of each for new instances, any stored version for running ones.</summary>
public interface IWorkflowVersions
{
    /// <summary>Latest versions of the definitions whose subject is <paramref name="subjectType"/>.</summary>
    IReadOnlyList<WorkflowVersion> LatestFor(string subjectType);

    /// <summary>The latest version of a step-based definition, by id; null when there is none.</summary>
    WorkflowVersion? LatestFlow(string definitionId);

    /// <summary>The version an instance is pinned to.</summary>
    Task<WorkflowDefinition> GetAsync(DbContext db, int recordId, CancellationToken cancellationToken);

    /// <summary>Parameter values for a new instance of <paramref name="definition"/>: defaults overridden by configuration.</summary>
    ResolvedParameters ParametersFor(WorkflowDefinition definition);
}
