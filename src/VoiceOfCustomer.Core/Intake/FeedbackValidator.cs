using System.Text;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Intake;

/// <summary>The rules every intake path applies before anything is written.</summary>
public static partial class FeedbackValidator
{
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public static List<FieldError> Validate(FeedbackSubmission submission, DateTimeOffset now)
    {
        var errors = new List<FieldError>();

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

        if (submission.ReceivedAt is { } receivedAt && receivedAt > now + AllowedClockSkew)
            errors.Add(new("receivedAt", $"receivedAt {receivedAt:O} is more than {AllowedClockSkew.TotalMinutes:0} minutes in the future."));

        if (submission.Language is { } language && !LanguageTag().IsMatch(language))
            errors.Add(new("language", "The language must be a BCP 47 tag such as 'en', 'zh' or 'zh-CN'."));

        if (submission.Metadata is { } metadata)
        {
            if (metadata.ValueKind is not (System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined))
                errors.Add(new("metadata", "The metadata must be a JSON object."));
            else if (metadata.ValueKind == System.Text.Json.JsonValueKind.Object && Encoding.UTF8.GetByteCount(metadata.GetRawText()) > FeedbackItem.MetadataMaxBytes)
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
