using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Diagrams;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Workflows;

public sealed record DefinitionSummary(PublishedWorkflow Published, IReadOnlyDictionary<WorkflowInstanceStatus, int> Live)
{
    public WorkflowDefinition Definition => Published.Definition;
    public int Count(WorkflowInstanceStatus status) => Live.GetValueOrDefault(status);

    /// <summary>The states a live instance of this definition can be in: only a clock pauses.</summary>
    public IReadOnlyList<WorkflowInstanceStatus> LiveStates => Definition.Flow is null
        ? [WorkflowInstanceStatus.Running, WorkflowInstanceStatus.Paused, WorkflowInstanceStatus.Faulted]
        : [WorkflowInstanceStatus.Running, WorkflowInstanceStatus.Faulted];
}

public sealed record DefinitionListViewModel(IReadOnlyList<DefinitionSummary> Definitions);

public sealed record DefinitionViewModel(DefinitionSummary Summary, IReadOnlyList<(WorkflowDefinitionRecord Record, int Instances)> Versions);

public sealed record InstanceListViewModel(
    InstanceFilter Filter, InstancePage Page, IReadOnlyList<string> Errors, IReadOnlyList<WorkflowDefinition> Definitions, IReadOnlyList<string> SubjectTypes)
{
    public string DefinitionName(string id) => Definitions.FirstOrDefault(d => d.Id == id)?.Name ?? id;
}

public sealed record InstanceViewModel(InstanceDetails Details, string? Error)
{
    public WorkflowInstance Instance => Details.Instance;
    public bool CanRetry => Instance.Status == WorkflowInstanceStatus.Faulted;
    public bool CanCancel => Instance.IsFlow && Instance.Status is not (WorkflowInstanceStatus.Completed or WorkflowInstanceStatus.Cancelled);

    /// <summary>The steps the instance has entered, from its history.</summary>
    public IReadOnlyCollection<string> Visited => Instance.IsFlow
        ? Details.History.Where(h => h.Event is "entered" or "passed" && h.Step is not null).Select(h => h.Step!).Distinct().ToList()
        : [WorkflowDiagram.ClockStart, .. FiredMilestones];

    public IReadOnlyList<string> FiredMilestones => Instance.FiredMilestones.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Where the instance stands: its step, or for a clock its next milestone (the end once it is over).</summary>
    public string? Highlighted
    {
        get
        {
            if (Instance.IsFlow)
                return Instance.CurrentStep;
            if (Instance.Status is WorkflowInstanceStatus.Completed or WorkflowInstanceStatus.Cancelled)
                return WorkflowDiagram.ClockEnd;
            var fired = FiredMilestones.ToHashSet(StringComparer.Ordinal);
            return Details.Definition.Milestones.FirstOrDefault(m => !fired.Contains(m.Name))?.Name ?? WorkflowDiagram.ClockEnd;
        }
    }

    /// <summary>The label of a task's outcome as the step names it, in the UI's language.</summary>
    public string? OutcomeLabel(WorkflowTask task) =>
        task.Outcome is null ? null
        : (Details.Definition.Flow?.Steps.GetValueOrDefault(task.Step) as HumanTaskFlowStep)?.Outcomes.FirstOrDefault(o => o.Key == task.Outcome)?.Label.For(WorkflowPages.Language)
          ?? task.Outcome;
}

