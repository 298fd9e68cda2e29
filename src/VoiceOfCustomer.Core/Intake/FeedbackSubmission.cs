using System.Text.Json;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// One voice as an integration sends it: the JSON body of <c>POST /api/feedback</c>, one element of a batch,
/// a mapped webhook payload or a CSV row. Everything is optional here so that validation, not the
/// deserialiser, names what is missing.
/// </summary>
public sealed record FeedbackSubmission
{
    public string? Channel { get; init; }
    public string? ExternalId { get; init; }

    /// <summary>A customer reference (CRM key) or name; unknown ones become prospects.</summary>
    public string? Customer { get; init; }
    public ContactSubmission? Contact { get; init; }
    public string? Verbatim { get; init; }
    public DateTimeOffset? ReceivedAt { get; init; }
    public string? Language { get; init; }

    /// <summary>Any JSON object, at most 16 KB once serialised.</summary>
    public JsonElement? Metadata { get; init; }
}

public sealed record ContactSubmission
{
    public string? Name { get; init; }
    public string? Email { get; init; }

    /// <summary><c>buyer</c> or <c>user</c> (the default).</summary>
    public string? Role { get; init; }
}

/// <summary>A validation failure, named by the field's path in the API's JSON (e.g. <c>contact.email</c>).</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <summary>
    /// For messages that carry values (ids, states): the English format string and its arguments, so the web UI
    /// can look the template up in its string table and fill in the values. The API answers with <see cref="Message"/>.
    /// </summary>
    public string? Template { get; init; }
    public IReadOnlyList<object?> Args { get; init; } = [];

    public static FieldError Format(string field, string template, params object?[] args) =>
        new(field, string.Format(System.Globalization.CultureInfo.InvariantCulture, template, args)) { Template = template, Args = args };
}

public enum IntakeOutcome
{
    Created,
    /// <summary>The same (channel, external id) was already stored; nothing changed.</summary>
    AlreadyExists,
    Invalid,
}

public sealed record IntakeResult(IntakeOutcome Outcome, FeedbackItemSummary? Item, IReadOnlyList<FieldError> Errors)
{
    public static IntakeResult Invalid(IReadOnlyList<FieldError> errors) => new(IntakeOutcome.Invalid, null, errors);
}

/// <summary>What intake answers with: enough for the caller to find the item again.</summary>
public sealed record FeedbackItemSummary(
    long Id,
    string Channel,
    string ExternalId,
    FeedbackStatus Status,
    DateTime ReceivedAt,
    DateTime IngestedAt,
    int CustomerId,
    DateTime? AttributionDueAt);
