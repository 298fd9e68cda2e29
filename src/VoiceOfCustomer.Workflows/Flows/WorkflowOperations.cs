using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Flows;

public enum OperationOutcome
{
    Done,
    NotFound,
    /// <summary>Retry: the instance is not faulted.</summary>
    NotFaulted,
    /// <summary>Cancel: the instance has ended already (completed or cancelled).</summary>
    AlreadyEnded,
    /// <summary>Cancel: a clock (SLA) instance follows its subject and ends with it; it cannot be cancelled by hand.</summary>
    NotAFlow,
    /// <summary>The runtime moved the instance on while the operation ran; nothing was changed.</summary>
    Conflict,
}

/// <param name="Instances">How many instances the operation changed (a cancel also ends the for-each children).</param>
public sealed record OperationResult(OperationOutcome Outcome, WorkflowInstanceStatus? Status = null, int Instances = 0);

/// <summary>
/// What an Admin does to a flow instance from the operations pages (or a tool): retry a faulted one, cancel a live one.
/// Each is one transaction that also writes a history line naming the actor, and is logged, as the other Admin actions are.
/// </summary>
public sealed class WorkflowOperations(IWorkflowWriteGate gate, TimeProvider time, ILogger<WorkflowOperations> logger)
{
    public const string RetriedEvent = "retried";
    public const string CancelledEvent = "cancelled";
    public const int ReasonMaxLength = 500;

    /// <summary>
    /// Puts a faulted instance back to Running: attempts from zero, its faulted event due now, and the events that came
    /// while it was faulted (the runtime set those aside) due again too. The last error stays in the history line.
    /// </summary>
    public async Task<OperationResult> RetryAsync(DbContext db, long instanceId, string actor, CancellationToken cancellationToken)
    {
        using var _ = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var instance = await db.Set<WorkflowInstance>().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null)
            return new OperationResult(OperationOutcome.NotFound);
        if (instance.Status != WorkflowInstanceStatus.Faulted)
            return new OperationResult(OperationOutcome.NotFaulted, instance.Status);

        var now = time.GetUtcNow().UtcDateTime;
        var faultedAt = await db.Set<WorkflowHistoryEntry>().Where(h => h.InstanceId == instanceId && h.Event == "faulted")
            .MaxAsync(h => (DateTime?)h.At, cancellationToken) ?? instance.UpdatedAt;
        // The faulted event, and those the dispatcher handled (FiredAt set) but dropped because the instance was not running.
        var rearmed = await db.Set<WorkflowTimer>()
            .Where(t => t.InstanceId == instanceId && (t.State == WorkflowTimerState.Faulted
                || (t.State == WorkflowTimerState.Cancelled && t.FiredAt != null && t.FiredAt >= faultedAt)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.State, WorkflowTimerState.Pending)
                .SetProperty(t => t.ResumeAt, now)
                .SetProperty(t => t.FiredAt, (DateTime?)null)
                .SetProperty(t => t.FiredBy, (string?)null), cancellationToken);

