namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>
/// A parsed, validated workflow definition: a clock with a target, milestones at shares of that target, and
/// the signals that start, pause, resume or complete it. See <c>docs/workflows.md</c> and
/// <c>workflows/workflow.schema.json</c> for the file format.
/// </summary>
public sealed record WorkflowDefinition(
    string Id,
    string Name,
    string SubjectType,
    IReadOnlyDictionary<string, WorkflowParameter> Parameters,
    WorkflowClock Clock,
    IReadOnlyDictionary<string, SignalAction> Signals,
    IReadOnlyList<WorkflowMilestone> Milestones)
{
    /// <summary>The steps of a step-based definition; null for a clock definition (the attribution SLA's form).</summary>
    public Flows.FlowModel? Flow { get; init; }

    /// <summary>The configuration section that overrides parameters: <c>attribution-sla</c> → <c>Workflows:AttributionSla</c>.</summary>
    public string ConfigurationSection => "Workflows:" + string.Concat(
        Id.Split('-', '_', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

public enum WorkflowParameterType
{
    /// <summary>A non-negative time span, written <c>hh:mm:ss</c> or <c>d.hh:mm:ss</c>.</summary>
    Duration,
    /// <summary>A positive share of the clock's target, e.g. <c>0.75</c>.</summary>
    Share,
}

/// <summary>A named value the definition refers to as <c>$name</c>; its default can be overridden by configuration.</summary>
public sealed record WorkflowParameter(string Name, WorkflowParameterType Type, double? DefaultShare, TimeSpan? DefaultDuration, string? Description);

/// <param name="Target">The target: a literal duration or a <c>$parameter</c> reference.</param>
/// <param name="SubjectPolicyMayShorten">When true, a subject whose policy names a shorter target (a stricter segment) uses that.</param>
/// <param name="UseSubjectCalendar">When true, the clock counts working time of the calendar the subject's policy names.</param>
public sealed record WorkflowClock(ValueReference Target, bool SubjectPolicyMayShorten, bool UseSubjectCalendar);

/// <summary>What a signal (a domain event about the subject) does to the workflow.</summary>
public enum SignalAction
{
    /// <summary>Start an instance when the subject has no live one.</summary>
    Start,
    /// <summary>Stop the clock; pending timers are withdrawn.</summary>
    Pause,
    /// <summary>Restart a paused clock, or start a fresh instance when the previous one completed.</summary>
    Resume,
    /// <summary>End the instance: no more milestones.</summary>
    Complete,
    /// <summary>
    /// The subject's policy changed (its segment, or the segment's target or calendar): a live instance takes the target and
    /// calendar the clock gives it now, and its next timer moves. Never starts an instance. (Every signal does this too.)
    /// </summary>
    Retarget,
}

/// <summary>A point on the clock (a share of the target) at which the activities run, once.</summary>
public sealed record WorkflowMilestone(string Name, ValueReference At, IReadOnlyList<ActivityStep> Activities);

/// <summary>One activity of a milestone, e.g. <c>{"activity": "send-email", "to": "cs-lead", "template": "sla-breach"}</c>.</summary>
public sealed record ActivityStep(string Activity, IReadOnlyDictionary<string, string> Settings);

/// <summary>A literal value or a reference (<c>$name</c>) to a parameter.</summary>
public sealed record ValueReference(string? Parameter, double? Share, TimeSpan? Duration)
{
    public static ValueReference ToParameter(string name) => new(name, null, null);
    public static ValueReference OfShare(double share) => new(null, share, null);
    public static ValueReference OfDuration(TimeSpan duration) => new(null, null, duration);
}
