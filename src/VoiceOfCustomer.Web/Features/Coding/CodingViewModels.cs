using System.Globalization;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace VoiceOfCustomer.Web.Features.Coding;

/// <summary>The queue's query string as typed; bound as strings so a bad value becomes a message, not a 400.</summary>
public sealed class CodingQueueQuery
{
    public string? Channel { get; set; }
    public string? Segment { get; set; }
    public string? Customer { get; set; }
    public string? Owner { get; set; }
    public string? Lang { get; set; }
    public bool Mine { get; set; }
    public bool Unassigned { get; set; }
    public string? Cursor { get; set; }

    public bool HasFilters =>
        !string.IsNullOrWhiteSpace(Channel) || !string.IsNullOrWhiteSpace(Segment) || !string.IsNullOrWhiteSpace(Customer)
        || !string.IsNullOrWhiteSpace(Owner) || !string.IsNullOrWhiteSpace(Lang) || Mine || Unassigned;

    public Dictionary<string, string> RouteValues(string? cursor = null)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                values[key] = value.Trim();
        }
        Add("channel", Channel);
        Add("segment", Segment);
        Add("customer", Customer);
        Add("owner", Owner);
        Add("lang", Lang);
        Add("mine", Mine ? "true" : null);
        Add("unassigned", Unassigned ? "true" : null);
        Add("cursor", cursor);
        return values;
    }
}

public sealed record UserOption(string Id, string Name)
{
    /// <summary>Everyone in the CSM role, by name: what the owner pickers and filters offer.</summary>
    public static async Task<List<UserOption>> CsmsAsync(UserManager<AppUser> users) =>
        (await users.GetUsersInRoleAsync(Roles.Csm))
            .Select(u => new UserOption(u.Id, UserNames.Of(u)))
            .OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ToList();
}

public sealed record NamedOption(int Id, string Name, string? Hint = null);

public sealed class CodingQueueViewModel
{
    public const int PageSize = 50;

    public required CodingQueueQuery Query { get; init; }
    public required IReadOnlyList<CodingQueueItem> Items { get; init; }
    public required IReadOnlyList<string> ChannelKeys { get; init; }
    public required IReadOnlyList<NamedOption> Segments { get; init; }
    public required IReadOnlyList<UserOption> Csms { get; init; }
    public required IReadOnlyDictionary<string, string> UserNames { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public string? NextCursor { get; init; }
    public bool IsLaterPage { get; init; }
    public required DateTime Now { get; init; }
    public required string CurrentUserId { get; init; }
}

/// <summary>How much time is left before the attribution deadline, and how worried to be.</summary>
public readonly record struct DeadlineState(string Kind, bool Overdue, int Days, int Hours, int Minutes)
{
    /// <summary>The default attribution target; warn when less than a quarter of it (12 h) is left.</summary>
    public static readonly TimeSpan WarnBelow = VoiceOfCustomer.Segments.SegmentPolicy.DefaultAttributionTarget / 4;

    public static DeadlineState Of(DateTime due, DateTime now)
    {
        var left = due - now;
        var overdue = left < TimeSpan.Zero;
        var span = overdue ? -left : left;
        var kind = overdue ? "overdue" : left < WarnBelow ? "warning" : "ok";
        return new DeadlineState(kind, overdue, span.Days, span.Hours, span.Minutes);
    }
}

/// <summary>The coding form exactly as posted. Numbers arrive as text so a bad one becomes a field message.</summary>
public sealed class CodingForm
{
    public string? MetricId { get; set; }
    public string? Direction { get; set; }
    public string? Magnitude { get; set; }
    public string? Unit { get; set; }
    public bool NoImpact { get; set; }
    public string? NoImpactReason { get; set; }
    public string? CapabilityGapId { get; set; }
    public string? NewGapTitle { get; set; }
    public string? NewGapDescription { get; set; }
    public string? Hypothesis { get; set; }
    public string? OwningDomainId { get; set; }
    public string? ValueDimension { get; set; }
    public string? VoiceRole { get; set; }
    public List<string> Tags { get; set; } = [];
    public int Version { get; set; }