/// <summary>What the operations pages share: the diagram in the UI's language, and the words for the runtime's fixed names.</summary>
public static class WorkflowPages
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        // Chinese stays readable; the page encodes what it shows anyway.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>History events (<see cref="WorkflowHistoryEntry.Event"/>) → their English label (a string-table key).</summary>
    public static readonly IReadOnlyDictionary<string, string> EventLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["entered"] = "Entered the step",
        ["left"] = "Left the step",
        ["passed"] = "Passed through the step",
        ["signal-ignored"] = "Signal ignored",
        ["no-assignees"] = "Nobody to ask",
        ["tasks-created"] = "Tasks created",
        ["task-answered"] = "Task answered",
        ["reminded"] = "Reminders sent",
        ["children-started"] = "Child instances started",
        ["completed"] = "Completed",
        ["attempt-failed"] = "Attempt failed",
        ["faulted"] = "Faulted",
        [WorkflowOperations.RetriedEvent] = "Retried by an Admin",
        [WorkflowOperations.CancelledEvent] = "Cancelled by an Admin",
    };

    /// <summary>What a flow's timer row stands for (<see cref="WorkflowTimer.Milestone"/>) → its English label.</summary>
    public static readonly IReadOnlyDictionary<string, string> TimerLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [FlowEvents.Start] = "Start",
        [FlowEvents.StepTimer] = "Timer step ends",
        [FlowEvents.SignalTimeout] = "No signal in time",
        [FlowEvents.Signal] = "Signal arrived",
        [FlowEvents.Reminder] = "Reminder",
        [FlowEvents.Deadline] = "Deadline",
        [FlowEvents.TaskAnswered] = "Task answered",
        [FlowEvents.ChildEnded] = "Child instance ended",
    };

    /// <summary>The runtime's own actors → their English label; people (e-mail addresses) and app instances are shown as they are.</summary>
    public static readonly IReadOnlyDictionary<string, string> ActorLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["runtime"] = "Runtime",
        ["timer"] = "Timer",
        ["signal"] = "Signal",
        ["cron"] = "Calendar (cron)",
        ["cli"] = "Command line",
        ["start"] = "Start",
    };

    /// <summary>Diagram phrases whose key would differ only in case from another entry of the string table (which cannot hold both) get a context.</summary>
    private static readonly IReadOnlyDictionary<string, string> PhraseKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["rejected"] = "transition|rejected",
    };

    private static string PhraseKey(string phrase) => PhraseKeys.GetValueOrDefault(phrase, phrase);

    public static IEnumerable<string> AllLabels =>
        EventLabels.Values.Concat(TimerLabels.Values).Concat(ActorLabels.Values).Concat(WorkflowDiagram.Phrases.Select(PhraseKey));

    public static string Language => VocCultures.UiIsChinese ? VocCultures.Chinese : VocCultures.English;

    public static string Event(IStringLocalizer t, string @event) => EventLabels.TryGetValue(@event, out var label) ? t[label] : @event;

    public static string Timer(IStringLocalizer t, string milestone) => TimerLabels.TryGetValue(milestone, out var label) ? t[label] : milestone;

    public static string Actor(IStringLocalizer t, string actor) =>
        ActorLabels.TryGetValue(actor, out var label) ? t[label]
        : actor.StartsWith("signal ", StringComparison.Ordinal) ? $"{t["Signal"]} {actor[7..]}"
        : actor.StartsWith("link:", StringComparison.Ordinal) ? t["E-mail link of {0}", actor[5..]]
        : actor;

    /// <summary>The definition's diagram, in the UI's language (the SVG encodes its own text).</summary>
    public static IHtmlContent Diagram(WorkflowDefinition definition, IStringLocalizer t, string idPrefix, string? highlighted = null, IReadOnlyCollection<string>? visited = null) =>
        new HtmlString(WorkflowDiagram.Render(definition, new DiagramOptions
        {
            Highlighted = highlighted,
            Visited = visited ?? [],
            Language = Language,
            Translate = phrase => t[PhraseKey(phrase)],
            IdPrefix = idPrefix,
        }));

    public static string Kind(IStringLocalizer t, WorkflowDefinition definition) =>
        definition.Flow is null ? t["Clock (SLA)"] : t["Steps"];

    public static string StepKind(IStringLocalizer t, string kind) => t[WorkflowDiagram.KindPhrase(kind)];

    public static string Transition(IStringLocalizer t, string label) => WorkflowDiagram.TransitionPhrase(label, phrase => t[PhraseKey(phrase)]);

    public static string SignalLabel(IStringLocalizer t, SignalAction action) => t[WorkflowDiagram.SignalPhrase(action)];

    /// <summary>A JSON text indented for reading; text that is not JSON as it is.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return "{}";
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public static string Duration(TimeSpan span) => span.ToString(span.Ticks % TimeSpan.TicksPerSecond == 0 ? @"d\.hh\:mm\:ss" : "c", System.Globalization.CultureInfo.InvariantCulture);
}
