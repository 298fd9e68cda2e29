using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Flows;

public enum TaskAnswerStatus
{
    Completed,
    NotFound,
    /// <summary>The person answering is not the task's assignee.</summary>
    NotAssigned,
    /// <summary>It was answered already (by this person, or through their link).</summary>
    AlreadyAnswered,
    /// <summary>The deadline passed, or the step was decided (or cancelled) without this answer.</summary>
    Closed,
    InvalidOutcome,
    CommentTooLong,
}

public sealed record TaskAnswer(TaskAnswerStatus Status, WorkflowTask? Task);

/// <summary>Who answers: a signed-in user (or an API key's user), or the holder of the task's e-mail link.</summary>
public sealed record TaskActor(string? UserId, string Label, bool ViaLink);

/// <summary>A task with what its page shows: the workflow's name and the step's outcomes and instructions.</summary>
public sealed record TaskView(WorkflowTask Task, string WorkflowName, HumanTaskFlowStep? Step, string? RunKey, WorkflowInstanceStatus InstanceStatus);

/// <summary>Reads and answers human tasks. Answering is a conditional update (open → completed), so a task is answered once.</summary>
public sealed class WorkflowTasks(IWorkflowVersions versions, IWorkflowWriteGate gate, TimeProvider time)
{
    public const int CommentMaxLength = 4000;

    /// <summary>One page of a user's open tasks, soonest deadline first (tasks without one last), and how many there are.</summary>
    public async Task<(IReadOnlyList<WorkflowTask> Tasks, int Total)> MineAsync(DbContext db, string userId, int page, int pageSize, CancellationToken cancellationToken)
    {
        var open = db.Set<WorkflowTask>().AsNoTracking().Where(t => t.AssigneeUserId == userId && t.Status == WorkflowTaskStatus.Open);
        var total = await open.CountAsync(cancellationToken);
        var skip = (page - 1) * pageSize;
        // Two index-ordered reads instead of one sort of every open task: dated ones first, then the undated.
        var tasks = await open.Where(t => t.DueAt != null).OrderBy(t => t.DueAt).ThenBy(t => t.Id).Skip(skip).Take(pageSize).ToListAsync(cancellationToken);
        if (tasks.Count < pageSize)
        {
            // Past the dated ones: the undated follow, oldest first.
            var dated = tasks.Count > 0 ? skip + tasks.Count : await open.CountAsync(t => t.DueAt != null, cancellationToken);
            tasks.AddRange(await open.Where(t => t.DueAt == null).OrderBy(t => t.Id).Skip(Math.Max(0, skip - dated)).Take(pageSize - tasks.Count).ToListAsync(cancellationToken));
        }
        return (tasks, total);
    }

    public async Task<TaskView?> ViewAsync(DbContext db, long taskId, CancellationToken cancellationToken)
    {
        var task = await db.Set<WorkflowTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
            return null;
        var instance = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.Id == task.InstanceId)
            .Select(i => new { i.DefinitionRecordId, i.RunKey, i.Status }).FirstAsync(cancellationToken);
        var definition = await versions.GetAsync(db, instance.DefinitionRecordId, cancellationToken);
        var step = definition.Flow?.Steps.GetValueOrDefault(task.Step) as HumanTaskFlowStep;
        return new TaskView(task, definition.Name, step, instance.RunKey, instance.Status);
    }

    /// <summary>Answers a task and queues the event that lets the runtime decide the step. Saves, in its own transaction.</summary>
    public async Task<TaskAnswer> CompleteAsync(DbContext db, long taskId, TaskActor actor, string? outcome, string? comment, CancellationToken cancellationToken)
    {
        var view = await ViewAsync(db, taskId, cancellationToken);
        if (view is null)
            return new TaskAnswer(TaskAnswerStatus.NotFound, null);
        var task = view.Task;
        if (!actor.ViaLink && task.AssigneeUserId != actor.UserId)
            return new TaskAnswer(TaskAnswerStatus.NotAssigned, task);
        var now = time.GetUtcNow().UtcDateTime;
        if (task.Status == WorkflowTaskStatus.Completed)
            return new TaskAnswer(TaskAnswerStatus.AlreadyAnswered, task);
        if (task.Status != WorkflowTaskStatus.Open || task.DueAt <= now || view.InstanceStatus != WorkflowInstanceStatus.Running)
            return new TaskAnswer(TaskAnswerStatus.Closed, task);
        if (view.Step is null || outcome is null || view.Step.Outcomes.All(o => o.Key != outcome))
            return new TaskAnswer(TaskAnswerStatus.InvalidOutcome, task);
        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment?.Length > CommentMaxLength)
            return new TaskAnswer(TaskAnswerStatus.CommentTooLong, task);

        var by = actor.ViaLink ? $"link:{task.AssigneeEmail}" : actor.Label;
        using var _ = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await db.Set<WorkflowTask>()
            .Where(t => t.Id == taskId && t.Status == WorkflowTaskStatus.Open)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, WorkflowTaskStatus.Completed)
                .SetProperty(t => t.Outcome, outcome)
                .SetProperty(t => t.Comment, comment)
                .SetProperty(t => t.CompletedAt, now)
                .SetProperty(t => t.CompletedBy, by), cancellationToken);
        if (changed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var again = await db.Set<WorkflowTask>().AsNoTracking().FirstAsync(t => t.Id == taskId, cancellationToken);
            return new TaskAnswer(again.Status == WorkflowTaskStatus.Completed ? TaskAnswerStatus.AlreadyAnswered : TaskAnswerStatus.Closed, again);
        }
        db.Set<WorkflowTimer>().Add(FlowEvents.Row(task.InstanceId, FlowEvents.TaskAnswered, task.Step, task.StepEntry,
            taskId.ToString(System.Globalization.CultureInfo.InvariantCulture), now, now));
        db.Set<WorkflowHistoryEntry>().Add(WorkflowHistoryEntry.Of(task.InstanceId, now, task.Step, @event: "task-answered", by,
            comment is null ? outcome : $"{outcome}: {(comment.Length > 1900 ? comment[..1900] + "…" : comment)}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        task.Status = WorkflowTaskStatus.Completed;
        task.Outcome = outcome;
        task.Comment = comment;
        task.CompletedAt = now;
        task.CompletedBy = by;
        return new TaskAnswer(TaskAnswerStatus.Completed, task);
    }
}
