using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>
/// Position after the last task of an API page: soonest deadline first, ties by id, then the tasks without a deadline by
/// id. A task without one is written with <see cref="DateTime.MaxValue"/>, which no deadline reaches.
/// </summary>
public readonly record struct OpenTaskCursor(DateTime? DueAt, long Id)
{
    // The (instant, id) pair of the feedback list's cursor, so the API's cursors all look alike.
    public string Encode() => new FeedbackCursor(DueAt ?? DateTime.MaxValue, Id).Encode();

    public static bool TryDecode(string? value, out OpenTaskCursor cursor)
    {
        cursor = default;
        if (!FeedbackCursor.TryDecode(value, out var decoded))
            return false;
        cursor = new OpenTaskCursor(decoded.ReceivedAt == DateTime.MaxValue ? null : decoded.ReceivedAt, decoded.Id);
        return true;
    }
}

/// <summary>
/// A user's open tasks for the API, keyset paged in the order of My tasks. Each read walks the partial index of open
/// tasks by assignee, deadline and id (<c>IX_WorkflowTasks_OpenByAssignee</c>), so the thousandth page costs what the first does.
/// </summary>
public static class OpenTaskPages
{
    public const int MaxPageSize = 200;

    /// <summary>Up to <paramref name="pageSize"/> tasks after <paramref name="after"/>, and whether more follow.</summary>
    public static async Task<(List<WorkflowTask> Tasks, bool More)> ReadAsync(DbContext db, string userId, OpenTaskCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        var open = db.Set<WorkflowTask>().AsNoTracking().Where(t => t.AssigneeUserId == userId && t.Status == WorkflowTaskStatus.Open);
        var tasks = new List<WorkflowTask>();
        if (after is not { DueAt: null })
        {
            var dated = open.Where(t => t.DueAt != null);
            if (after is { DueAt: { } due, Id: var id })
                dated = dated.Where(t => t.DueAt > due || (t.DueAt == due && t.Id > id));
            tasks.AddRange(await dated.OrderBy(t => t.DueAt).ThenBy(t => t.Id).Take(pageSize + 1).ToListAsync(cancellationToken));
        }
        if (tasks.Count <= pageSize)
        {
            var undated = open.Where(t => t.DueAt == null);
            if (after is { DueAt: null, Id: var id })
                undated = undated.Where(t => t.Id > id);
            tasks.AddRange(await undated.OrderBy(t => t.Id).Take(pageSize + 1 - tasks.Count).ToListAsync(cancellationToken));
        }
        var more = tasks.Count > pageSize;
        return (more ? tasks[..pageSize] : tasks, more);
    }
}
