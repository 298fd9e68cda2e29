using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace VoiceOfCustomer.Web.Features.Users;

/// <summary>
/// Identity's messages that people see (password rules, taken or invalid addresses, a used link) in the UI's language;
/// the codes stay Identity's, so callers can tell a bad password from a bad link.
/// </summary>
public sealed class LocalizedIdentityErrorDescriber(IStringLocalizer<SharedResource> t) : IdentityErrorDescriber
{
    private IdentityError Error(string code, string text, params object[] args) => new() { Code = code, Description = t[text, args].Value };

    public override IdentityError PasswordTooShort(int length) =>
        Error(nameof(PasswordTooShort), "The password must be at least {0} characters long.", length);

    public override IdentityError PasswordRequiresDigit() =>
        Error(nameof(PasswordRequiresDigit), "The password must contain a digit (0–9).");

    public override IdentityError PasswordRequiresLower() =>
        Error(nameof(PasswordRequiresLower), "The password must contain a lower-case letter (a–z).");

    public override IdentityError PasswordRequiresUpper() =>
        Error(nameof(PasswordRequiresUpper), "The password must contain an upper-case letter (A–Z).");

    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Error(nameof(PasswordRequiresNonAlphanumeric), "The password must contain a character that is neither a letter nor a digit.");

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), "The password must use at least {0} different characters.", uniqueChars);

    public override IdentityError InvalidToken() =>
        Error(nameof(InvalidToken), SetPasswordController.LinkNotValid);

    public override IdentityError DuplicateEmail(string email) =>
        Error(nameof(DuplicateEmail), "There is already a user with the e-mail address {0}.", email);

    // The sign-in name is the e-mail address, so a taken name is a taken address.
    public override IdentityError DuplicateUserName(string userName) =>
        Error(nameof(DuplicateUserName), "There is already a user with the e-mail address {0}.", userName);

    public override IdentityError InvalidEmail(string? email) =>
        Error(nameof(InvalidEmail), "\"{0}\" is not an e-mail address.", email ?? "");

    public override IdentityError InvalidUserName(string? userName) =>
        Error(nameof(InvalidUserName), "\"{0}\" is not an e-mail address.", userName ?? "");
}