    /// <summary><c>submit</c> completes the attribution; anything else saves a draft.</summary>
    public string? Action { get; set; }

    public bool IsSubmit => string.Equals(Action, "submit", StringComparison.OrdinalIgnoreCase);

    public static CodingForm From(AttributionSnapshot? snapshot, ContactRole? contactRole) => snapshot is null
        ? new CodingForm { VoiceRole = contactRole?.ToString().ToLowerInvariant() }
        : new CodingForm
        {
            MetricId = snapshot.MetricId?.ToString(CultureInfo.InvariantCulture),
            Direction = snapshot.Direction?.ToString().ToLowerInvariant(),
            Magnitude = snapshot.Magnitude?.ToString(CultureInfo.InvariantCulture),
            Unit = snapshot.Unit,
            NoImpact = snapshot.NoImpactReason is not null,
            NoImpactReason = snapshot.NoImpactReason,
            CapabilityGapId = snapshot.CapabilityGapId?.ToString(CultureInfo.InvariantCulture),
            Hypothesis = snapshot.Hypothesis,
            OwningDomainId = snapshot.OwningDomainId?.ToString(CultureInfo.InvariantCulture),
            ValueDimension = snapshot.ValueDimension?.ToString().ToLowerInvariant(),
            VoiceRole = snapshot.VoiceRole?.ToString().ToLowerInvariant() ?? contactRole?.ToString().ToLowerInvariant(),
            Tags = snapshot.TagIds.Select(t => t.ToString(CultureInfo.InvariantCulture)).ToList(),
            Version = snapshot.Version,
        };

    /// <summary>
    /// The service's input. Text that is not a number is reported under the service's own field names, so the
    /// page shows it next to the same input.
    /// </summary>
    public AttributionInput ToInput(List<FieldError> errors)
    {
        int? Id(string? text, string field, string message)
        {
            if (string.IsNullOrWhiteSpace(text))
                return null;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return id;
            errors.Add(new FieldError(field, message));
            return null;
        }

        ImpactInput impact;
        if (NoImpact)
        {
            if (IsSubmit && string.IsNullOrWhiteSpace(NoImpactReason))
                errors.Add(new FieldError("impact.noImpactReason", "Say why there is no measurable impact."));
            impact = new ImpactInput { NoImpactReason = NoImpactReason };
        }
        else
        {
            decimal? magnitude = null;
            if (!string.IsNullOrWhiteSpace(Magnitude))
            {
                if (decimal.TryParse(Magnitude.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var m))
                    magnitude = m;
                else
                    errors.Add(new FieldError("impact.magnitude", "The magnitude must be a number, e.g. 12.5."));
            }
            impact = new ImpactInput
            {
                MetricId = Id(MetricId, "impact.metricId", "Pick a business metric from the list."),
                Direction = Direction,
                Magnitude = magnitude,
                Unit = Unit,
            };
        }

        var gapId = Id(CapabilityGapId, "rootCause.capabilityGapId", "Pick a capability gap from the list.");
        var tags = new List<int>();
        foreach (var tag in Tags)
        {
            if (Id(tag, "tags", "Pick tags from the list.") is { } tagId)
                tags.Add(tagId);
        }

        return new AttributionInput
        {
            Impact = impact,
            RootCause = new RootCauseInput
            {
                CapabilityGapId = gapId,
                NewGap = string.IsNullOrWhiteSpace(NewGapTitle) && string.IsNullOrWhiteSpace(NewGapDescription)
                    ? null
                    : new NewCapabilityGapInput { Title = NewGapTitle, Description = NewGapDescription },
                Hypothesis = Hypothesis,
            },
            OwningDomainId = Id(OwningDomainId, "owningDomainId", "Pick an owning domain from the list."),
            ValueDimension = ValueDimension,
            VoiceRole = VoiceRole,
            Tags = tags,
            Submit = IsSubmit,
            Version = Version,
        };
    }
}

public sealed record RecentItem(long Id, string VerbatimPreview, string Language, FeedbackStatus Status, DateTime ReceivedAt);

public sealed record AuditRow(DateTime ChangedAt, string Who, string Action, IReadOnlyList<AuditChange> Changes);

public sealed class CodingPageViewModel
{
    public required FeedbackDetail Item { get; init; }
    public required CodingForm Form { get; init; }
    public required IReadOnlyList<NamedOption> Metrics { get; init; }
    public required IReadOnlyList<NamedOption> Gaps { get; init; }
    public required IReadOnlyList<NamedOption> Domains { get; init; }
    public required IReadOnlyList<NamedOption> Tags { get; init; }
    public required IReadOnlyList<RecentItem> Recent { get; init; }
    public required IReadOnlyList<AuditRow> Audit { get; init; }
    public string? OwnerName { get; init; }
    public string? AwaitingCustomerNote { get; init; }
    public DateTime? AwaitingCustomerSince { get; init; }

