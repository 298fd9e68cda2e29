using System.Text.Json;
using System.Text.Json.Serialization;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// Body of <c>POST /api/feedback/batch</c>. Items are kept as raw JSON so that an item with a wrongly typed
/// field fails on its own instead of failing the whole request.
/// </summary>
public sealed record FeedbackBatchRequest
{
    public const int MaxItems = 1_000;

    /// <summary>Up to 1,000 objects shaped like the body of <c>POST /api/feedback</c>.</summary>
    public IReadOnlyList<JsonElement>? Items { get; init; }
}

public static class BatchItemStatus
{
    public const string Created = "created";
    public const string Exists = "exists";
    public const string Invalid = "invalid";
}

public sealed record FeedbackBatchItemResult(
    int Index,
    string Status,
    long? Id,
    IReadOnlyDictionary<string, string[]>? Errors);

public sealed record FeedbackBatchResponse(int Created, int Exists, int Invalid, IReadOnlyList<FeedbackBatchItemResult> Items);

public sealed record FeedbackListResponse(
    IReadOnlyList<FeedbackListItem> Items,
    // Always written, so a client can loop "while nextCursor != null".
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary><see cref="FeedbackDetail"/> with its metadata as a JSON object instead of a string of JSON.</summary>
public sealed record FeedbackDetailResponse(
    long Id,
    string Channel,
    string ChannelName,
    Touchpoint Touchpoint,
    string ExternalId,
    string Verbatim,
    DateTime ReceivedAt,
    DateTime IngestedAt,
    string Language,
    FeedbackStatus Status,
    string? OwnerCsmId,
    JsonElement? Metadata,
    DateTime? AttributionDueAt,
    long? DuplicateOfId,
    FeedbackCustomer Customer,
    FeedbackContact? Contact,
    FeedbackAttribution? Attribution)
{
    public static FeedbackDetailResponse From(FeedbackDetail d) => new(
        d.Id, d.Channel, d.ChannelName, d.Touchpoint, d.ExternalId, d.Verbatim, d.ReceivedAt, d.IngestedAt, d.Language, d.Status,
        d.OwnerCsmId, ParseMetadata(d.MetadataJson), d.AttributionDueAt, d.DuplicateOfId, d.Customer, d.Contact, d.Attribution);

    private static JsonElement? ParseMetadata(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

internal static class FieldErrorExtensions
{
    public static IReadOnlyDictionary<string, string[]> ToErrorDictionary(this IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
}
