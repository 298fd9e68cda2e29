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

