using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// What a page shows for a fixed value (an enum value, a role, an e-mail template): its English label, which is also its
/// key in the string table, so <c>@T.Label(item.Status)</c> reads "In progress" or "处理中", never <c>InProgress</c>.
/// </summary>
public static class Labels
{
    private static readonly Dictionary<Enum, string> English = new()
    {
        [FeedbackStatus.New] = "New",
        [FeedbackStatus.InProgress] = "In progress",
        [FeedbackStatus.AwaitingCustomer] = "Awaiting customer",
        [FeedbackStatus.Attributed] = "Attributed",
        [FeedbackStatus.Duplicate] = "Duplicate",

        [Touchpoint.PreSalesConsult] = "Pre-sales consultation",
        [Touchpoint.SupportTicket] = "Support ticket",
        [Touchpoint.CustomerSuccessInterview] = "Customer success interview",
        [Touchpoint.CommunityPost] = "Community post",
        [Touchpoint.Survey] = "Survey",

        [LifecycleStage.Prospect] = "Prospect",
        [LifecycleStage.New] = "New customer",
        [LifecycleStage.Active] = "Active customer",
        [LifecycleStage.ChurnRisk] = "Churn risk",
        [LifecycleStage.WinBack] = "Win-back",
        [LifecycleStage.Churned] = "Churned",

        [ValueTier.Top] = "Top tier",
        [ValueTier.Middle] = "Middle tier",
        [ValueTier.Rest] = "Lower tier",
        [ValueModel.Contract] = "Contract renewals (shifted-beta-geometric)",
        [ValueModel.Purchases] = "Repeat purchases (BG/NBD + Gamma-Gamma)",
        [ValueModel.Prospect] = "Prospect: comparable customers × conversion probability",
        [ContractStatus.Active] = "contract|Active",
        [ContractStatus.Renewed] = "Renewed",
        [ContractStatus.Cancelled] = "Cancelled",
        [CustomerHistoryKind.Segment] = "Segment",
        [CustomerHistoryKind.Stage] = "Lifecycle stage",
        [MetricUnit.Percent] = "Percent",
        [MetricUnit.Count] = "Count",
        [MetricUnit.Score] = "Score",
        [MetricUnit.Ratio] = "Ratio",
        [MetricUnit.Currency] = "Currency",
        [GoodDirection.Up] = "Higher is better",
        [GoodDirection.Down] = "Lower is better",

        [ContactRole.Buyer] = "Buyer",
        [ContactRole.User] = "User",
        [VoiceRole.Buyer] = "Buyer",
        [VoiceRole.User] = "User",

        [ImpactDirection.Up] = "up",
        [ImpactDirection.Down] = "down",
        [ValueDimension.Pain] = "Pain",
        [ValueDimension.Need] = "Need",
        [ValueDimension.Expectation] = "Expectation",
        [ValueDimension.Dream] = "Dream",
        [AttributionState.None] = "Not coded",
        [AttributionState.Draft] = "Draft",
        [AttributionState.Submitted] = "Submitted",
        [AttributionState.None] = "Not coded",

        [MetricPolarity.HigherIsBetter] = "Higher is better",
        [MetricPolarity.LowerIsBetter] = "Lower is better",
        [CapabilityGapStatus.Proposed] = "Proposed",
        [CapabilityGapStatus.Accepted] = "Accepted",
        [TaxonomyKind.Metric] = "Business metric",
        [TaxonomyKind.CapabilityGap] = "Capability gap",
        [TaxonomyKind.Domain] = "Owning domain",
        [TaxonomyKind.Tag] = "Tag",

        [ImportJobStatus.Queued] = "Queued",
        [ImportJobStatus.Running] = "Running",
        [ImportJobStatus.Succeeded] = "Succeeded",
        [ImportJobStatus.Failed] = "Failed",
        [ImportJobStatus.Interrupted] = "Interrupted",

        [SlaEscalationLevel.Warning] = "Warning",
        [SlaEscalationLevel.Breach] = "Breach",
        [SlaEscalationLevel.Leadership] = "Leadership escalation",

        [OutboxEmailState.Pending] = "Waiting",
        [OutboxEmailState.Sent] = "Sent",
        [OutboxEmailState.DeadLetter] = "Dead letter",

        [WorkflowInstanceStatus.Running] = "Running",
        [WorkflowInstanceStatus.Paused] = "Clock paused",
        [WorkflowInstanceStatus.Completed] = "Completed",
        [WorkflowInstanceStatus.Faulted] = "Faulted",
        [WorkflowInstanceStatus.Cancelled] = "Cancelled",
        [WorkflowTaskStatus.Open] = "Open",
        [WorkflowTaskStatus.Completed] = "Completed",
        [WorkflowTaskStatus.Closed] = "Closed",
        [WorkflowTaskStatus.Cancelled] = "Cancelled",
        [WorkflowTimerState.Pending] = "Pending",
        [WorkflowTimerState.Fired] = "Fired",
        [WorkflowTimerState.Faulted] = "Faulted",
        [WorkflowTimerState.Cancelled] = "Cancelled",

        [Features.Users.UserState.Invited] = "Invited (no password yet)",
        [Features.Users.UserState.Active] = "Active",
        [Features.Users.UserState.LockedOut] = "Locked after failed sign-ins",
        [Features.Users.UserState.Deactivated] = "Deactivated",

        [SuggestionTrainingState.Idle] = "Idle",
        [SuggestionTrainingState.Training] = "Training",
        [SuggestionTrainingState.Failed] = "Failed",
        [SuggestionField.BusinessMetric] = "Business metric",
        [SuggestionField.CapabilityGap] = "Capability gap",
        [SuggestionField.OwningDomain] = "Owning domain",
        [SuggestionField.ValueDimension] = "Value dimension",
        [SuggestionField.Tags] = "Tags",
        [SuggestionSource.Local] = "Local model",
        [SuggestionSource.ColdStart] = "Cold start (taxonomy)",
        [SuggestionSource.Llm] = "LLM",
        [SuggestionOutcome.Pending] = "Pending",
        [SuggestionOutcome.Accepted] = "Accepted",
        [SuggestionOutcome.Corrected] = "Corrected",
        [SuggestionOutcome.Abstained] = "Abstained",

        [LlmDiscardKind.NotJson] = "Not valid JSON",
        [LlmDiscardKind.WrongShape] = "JSON, but not in the shape asked for",
        [LlmDiscardKind.UnknownCode] = "Names a code not in the taxonomy",
        [LlmDiscardKind.Timeout] = "No answer within the timeout",
        [LlmDiscardKind.HttpError] = "HTTP error from the endpoint",
        [LlmDiscardKind.Unreachable] = "Endpoint unreachable",
        [LlmDiscardKind.BadResponse] = "Reply is not a chat completion",
    };

