using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Users;

/// <summary>
/// Where the links of invitation and reset mails lead (anonymous: the token in the link is the proof). Setting the
/// password uses the token, which also changes the security stamp, so a link works once; then the person is signed in.
/// </summary>
[AllowAnonymous]
[Route(Path)]
public sealed class SetPasswordController(
    UserManager<AppUser> users, SignInManager<AppUser> signIn, VocDbContext db, TimeProvider time,
    IOptions<IdentityOptions> identity, ILogger<SetPasswordController> logger) : Controller
{
    public const string Path = "/account/set-password";
    internal const string LinkNotValid = "This link cannot be used any more: it has expired or was already used. Ask an administrator to send you a new one.";
    private const string ViewPath = "/Features/Users/SetPassword.cshtml";

    public static string PathFor(string userId, string token) =>
        $"{Path}?user={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}";

    [HttpGet("")]
    public async Task<IActionResult> Form([FromQuery(Name = "user")] string? userId, string? token)
    {
        var user = await UsableLinkAsync(userId, token);
        return user is null ? Invalid() : View(ViewPath, Model(user, token!));
    }

    [HttpPost("")]
    [EnableRateLimiting(Account.SignInRateLimit.PolicyName)]
    public async Task<IActionResult> Set([FromForm] SetPasswordInput input, CancellationToken cancellationToken)
    {
        var user = await UsableLinkAsync(input.User, input.Token);
        if (user is null)
            return Invalid();
        var model = Model(user, input.Token!);
        if (string.IsNullOrEmpty(input.Password))
            model.Errors["password"] = "Enter the new password.";
        else if (input.Password != input.ConfirmPassword)
            model.Errors["confirmPassword"] = "The two passwords are not the same.";
        if (model.Errors.Count == 0)
        {
            // Proving the mailbox is also what confirming the address would prove.
            user.EmailConfirmed = true;
            var result = await users.ResetPasswordAsync(user, input.Token!, input.Password!);
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)))
                return Invalid();
            if (result.Succeeded)
            {
                await users.SetLockoutEndDateAsync(user, null);
                await users.ResetAccessFailedCountAsync(user);
                await signIn.SignInAsync(user, isPersistent: false);
                await UserStates.RecordSignInAsync(db, user.Id, time.GetUtcNow().UtcDateTime, logger, cancellationToken);
                logger.LogInformation("User {UserId} set a password through a mailed link.", user.Id);
                return Redirect("/feedback");
            }
            model.Errors["password"] = string.Join(" ", result.Errors.Select(e => e.Description));
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(ViewPath, model);
    }

    /// <summary>The link's user when it exists, is not deactivated and the token is still good; else null (one answer for all, so a link tells nothing).</summary>
    private async Task<AppUser?> UsableLinkAsync(string? userId, string? token)
    {
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(token) || userId.Length > 450 || token.Length > 2000)
            return null;
        var user = await users.FindByIdAsync(userId);
        if (user is null || UserStates.IsDeactivated(user))
            return null;
        var valid = await users.VerifyUserTokenAsync(user, identity.Value.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, token);
        return valid ? user : null;
    }

    private SetPasswordViewModel Model(AppUser user, string token) => new()
    {
        UserId = user.Id,
        Token = token,
        Email = user.Email ?? "",
        IsInvitation = user.PasswordHash is null,
        Rules = identity.Value.Password,
    };

    private ViewResult Invalid()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(ViewPath, new SetPasswordViewModel { LinkIsValid = false, Rules = identity.Value.Password });
    }
}

public sealed class SetPasswordInput
{
    public string? User { get; set; }
    public string? Token { get; set; }
    public string? Password { get; set; }
    public string? ConfirmPassword { get; set; }
}

public sealed class SetPasswordViewModel
{
    public bool LinkIsValid { get; init; } = true;
    public string UserId { get; init; } = "";
    public string Token { get; init; } = "";
    public string Email { get; init; } = "";

    /// <summary>First password (from an invitation) rather than a reset: the wording differs.</summary>
    public bool IsInvitation { get; init; }
    public required PasswordOptions Rules { get; init; }

    /// <summary>Field → message in the UI's language (English keys; the view localizes the plain ones).</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;
}