    /// <summary>Suggested codes for the item; <see cref="SuggestionPanel.Off"/> when suggestions are switched off.</summary>
    public SuggestionPanel Suggestions { get; init; } = SuggestionPanel.Off;

    /// <summary>Messages by the service's field name (<c>impact.metricId</c>, ...); empty when nothing is wrong.</summary>
    public IReadOnlyList<FieldError> Errors { get; init; } = [];

    /// <summary>What a colleague saved first, when this post was a conflict.</summary>
    public AttributionSnapshot? Conflict { get; init; }

    /// <summary>The version the poster had read, when this post was a conflict.</summary>
    public int? ConflictReadVersion { get; init; }

    /// <summary>The stored coding when <see cref="Form"/> holds what a conflicting post sent; null when the form is the stored coding.</summary>
    public CodingForm? Stored { get; init; }

    /// <summary>Submitted or merged: the page shows the coding and the re-open form, not the editable form.</summary>
    public bool IsReadOnly => Item.Status is VoiceOfCustomer.Intake.FeedbackStatus.Attributed or VoiceOfCustomer.Intake.FeedbackStatus.Duplicate;

    public IEnumerable<FieldError> ErrorsFor(string field) =>
        Errors.Where(e => string.Equals(e.Field, field, StringComparison.OrdinalIgnoreCase));

    public bool HasError(string field) => ErrorsFor(field).Any();

    /// <summary>The displayed name of the option with this id (form values are ids as text); else the stored name.</summary>
    public static string? NameOf(IReadOnlyList<NamedOption> options, int? id, string? stored = null) =>
        options.FirstOrDefault(o => o.Id == id)?.Name ?? stored;

    public static string? NameOf(IReadOnlyList<NamedOption> options, string? id) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? NameOf(options, value) : null;

    /// <summary>A value tier for the CSM's eye; the thresholds are rough and stated on the page.</summary>
    public static string ValueTier(decimal? lifetimeValue) => lifetimeValue switch
    {
        null => "Unknown",
        >= 500_000m => "High",
        >= 100_000m => "Medium",
        _ => "Low",
    };

    /// <summary>
    /// English label of an audit action, passed through the localizer by the view. The stored actions are lower-case
    /// words ("submit", "merge") that would clash with button labels in the case-insensitive string table.
    /// </summary>
    public static string ActionLabel(string action) => action switch
    {
        "draft" => "Saved draft",
        "submit" => "Submitted",
        "assign" => "Assigned",
        "reopen" => "Re-opened",
        "awaiting-customer" => "Asked the customer",
        "merge" => "Merged as duplicate",
        _ => action,
    };

