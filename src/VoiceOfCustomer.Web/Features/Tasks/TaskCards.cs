using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>One outcome a person may choose, labelled in the language of the page (or of the API's task).</summary>
public sealed record OutcomeChoice(string Key, string Label, bool Objection);

/// <summary>A task as people see it: its workflow's name, and the step's title, instructions and outcomes in one language.</summary>
public sealed record TaskCard(WorkflowTask Task, string Workflow, string Title, string? Instructions, IReadOnlyList<OutcomeChoice> Outcomes)
{
    public string? OutcomeLabel => Task.Outcome is { } key ? Outcomes.FirstOrDefault(o => o.Key == key)?.Label ?? key : null;
}

/// <summary>
/// Reads the words of tasks from the definition version each instance is pinned to, so a task shows the title and outcome
/// labels it was created with, in English or Chinese whatever language its mail went out in.
/// </summary>
public sealed class TaskCards(IWorkflowVersions versions)
{
    /// <param name="language">The page's language; null writes each task in its own (the assignee's) language.</param>
    public async Task<IReadOnlyList<TaskCard>> ForAsync(DbContext db, IReadOnlyList<WorkflowTask> tasks, string? language, CancellationToken cancellationToken)
    {
        var instanceIds = tasks.Select(t => t.InstanceId).Distinct().ToList();
        var records = await db.Set<WorkflowInstance>().AsNoTracking().Where(i => instanceIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.DefinitionRecordId, cancellationToken);
        var cards = new List<TaskCard>(tasks.Count);
        foreach (var task in tasks)
        {
            // Versions are cached by the catalog: one read per definition version, not per task.
            var definition = await versions.GetAsync(db, records[task.InstanceId], cancellationToken);
            cards.Add(For(task, definition.Name, definition.Flow?.Steps.GetValueOrDefault(task.Step) as HumanTaskFlowStep, language));
        }
        return cards;
    }

    public static TaskCard For(TaskView view, string? language) => For(view.Task, view.WorkflowName, view.Step, language);

    private static TaskCard For(WorkflowTask task, string workflow, HumanTaskFlowStep? step, string? language)
    {
        var lang = language ?? task.Language;
        var outcomes = step?.Outcomes.Select(o => new OutcomeChoice(o.Key, o.Label.For(lang), o.Objection)).ToList() ?? [];
        var instructions = step?.Instructions?.For(lang);
        return new TaskCard(task, workflow, step?.Title.For(lang) ?? task.Title, string.IsNullOrWhiteSpace(instructions) ? null : instructions, outcomes);
    }
}
