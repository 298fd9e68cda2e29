using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Intake;

/// <summary>The rules every intake path applies before anything is written.</summary>
public static partial class FeedbackValidator
{
    private static readonly IntakeOptions Defaults = new();

    /// <param name="window">The accepted <c>receivedAt</c> window; the defaults of <see cref="IntakeOptions"/> when null.</param>
    public static List<FieldError> Validate(FeedbackSubmission submission, DateTimeOffset now, IntakeOptions? window = null)
    {
        window ??= Defaults;
        var errors = new List<FieldError>();
        // PostgreSQL cannot store U+0000 in text, and no voice needs it: refused on both providers, so the rules are one.
        foreach (var (field, text) in new[]
        {
            ("externalId", submission.ExternalId), ("customer", submission.Customer), ("verbatim", submission.Verbatim),
            ("contact.name", submission.Contact?.Name), ("contact.email", submission.Contact?.Email), ("contact.role", submission.Contact?.Role),
        })
        {
            if (text?.Contains('\0', StringComparison.Ordinal) == true)
                errors.Add(new(field, $"The {field} must not contain the character U+0000 (NUL)."));
        }

        if (string.IsNullOrWhiteSpace(submission.Channel))
            errors.Add(new("channel", "The channel is required."));

        if (submission.ExternalId is { } externalId && (externalId.Length > FeedbackItem.ExternalIdMaxLength || string.IsNullOrWhiteSpace(externalId)))
            errors.Add(new("externalId", $"The external id must be 1 to {FeedbackItem.ExternalIdMaxLength} characters when given."));

        if (string.IsNullOrWhiteSpace(submission.Customer))
            errors.Add(new("customer", "The customer (a reference or a name) is required."));
        else if (submission.Customer.Trim().Length > Customers.Customer.ReferenceMaxLength)
            errors.Add(new("customer", $"The customer reference or name must be at most {Customers.Customer.ReferenceMaxLength} characters."));

        if (string.IsNullOrWhiteSpace(submission.Verbatim))
            errors.Add(new("verbatim", "The verbatim is required and must not be empty."));
        else if (submission.Verbatim.Length > FeedbackItem.VerbatimMaxLength)
            errors.Add(new("verbatim", $"The verbatim is {submission.Verbatim.Length:N0} characters; at most {FeedbackItem.VerbatimMaxLength:N0} are allowed."));

        if (submission.ReceivedAt is { } receivedAt && receivedAt > now + window.AllowedClockSkew)
            errors.Add(new("receivedAt", $"receivedAt {receivedAt:O} is more than {window.AllowedClockSkew.TotalMinutes:0.#} minutes in the future."));
        else if (submission.ReceivedAt is { } old && old < window.EarliestReceivedAt)
            errors.Add(new("receivedAt", $"receivedAt {old:O} is before {window.EarliestReceivedAt:yyyy-MM-dd}, the earliest date accepted (Intake:EarliestReceivedAt)."));

        if (submission.Language is { } language && !LanguageTag().IsMatch(language))
            errors.Add(new("language", "The language must be a BCP 47 tag such as 'en', 'zh' or 'zh-CN'."));

        if (submission.Metadata is { } metadata)
        {
            if (metadata.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
                errors.Add(new("metadata", "The metadata must be a JSON object."));
            else if (FirstInvalidText(metadata) is { } path)
                errors.Add(new("metadata", InvalidTextMessage($"The metadata at '{path}'")));
            else if (metadata.ValueKind == JsonValueKind.Object && Encoding.UTF8.GetByteCount(metadata.GetRawText()) > FeedbackItem.MetadataMaxBytes)
                errors.Add(new("metadata", $"The metadata is larger than {FeedbackItem.MetadataMaxBytes / 1024} KB."));
        }

        if (submission.Contact is { } contact)
        {
            if (contact.Email is { Length: > 0 } email && (email.Length > Customers.Contact.EmailMaxLength || !Email().IsMatch(email)))
                errors.Add(new("contact.email", "The contact's e-mail address is not valid."));
            if (contact.Name is { } name && name.Length > Customers.Contact.NameMaxLength)
                errors.Add(new("contact.name", $"The contact's name must be at most {Customers.Contact.NameMaxLength} characters."));
            if (contact.Role is { Length: > 0 } role && ParseContactRole(role) is null)
                errors.Add(new("contact.role", "The contact's role must be 'buyer' or 'user'."));
            if (string.IsNullOrWhiteSpace(contact.Name) && string.IsNullOrWhiteSpace(contact.Email))
                errors.Add(new("contact", "A contact needs a name or an e-mail address."));
        }

        return errors;
    }

    /// <summary>
    /// The path of the first string or property name in <paramref name="element"/> that is not text: bytes that are not
    /// UTF-8, or a lone UTF-16 surrogate (<c>"\ud800"</c>). <see cref="JsonDocument"/> keeps those as they came and throws
    /// only when one is read; null when everything reads.
    /// </summary>
    public static string? FirstInvalidText(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return TryReadString(element, out _) ? null : path;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var child in element.EnumerateArray())
                {
                    if (FirstInvalidText(child, $"{path}[{index++}]") is { } invalid)
                        return invalid;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }
                    if (FirstInvalidText(property.Value, $"{path}.{name}") is { } invalid)
                        return invalid;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>A JSON string's text; false when it holds bytes that are not UTF-8 or a lone surrogate.</summary>
    public static bool TryReadString(JsonElement element, out string? text)
    {
        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>"{subject} is not valid text: …", the one wording of <see cref="FirstInvalidText"/>'s refusals.</summary>
    public static string InvalidTextMessage(string subject) =>
        $"{subject} is not valid text: it holds bytes that are not UTF-8 or a lone UTF-16 surrogate such as \\ud800.";

    public static Customers.ContactRole? ParseContactRole(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        null or "" or "user" => Customers.ContactRole.User,
        "buyer" => Customers.ContactRole.Buyer,
        _ => null,
    };

    /// <summary>Chinese if the text holds CJK ideographs, English otherwise: the two languages the product serves.</summary>
    public static string DetectLanguage(string text)
    {
        foreach (var c in text)
        {
            if (c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF')
                return "zh";
        }
        return "en";
    }

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]
    private static partial Regex LanguageTag();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();
}