        var error = instance.LastError;
        instance.Status = WorkflowInstanceStatus.Running;
        instance.Attempts = 0;
        instance.LastError = null;
        instance.UpdatedAt = now;
        instance.Revision++;
        History(db, instance, now, RetriedEvent, actor, error is null ? null : "Last error: " + error);
        if (!await SaveAsync(db, transaction, cancellationToken))
            return new OperationResult(OperationOutcome.Conflict, WorkflowInstanceStatus.Faulted);
        logger.LogInformation("{Actor} retried workflow instance {InstanceId} ({RunKey}) at step {Step}; {Events} event(s) due again.",
            actor, instance.Id, instance.RunKey, instance.CurrentStep, rearmed);
        return new OperationResult(OperationOutcome.Done, instance.Status, 1);
    }

    /// <summary>
    /// Ends a live flow instance as Cancelled: its pending (and faulted) events withdrawn, its open tasks cancelled, and the
    /// same for its for-each children and theirs. A cancelled child's parent is told, so its join does not wait for it.
    /// </summary>
    public async Task<OperationResult> CancelAsync(DbContext db, long instanceId, string actor, string? reason, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason?.Length > ReasonMaxLength)
            reason = reason[..ReasonMaxLength];
        using var _ = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var instance = await db.Set<WorkflowInstance>().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null)
            return new OperationResult(OperationOutcome.NotFound);
        if (!instance.IsFlow)
            return new OperationResult(OperationOutcome.NotAFlow, instance.Status);
        if (instance.Status is WorkflowInstanceStatus.Completed or WorkflowInstanceStatus.Cancelled)
            return new OperationResult(OperationOutcome.AlreadyEnded, instance.Status);

        var now = time.GetUtcNow().UtcDateTime;
        var ended = new List<WorkflowInstance> { instance };
        End(db, instance, now, actor, reason is null ? null : "Reason: " + reason);
        // The for-each children, level by level.
        for (var parents = new List<long> { instance.Id }; parents.Count > 0;)
        {
            var children = await db.Set<WorkflowInstance>()
                .Where(i => i.ParentInstanceId != null && parents.Contains(i.ParentInstanceId.Value)
                    && i.Status != WorkflowInstanceStatus.Completed && i.Status != WorkflowInstanceStatus.Cancelled)
                .ToListAsync(cancellationToken);
            foreach (var child in children)
                End(db, child, now, actor, $"Its parent instance #{child.ParentInstanceId} was cancelled.");
            ended.AddRange(children);
            parents = children.Select(c => c.Id).ToList();
        }

        var ids = ended.Select(i => i.Id).ToList();
        await db.Set<WorkflowTimer>()
            .Where(t => ids.Contains(t.InstanceId) && (t.State == WorkflowTimerState.Pending || t.State == WorkflowTimerState.Faulted))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.State, WorkflowTimerState.Cancelled), cancellationToken);
        await db.Set<WorkflowTask>()
            .Where(t => ids.Contains(t.InstanceId) && t.Status == WorkflowTaskStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, WorkflowTaskStatus.Cancelled), cancellationToken);
        if (instance.ParentInstanceId is { } parentId)
            await TellParentAsync(db, instance, parentId, now, cancellationToken);

        if (!await SaveAsync(db, transaction, cancellationToken))
            return new OperationResult(OperationOutcome.Conflict, instance.Status);
        logger.LogInformation("{Actor} cancelled workflow instance {InstanceId} ({RunKey}) at step {Step}, with {Children} child instance(s).",
            actor, instance.Id, instance.RunKey, instance.CurrentStep, ended.Count - 1);
        return new OperationResult(OperationOutcome.Done, WorkflowInstanceStatus.Cancelled, ended.Count);
    }

    private static void End(DbContext db, WorkflowInstance instance, DateTime now, string actor, string? detail)
    {
        instance.Status = WorkflowInstanceStatus.Cancelled;
        instance.EndedAt = now;
        instance.EndReason = CancelledEvent;
        instance.UpdatedAt = now;
        instance.Revision++;
        History(db, instance, now, CancelledEvent, actor, detail);
    }

    /// <summary>The same "a child ended" event an end step sends: the parent's for-each join counts the cancelled child as done.</summary>
    private static async Task TellParentAsync(DbContext db, WorkflowInstance child, long parentId, DateTime now, CancellationToken cancellationToken)
    {
        var parentLive = await db.Set<WorkflowInstance>().AnyAsync(i => i.Id == parentId && i.Status == WorkflowInstanceStatus.Running, cancellationToken);
        if (!parentLive || JsonNode.Parse(child.VariablesJson ?? "{}")?["parent"] is not JsonObject parent
            || parent["step"]?.ToString() is not { } step || parent["entry"]?.GetValue<int>() is not { } entry)
            return;
        var argument = child.Id.ToString(CultureInfo.InvariantCulture);
        var key = FlowEngine.TimerKey(parentId, entry, FlowEvents.ChildEnded, argument);
        if (await db.Set<WorkflowTimer>().AnyAsync(t => t.Key == key, cancellationToken))
            return;
        db.Set<WorkflowTimer>().Add(FlowEvents.Row(parentId, FlowEvents.ChildEnded, step, entry, argument, now, now));
    }

    private static void History(DbContext db, WorkflowInstance instance, DateTime now, string @event, string actor, string? detail) =>
        db.Set<WorkflowHistoryEntry>().Add(WorkflowHistoryEntry.Of(instance.Id, now, instance.CurrentStep, @event, actor, detail));

    /// <summary>Commits; false (rolled back) when the runtime changed one of the instances meanwhile (its revision moved).</summary>
    private static async Task<bool> SaveAsync(DbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
