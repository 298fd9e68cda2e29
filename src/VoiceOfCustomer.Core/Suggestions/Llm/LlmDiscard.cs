using System.Globalization;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>Why an LLM answer was not used; /admin/suggestions counts today's discards by kind.</summary>
public enum LlmDiscardKind
{
    /// <summary>The answer is not JSON (or is empty).</summary>
    NotJson,
    /// <summary>JSON, but not the object asked for: an array, a number where a key belongs, no code at all.</summary>
    WrongShape,
    /// <summary>It names a key the taxonomy does not offer (unknown, archived or merged).</summary>
    UnknownCode,
    Timeout,
    /// <summary>The endpoint answered with an HTTP error (429, 500, …).</summary>
    HttpError,
    /// <summary>No connection could be made (refused, unknown host, TLS failure).</summary>
    Unreachable,
    /// <summary>HTTP 200, but not a chat completion (an HTML page, no choices).</summary>
    BadResponse,
}

/// <summary>
/// A discarded answer: its kind, a short message template with arguments for the admin page (the template is the
/// string table's key), and the full English detail for the log and the stored reason.
/// </summary>
public sealed record LlmDiscard(LlmDiscardKind Kind, string Detail, string Template, params object[] Arguments)
{
    /// <summary>Longest kind name, and so the prefix a report must read to count a stored reason.</summary>
    internal const int KindPrefixLength = 16;

    /// <summary>
    /// What <see cref="LlmSuggestionRecord.DiscardReason"/> holds: the kind first ("Timeout: …"), so a report counts
    /// discards by kind from the table alone.
    /// </summary>
    public string StoredReason => $"{Kind}: {Detail}";

    /// <summary>The kind a stored reason starts with; null for a pending claim or a reason written before kinds existed.</summary>
    public static LlmDiscardKind? KindOf(string? storedReason)
    {
        var colon = storedReason?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && Enum.TryParse<LlmDiscardKind>(storedReason![..colon], ignoreCase: false, out var kind) && Enum.IsDefined(kind)
            ? kind
            : null;
    }

    public static LlmDiscard NotJson(string detail) => new(LlmDiscardKind.NotJson, $"not valid JSON: {detail}", "the answer is not valid JSON");

    public static LlmDiscard WrongShape(string detail) => new(LlmDiscardKind.WrongShape, detail, "the answer is JSON but not in the shape asked for");

    public static LlmDiscard UnknownCode(SuggestionField field, string key) =>
        new(LlmDiscardKind.UnknownCode, $"unknown {field} key '{key}'", "the answer names a code that is not in the taxonomy: {0}", key);

    public static LlmDiscard Timeout(TimeSpan timeout)
    {
        var seconds = timeout.TotalSeconds;
        return new(LlmDiscardKind.Timeout, string.Create(CultureInfo.InvariantCulture, $"no answer within the timeout of {seconds:0.###} s"),
            "no answer within the timeout of {0} s", seconds);
    }

    public static LlmDiscard HttpError(int status) =>
        new(LlmDiscardKind.HttpError, string.Create(CultureInfo.InvariantCulture, $"the endpoint answered HTTP {status}"), "the endpoint answered HTTP {0}", status);

    public static LlmDiscard Unreachable(string message) =>
        new(LlmDiscardKind.Unreachable, $"the endpoint could not be reached: {message}", "the endpoint could not be reached");

    public static LlmDiscard BadResponse(Exception error) =>
        new(LlmDiscardKind.BadResponse, $"the endpoint's reply is not a chat completion: {error.GetType().Name}: {error.Message}",
            "the endpoint's reply is not a chat completion");

    public override string ToString() => StoredReason;
}
