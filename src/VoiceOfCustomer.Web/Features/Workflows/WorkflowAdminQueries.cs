using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Web.Features.Workflows;

/// <summary>The instances list's filters as they come in the address; <see cref="Parse"/> turns them into a query, naming each bad one.</summary>
public sealed class InstanceFilterInput
{
    public string? Definition { get; set; }
    public string? State { get; set; }
    public string? SubjectType { get; set; }
    public string? SubjectId { get; set; }
    public long? Before { get; set; }

    public InstanceFilter Parse(IReadOnlyCollection<string> definitionIds, IStringLocalizer t, List<string> errors)
    {
        string? definition = null;
        if (!string.IsNullOrWhiteSpace(Definition))
        {
            if (definitionIds.Contains(Definition.Trim()))
                definition = Definition.Trim();
            else
                errors.Add(t["Workflow: no definition has the id '{0}'.", Definition.Trim()]);
        }
        WorkflowInstanceStatus? state = null;
        if (!string.IsNullOrWhiteSpace(State))
        {
            if (Enum.TryParse<WorkflowInstanceStatus>(State.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(State.Trim()[0]))
                state = parsed;
            else
                errors.Add(t["State: '{0}' is not a state of an instance.", State.Trim()]);
        }
        long? subjectId = null;
        if (!string.IsNullOrWhiteSpace(SubjectId))
        {
            if (long.TryParse(SubjectId.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                subjectId = id;
            else
                errors.Add(t["Subject id: '{0}' is not a whole number.", SubjectId.Trim()]);
        }
        var subjectType = string.IsNullOrWhiteSpace(SubjectType) ? null : SubjectType.Trim();
        return new InstanceFilter(definition, state, subjectType, subjectId, Before is > 0 ? Before : null);
    }
}

public sealed record InstanceFilter(string? Definition, WorkflowInstanceStatus? State, string? SubjectType, long? SubjectId, long? Before)
{
    public bool IsFiltered => Definition is not null || State is not null || SubjectType is not null || SubjectId is not null;

    /// <summary>The list's address with these filters (and <paramref name="before"/> for a later page).</summary>
    public string Href(long? before = null)
    {
        var query = new List<string>();
        if (Definition is not null) query.Add("definition=" + Uri.EscapeDataString(Definition));
        if (State is not null) query.Add("state=" + State);
        if (SubjectType is not null) query.Add("subjectType=" + Uri.EscapeDataString(SubjectType));
        if (SubjectId is not null) query.Add("subjectId=" + SubjectId.Value.ToString(CultureInfo.InvariantCulture));
        if (before is not null) query.Add("before=" + before.Value.ToString(CultureInfo.InvariantCulture));
        return "/admin/workflows/instances" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }
}

public sealed record InstanceRow(
    long Id, string DefinitionId, int Version, string? RunKey, string SubjectType, long SubjectId, WorkflowInstanceStatus Status,
    string? CurrentStep, string FiredMilestones, DateTime StartedAt, DateTime UpdatedAt, DateTime? EndedAt, long? ParentInstanceId);

public sealed record InstancePage(IReadOnlyList<InstanceRow> Rows, int Total, long? NextBefore);

/// <summary>Everything the instance page shows, read in one go.</summary>
public sealed record InstanceDetails(
    WorkflowInstance Instance,
    WorkflowDefinition Definition,
    int Version,
    IReadOnlyList<WorkflowHistoryEntry> History,
    IReadOnlyList<WorkflowTimer> Timers,
    IReadOnlyList<WorkflowTask> Tasks,
    IReadOnlyList<InstanceRow> Children,
    int ChildCount);

/// <summary>The reads of the operations pages. Lists walk the instances newest first by id (keyset), on the (definition, state, id) index.</summary>
public sealed class WorkflowAdminQueries(VocDbContext db, IWorkflowVersions versions)
{
    public const int PageSize = 50;
    public const int ChildrenShown = 100;

    /// <summary>Live instances (running, paused, faulted) per definition and state.</summary>
    public async Task<Dictionary<string, Dictionary<WorkflowInstanceStatus, int>>> LiveCountsAsync(CancellationToken cancellationToken)
    {
        var counts = await db.WorkflowInstances.AsNoTracking()
            .Where(i => i.Status == WorkflowInstanceStatus.Running || i.Status == WorkflowInstanceStatus.Paused || i.Status == WorkflowInstanceStatus.Faulted)
            .GroupBy(i => new { i.DefinitionId, i.Status })
            .Select(g => new { g.Key.DefinitionId, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return counts.GroupBy(c => c.DefinitionId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(c => c.Status, c => c.Count), StringComparer.Ordinal);
    }

    /// <summary>The stored versions of a definition, newest first, with how many instances each has.</summary>
    public async Task<IReadOnlyList<(WorkflowDefinitionRecord Record, int Instances)>> VersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        var records = await db.WorkflowDefinitions.AsNoTracking().Where(r => r.DefinitionId == definitionId)
            .OrderByDescending(r => r.Version).ToListAsync(cancellationToken);
        var ids = records.Select(r => r.Id).ToList();
        var counts = await db.WorkflowInstances.AsNoTracking().Where(i => ids.Contains(i.DefinitionRecordId))
            .GroupBy(i => i.DefinitionRecordId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return records.Select(r => (r, counts.GetValueOrDefault(r.Id))).ToList();
    }

    public async Task<InstancePage> ListAsync(InstanceFilter filter, CancellationToken cancellationToken)
    {
        var matching = db.WorkflowInstances.AsNoTracking();
        if (filter.Definition is { } definition)
            matching = matching.Where(i => i.DefinitionId == definition);
        if (filter.State is { } state)
            matching = matching.Where(i => i.Status == state);
        if (filter.SubjectType is { } subjectType)
            matching = matching.Where(i => i.SubjectType == subjectType);
        if (filter.SubjectId is { } subjectId)
            matching = matching.Where(i => i.SubjectId == subjectId);
        var total = await matching.CountAsync(cancellationToken);
        var page = filter.Before is { } before ? matching.Where(i => i.Id < before) : matching;
        var rows = await Rows(page.OrderByDescending(i => i.Id).Take(PageSize + 1)).ToListAsync(cancellationToken);
        var next = rows.Count > PageSize ? rows[PageSize - 1].Id : (long?)null;
        return new InstancePage(rows.Take(PageSize).ToList(), total, next);
    }

    public async Task<InstanceDetails?> DetailsAsync(long id, CancellationToken cancellationToken)
    {
        var instance = await db.WorkflowInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (instance is null)
            return null;
        var definition = await versions.GetAsync(db, instance.DefinitionRecordId, cancellationToken);
        var version = await db.WorkflowDefinitions.Where(r => r.Id == instance.DefinitionRecordId).Select(r => r.Version).FirstAsync(cancellationToken);
        var history = await db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == id).OrderBy(h => h.Id).ToListAsync(cancellationToken);
        var timers = await db.WorkflowTimers.AsNoTracking()
            .Where(t => t.InstanceId == id && (t.State == WorkflowTimerState.Pending || t.State == WorkflowTimerState.Faulted))
            .OrderBy(t => t.ResumeAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
        var tasks = await db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == id).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var children = db.WorkflowInstances.AsNoTracking().Where(i => i.ParentInstanceId == id);
        var childCount = await children.CountAsync(cancellationToken);
        var shown = childCount == 0 ? [] : await Rows(children.OrderBy(i => i.Id).Take(ChildrenShown)).ToListAsync(cancellationToken);
        return new InstanceDetails(instance, definition, version, history, timers, tasks, shown, childCount);
    }

    private static IQueryable<InstanceRow> Rows(IQueryable<WorkflowInstance> instances) =>
        instances.Select(i => new InstanceRow(i.Id, i.DefinitionId, i.DefinitionRecord!.Version, i.RunKey, i.SubjectType, i.SubjectId, i.Status,
            i.CurrentStep, i.FiredMilestones, i.StartedAt, i.UpdatedAt, i.EndedAt, i.ParentInstanceId));
}
