using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Flows;

public enum StartOutcome
{
    Started,
    /// <summary>The run key has an instance already (running or finished): nothing new was done.</summary>
    AlreadyExists,
}

public sealed record StartResult(StartOutcome Outcome, long InstanceId, string RunKey, WorkflowInstanceStatus Status);

/// <summary>
/// Starts flows and sends them signals. A start writes the instance and a "start" event due now; the dispatcher runs its
/// first steps, so a start from the CLI, the calendar or a request all take the same path. The run key is unique in the
/// database: a second start of the same key (another app instance, a re-run) finds the first and changes nothing.
/// </summary>
public sealed class FlowStarter(IWorkflowVersions versions, IWorkflowWriteGate gate, IOptions<OrganisationOptions> organisation, TimeProvider time)
{
    /// <summary>Starts <paramref name="definitionId"/> under <paramref name="runKey"/> (or its trigger's run key template, filled for now) and saves.</summary>
    /// <exception cref="ArgumentException">No step-based definition has that id.</exception>
    public async Task<StartResult> StartAsync(DbContext db, string definitionId, string? runKey, string? subjectType, long subjectId,
        JsonObject? variables, string startedBy, CancellationToken cancellationToken)
    {
        var version = versions.LatestFlow(definitionId)
            ?? throw new ArgumentException($"No step-based workflow definition has the id '{definitionId}'.", nameof(definitionId));
        var now = time.GetUtcNow().UtcDateTime;
        var key = runKey ?? DefaultRunKey(version, now);
        using var _ = await gate.EnterAsync(cancellationToken);
        var existing = await FindAsync(db, key, cancellationToken);
        if (existing is not null)
            return existing;

        var merged = new JsonObject();
        foreach (var (name, value) in version.Definition.Flow!.Variables)
            merged[name] = value?.DeepClone();
        foreach (var (name, value) in variables ?? [])
            merged[name] = value?.DeepClone();
        var instance = NewInstance(version, key, subjectType ?? version.Definition.SubjectType, subjectId, merged, startedBy,
            versions.ParametersFor(version.Definition).ToJson(), now);
        db.Set<WorkflowInstance>().Add(instance);
        db.Set<WorkflowTimer>().Add(StartTimer(instance, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another app instance started the same run key a moment ago: theirs is the run.
            if (await FindAsync(db, key, cancellationToken, detachAll: true) is { } raced)
                return raced;
            throw;
        }
        return new StartResult(StartOutcome.Started, instance.Id, key, instance.Status);
    }

    /// <summary>The run key a start without one gets: the trigger's template filled for <paramref name="utcNow"/> in the organisation's zone, else a unique one.</summary>
    public string DefaultRunKey(WorkflowVersion version, DateTime utcNow)
    {
        if (version.Definition.Flow!.Trigger.RunKey is { } template)
            return RunKeys.Fill(template, version.Definition.Id, TimeZoneInfo.ConvertTimeFromUtc(utcNow, OrganisationZone(organisation.Value)));
        return $"{version.Definition.Id}:{utcNow:yyyyMMddHHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    public static TimeZoneInfo OrganisationZone(OrganisationOptions options) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>
    /// Queues a signal for the flow run <paramref name="runKey"/>: a wait-signal step waiting for <paramref name="signal"/> goes on.
    /// Added to the caller's context (saved with the caller's change); <paramref name="occurrence"/> makes a repeated send harmless.
    /// </summary>
    public async Task<bool> SignalAsync(DbContext db, string runKey, string signal, string occurrence, CancellationToken cancellationToken)
    {
        var instance = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.RunKey == runKey)
            .Select(i => new { i.Id, i.Status }).FirstOrDefaultAsync(cancellationToken);
        if (instance is null || instance.Status != WorkflowInstanceStatus.Running)
            return false;
        var now = time.GetUtcNow().UtcDateTime;
        // A signal is for whatever step waits for it: no step, entry 0, and its occurrence in the key.
        var row = FlowEvents.Row(instance.Id, FlowEvents.Signal, "", 0, $"{signal}:{occurrence}", now, now);
        row.Argument = signal;
        db.Set<WorkflowTimer>().Add(row);
        return true;
    }

    internal static WorkflowInstance NewInstance(WorkflowVersion version, string runKey, string subjectType, long subjectId, JsonObject variables,
        string startedBy, string parametersJson, DateTime now) => new()
    {
        DefinitionRecordId = version.RecordId,
        DefinitionId = version.Definition.Id,
        SubjectType = subjectType,
        SubjectId = subjectId,
        Status = WorkflowInstanceStatus.Running,
        AnchorAt = now,
        Target = version.Definition.Flow!.ClockTarget ?? TimeSpan.Zero,
        ParametersJson = parametersJson,
        StartedAt = now,
        UpdatedAt = now,
        RunKey = runKey,
        VariablesJson = variables.ToJsonString(),
        StartedBy = startedBy.Length > 200 ? startedBy[..200] : startedBy,
    };

    internal static WorkflowTimer StartTimer(WorkflowInstance instance, DateTime now) => new()
    {
        Instance = instance,
        Key = FlowEngine.Fit("flow-start:" + instance.RunKey, 200),
        Milestone = FlowEvents.Start,
        Step = "",
        ResumeAt = now,
        State = WorkflowTimerState.Pending,
        CreatedAt = now,
    };

    private static async Task<StartResult?> FindAsync(DbContext db, string key, CancellationToken cancellationToken, bool detachAll = false)
    {
        if (detachAll)
            db.ChangeTracker.Clear();
        var found = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.RunKey == key)
            .Select(i => new { i.Id, i.Status }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : new StartResult(StartOutcome.AlreadyExists, found.Id, key, found.Status);
    }
}
