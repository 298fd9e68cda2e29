using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// Replaces e-mail addresses and phone numbers with placeholders before text leaves the app: the codes never depend on
/// them, and a customer's contact details have no business at a third party. Errs on the side of masking (an order
/// number of phone-like length is masked too); dates and amounts are kept.
/// </summary>
public static partial class ContactMasker
{
    public const string EmailPlaceholder = "[email]";
    public const string PhonePlaceholder = "[phone]";

    /// <summary>Fewer digits is a date, an amount or a short reference; more is no phone number (E.164 has at most 15).</summary>
    internal const int MinPhoneDigits = 9, MaxPhoneDigits = 15;

    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
            return text;
        var masked = Email().Replace(text, EmailPlaceholder);
        return PhoneCandidate().Replace(masked, match => IsPhone(match.Value) ? PhonePlaceholder : match.Value);
    }

    private static bool IsPhone(string candidate)
    {
        var digits = candidate.Count(char.IsAsciiDigit);
        // "2026-05-04 10" (a date and a count) is not a number to call.
        return digits is >= MinPhoneDigits and <= MaxPhoneDigits && !IsoDate().IsMatch(candidate);
    }

    // ASCII boundaries on purpose: Chinese text runs straight into digits ("电话13812345678"), and \b or \w would see
    // the Chinese characters as word characters and keep the number.
    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")]
    private static partial Regex Email();

    /// <summary>A + or a digit, then digits with single spaces, dots, dashes, slashes or brackets between them.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9+])(?:\+|\()?[0-9](?:[ .\-/]?\(?[0-9]\)?){6,20}(?![A-Za-z0-9])")]
    private static partial Regex PhoneCandidate();

    [GeneratedRegex(@"(?<![0-9])[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}(?![0-9])")]
    private static partial Regex IsoDate();
}