    /// <summary>Value-map dimensions: the posted value and the dimension (the view shows its label).</summary>
    public static IReadOnlyList<(string Value, ValueDimension Dimension)> ValueDimensions { get; } =
        Enum.GetValues<ValueDimension>().Select(d => (d.ToString().ToLowerInvariant(), d)).ToList();
}

/// <summary>One value the suggester proposes, as the form can take it: the input it fills and the value it sets there.</summary>
public sealed record SuggestionValueView(string Key, string Label, string TargetId, string FormValue, double? Confidence)
{
    /// <summary>
    /// Rounded down, so a model that is almost never wrong shows 99 %, not a promise of 100 %; below 1 % shows as "&lt;1%"
    /// rather than a 0 % that reads as "impossible".
    /// </summary>
    public string? Percent => Confidence is { } c ? FormatPercent(c) : null;

    internal static string FormatPercent(double confidence) =>
        confidence >= 1.0 ? "100%"
        : confidence < 0.01 ? "<1%"
        : Math.Floor(confidence * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}

/// <summary>What the suggester proposes for one field: the best value and two alternatives, or why it abstained.</summary>
public sealed record SuggestionFieldView(
    VoiceOfCustomer.Suggestions.SuggestionField Field,
    VoiceOfCustomer.Suggestions.SuggestionSource Source,
    int ModelVersion,
    IReadOnlyList<SuggestionValueView> Values,
    VoiceOfCustomer.Suggestions.AbstainReason? Abstained)
{
    public SuggestionValueView? Best => Abstained is null && Values.Count > 0 ? Values[0] : null;
    public IEnumerable<SuggestionValueView> Alternatives => Values.Skip(Best is null ? 0 : 1).Take(2);
    public string FieldId => Field.ToString().ToLowerInvariant();
}

/// <summary>The suggestion panel of the coding form.</summary>
public sealed class SuggestionPanel
{
    public static readonly SuggestionPanel Off = new() { Enabled = false, HasModel = false, Fields = [] };

    public required bool Enabled { get; init; }
    public required bool HasModel { get; init; }
    public required IReadOnlyList<SuggestionFieldView> Fields { get; init; }

    public bool CanAcceptAll => Fields.Any(f => f.Best is not null);

    /// <summary>English label of the field (already in the string table: the form's own labels).</summary>
    public static string FieldLabel(VoiceOfCustomer.Suggestions.SuggestionField field) => field switch
    {
        VoiceOfCustomer.Suggestions.SuggestionField.BusinessMetric => "Metric",
        VoiceOfCustomer.Suggestions.SuggestionField.CapabilityGap => "Capability gap",
        VoiceOfCustomer.Suggestions.SuggestionField.OwningDomain => "Owning domain",
        VoiceOfCustomer.Suggestions.SuggestionField.ValueDimension => "Value dimension",
        _ => "Tags",
    };

    public static string SourceLabel(VoiceOfCustomer.Suggestions.SuggestionSource source) => source switch
    {
        VoiceOfCustomer.Suggestions.SuggestionSource.ColdStart => "from the taxonomy (cold start)",
        VoiceOfCustomer.Suggestions.SuggestionSource.Llm => "refined by the LLM",
        _ => "Local model",
    };

    /// <summary>Why there is no confident suggestion, in words a CSM understands.</summary>
    public static string AbstainLabel(VoiceOfCustomer.Suggestions.AbstainReason reason) => reason switch
    {
        VoiceOfCustomer.Suggestions.AbstainReason.Empty => "The verbatim is empty.",
        VoiceOfCustomer.Suggestions.AbstainReason.TooLong => "The verbatim is too long to judge.",
        VoiceOfCustomer.Suggestions.AbstainReason.NoWords => "The verbatim has no words to judge (only symbols or emoji).",
        VoiceOfCustomer.Suggestions.AbstainReason.MixedScript => "The verbatim mixes writing systems the model cannot read together.",
        VoiceOfCustomer.Suggestions.AbstainReason.UnknownWords => "Too few of its words are known to the model yet.",
        VoiceOfCustomer.Suggestions.AbstainReason.NoModel => "No model is trained for this field yet.",
        _ => "The model is not confident enough.",
    };
}