    private static readonly Dictionary<string, string> RoleLabels = new(StringComparer.Ordinal)
    {
        [Roles.Admin] = "Admin",
        [Roles.Csm] = "CSM",
        [Roles.ProductManager] = "PM",
        [Roles.Leadership] = "Leadership",
    };

    private static readonly Dictionary<string, string> TemplateLabels = new(StringComparer.Ordinal)
    {
        ["sla-warning"] = "SLA warning",
        ["sla-breach"] = "SLA breach",
        ["sla-leadership"] = "Leadership escalation",
    };

    /// <summary>The enum types pages show; every value of each has an English label here and a Chinese entry in the table.</summary>
    public static IReadOnlyList<Type> EnumTypes { get; } = English.Keys.Select(k => k.GetType()).Distinct().ToList();

    /// <summary>The English label (= string-table key) of an enum value; a value missing here reads as spaced words.</summary>
    public static string Of(Enum value) => English.TryGetValue(value, out var label) ? label : Words(value.ToString());

    /// <summary>True when the table has a label for the value (rather than the spaced-words fallback).</summary>
    public static bool HasLabel(Enum value) => English.ContainsKey(value);

    /// <summary>The English label of a role ("Admin", "CSM", "PM", "Leadership").</summary>
    public static string Role(string role) => RoleLabels.GetValueOrDefault(role, role);

    /// <summary>The English label of an e-mail template key such as <c>sla-warning</c>.</summary>
    public static string Template(string key) => TemplateLabels.GetValueOrDefault(key, key);

    public static IEnumerable<string> AllRoleLabels => RoleLabels.Values;

    public static IEnumerable<string> AllTemplateLabels => TemplateLabels.Values;

    /// <summary>The label in the UI's language: <c>@T.Label(item.Status)</c>.</summary>
    public static LocalizedString Label(this IStringLocalizer localizer, Enum value) => localizer[Of(value)];

    public static LocalizedString RoleLabel(this IStringLocalizer localizer, string role) => localizer[Role(role)];

    public static LocalizedString TemplateLabel(this IStringLocalizer localizer, string key) => localizer[Template(key)];

    /// <summary>"AwaitingCustomer" → "Awaiting customer".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}
