using System.Text.Json.Nodes;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>
/// The steps of a step-based definition (a "flow"): named steps joined by transitions, started at <see cref="Start"/>.
/// The attribution SLA is the other form, a clock with milestones (<see cref="Definitions.WorkflowClock"/>). See docs/workflows.md.
/// </summary>
public sealed record FlowModel(
    string Start,
    IReadOnlyDictionary<string, FlowStep> Steps,
    FlowTrigger Trigger,
    TimeSpan? ClockTarget,
    IReadOnlyDictionary<string, JsonNode?> Variables);

/// <summary>How instances start: by hand (CLI, API of the app), by the calendar (cron), or by application code.</summary>
/// <param name="Cron">Five-field cron expression, evaluated in <c>Organisation:TimeZone</c>.</param>
/// <param name="FirstWorkingDayOnOrAfter">Moves each cron occurrence to the first working day of <c>Organisation:CalendarKey</c> on or after it.</param>
/// <param name="RunKey">Template of the run key, e.g. <c>quarterly-retro:{previousQuarter}</c>; see <see cref="RunKeys"/>.</param>
public sealed record FlowTrigger(bool Manual, string? Cron, bool FirstWorkingDayOnOrAfter, string? RunKey);

/// <summary>A localised text: English and, when given, Chinese.</summary>
public sealed record LocalizedText(string En, string? Zh)
{
    public string For(string? language) => language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(Zh) ? Zh : En;
}

/// <summary>A duration: literal, a <c>$parameter</c>, or the variable <c>@name</c> (a duration string or a date to reach).</summary>
public sealed record FlowValue(TimeSpan? Duration, string? Parameter, string? Variable)
{
    public override string ToString() => Duration is { } d ? d.ToString("c") : Parameter is { } p ? "$" + p : "@" + Variable;
}

public abstract record FlowStep(string Name, LocalizedText? Label)
{
    public abstract string Kind { get; }

    /// <summary>Every transition out of the step: (label, target step).</summary>
    public abstract IEnumerable<(string Label, string Target)> Transitions { get; }

    /// <summary>True when the instance stops here until something outside happens (time, a signal, people, children).</summary>
    public virtual bool Waits => false;
}

/// <summary>Runs a registered activity (<see cref="IFlowActivity"/>), then goes on.</summary>
public sealed record ActivityFlowStep(string Name, LocalizedText? Label, string Activity, JsonObject Settings, string Next) : FlowStep(Name, Label)
{
    public override string Kind => "activity";
    public override IEnumerable<(string, string)> Transitions => [("", Next)];
}

/// <summary>Waits until a named signal reaches the instance, or the optional timeout passes.</summary>
public sealed record WaitSignalFlowStep(string Name, LocalizedText? Label, string Signal, string Next, FlowValue? Timeout, string? OnTimeout) : FlowStep(Name, Label)
{
    public override string Kind => "wait-signal";
    public override bool Waits => true;
    public override IEnumerable<(string, string)> Transitions =>
        OnTimeout is null ? [(Signal, Next)] : [(Signal, Next), ("timeout", OnTimeout)];
}

/// <summary>Waits for a duration, a share of the instance's clock, or until a date; in working time when <see cref="UseCalendar"/>.</summary>
public sealed record TimerFlowStep(string Name, LocalizedText? Label, FlowValue? After, double? Share, string? Until, bool UseCalendar, string Next) : FlowStep(Name, Label)
{
    public override string Kind => "timer";
    public override bool Waits => true;
    public override IEnumerable<(string, string)> Transitions => [("", Next)];
}

/// <summary>Who a human task goes to: a role's users, named users (e-mail addresses), the address in a variable, or a resolver's people.</summary>
/// <param name="Kind">What sort of assignee this is (e.g. <c>customer</c>, <c>csm</c>), for "at least N including one of a kind".</param>
public sealed record TaskAssignees(string? Role, IReadOnlyList<string> Users, string? Variable, string? Resolver, string Kind);

public sealed record TaskOutcome(string Key, LocalizedText Label, bool Objection);

public enum CompletionRule
{
    All,
    Any,
    AtLeast,
}

/// <param name="Outcome">The outcome that counts towards the rule (the first outcome that is not an objection by default).</param>
/// <param name="Including">With <see cref="CompletionRule.AtLeast"/>: one of the counted answers must come from an assignee of this kind.</param>
/// <param name="ObjectionBlocks">Any objection rejects the step at once.</param>
public sealed record TaskCompletion(CompletionRule Rule, int Count, string Outcome, string? Including, bool ObjectionBlocks);

/// <summary>
/// Creates one task per assignee and waits until the completion rule is met (transition <c>approved</c>), can no longer be
/// met or an objection blocks (<c>rejected</c>), or the deadline passes (<c>timeout</c>). Reminders go out at shares of the deadline.
/// </summary>
public sealed record HumanTaskFlowStep(
    string Name,
    LocalizedText? Label,
    LocalizedText Title,
    LocalizedText? Instructions,
    IReadOnlyList<TaskAssignees> Assignees,
    IReadOnlyList<TaskOutcome> Outcomes,
    TaskCompletion Completion,
    FlowValue? Deadline,
    IReadOnlyList<double> Reminders,
    string OnApproved,
    string OnRejected,
    string? OnTimeout) : FlowStep(Name, Label)
{
    public override string Kind => "human-task";
    public override bool Waits => true;
    public override IEnumerable<(string, string)> Transitions =>
        OnTimeout is null ? [("approved", OnApproved), ("rejected", OnRejected)] : [("approved", OnApproved), ("rejected", OnRejected), ("timeout", OnTimeout)];
}

/// <summary>A comparison of one variable (dotted path) with a value; <see cref="All"/>/<see cref="Any"/> combine conditions.</summary>
public sealed record FlowCondition(string? Variable, string? Operator, JsonNode? Value, IReadOnlyList<FlowCondition>? All, IReadOnlyList<FlowCondition>? Any);

public sealed record DecisionBranch(FlowCondition When, string Next);

public sealed record DecisionFlowStep(string Name, LocalizedText? Label, IReadOnlyList<DecisionBranch> Branches, string Otherwise) : FlowStep(Name, Label)
{
    public override string Kind => "decision";
    public override IEnumerable<(string, string)> Transitions =>
        Branches.Select((b, i) => ($"{Conditions.Describe(b.When)}", b.Next)).Append(("otherwise", Otherwise));
}

/// <summary>Starts one child instance of <see cref="Workflow"/> per item of the array variable <see cref="Items"/>, then waits for all of them (the join).</summary>
/// <param name="ItemKey">Property of each item that names it in the child's run key (its index when absent).</param>
public sealed record ForEachFlowStep(string Name, LocalizedText? Label, string Items, string Workflow, string ItemVariable, string? ItemKey, string Next) : FlowStep(Name, Label)
{
    public override string Kind => "for-each";
    public override bool Waits => true;
    public override IEnumerable<(string, string)> Transitions => [("all done", Next)];
}

public sealed record EndFlowStep(string Name, LocalizedText? Label, string Outcome) : FlowStep(Name, Label)
{
    public override string Kind => "end";
    public override IEnumerable<(string, string)> Transitions => [];
}
