using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Web.Features.Users;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Account;

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn, UserManager<AppUser> users, VocDbContext db, TimeProvider time,
    IStringLocalizer<SharedResource> t, ILogger<AccountController> logger) : Controller
{
    /// <summary>
    /// The one answer for an unknown e-mail, a wrong password and a locked account, so the form does not reveal which
    /// accounts exist or are locked; it still tells a locked-out person why the right password may not work.
    /// </summary>
    internal const string InvalidCredentials = "The email or password is incorrect. After too many failed attempts an account is locked for a while: try again later or ask an administrator.";
    internal const string NotAllowed = "This account cannot sign in here yet. Ask an administrator.";
    internal const string Deactivated = "This account has been deactivated. Ask an administrator if you need it again.";

    /// <summary>The hash an unknown e-mail's password is checked against (made once, with the same hasher and cost as real ones).</summary>
    private static string? s_decoyHash;

    [HttpGet("login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl = null)
    {
        if (User.Identity?.IsAuthenticated == true)
            return LocalRedirect(SafeReturnUrl(returnUrl));
        return View(new LoginViewModel { ReturnUrl = returnUrl });
    }

    /// <summary>
    /// Every failed attempt costs one password hash, whatever the reason (unknown e-mail, no password yet, locked,
    /// wrong password), so the time of the answer does not tell them apart either.
    /// </summary>
    [HttpPost("login")]
    [AllowAnonymous]
    [EnableRateLimiting(SignInRateLimit.PolicyName)]
    public async Task<IActionResult> Login([FromForm] LoginViewModel model)
    {
        if (!ModelState.IsValid)
            return LoginAgain(model);

        var user = await users.FindByEmailAsync(model.Email!.Trim());
        if (user?.PasswordHash is null)
        {
            CheckDecoyPassword(model.Password!);
            ModelState.AddModelError(string.Empty, t[InvalidCredentials]);
            return LoginAgain(model);
        }

        // Identity refuses a locked or not-allowed account before it looks at the password: check the password here,
        // so that answer costs the hash a wrong password costs.
        var lockedOut = await users.IsLockedOutAsync(user);
        string message;
        if (lockedOut || !await signIn.CanSignInAsync(user))
        {
            var passwordIsRight = await users.CheckPasswordAsync(user, model.Password!);
            var deactivated = lockedOut && UserStates.IsDeactivated(user);
            if (deactivated)
                logger.LogWarning("Deactivated user {UserId} tried to sign in.", user.Id);
            else if (lockedOut)
                logger.LogWarning("User {UserId} is locked out.", user.Id);
            // Said only to someone who knows the password, so these do not tell strangers the account exists. A locked
            // account answers as a wrong password does even then: else guessing could go on through the lockout.
            message = !passwordIsRight ? InvalidCredentials
                : deactivated ? Deactivated
                : lockedOut ? InvalidCredentials
                : NotAllowed;
        }
        else
        {
            var result = await signIn.PasswordSignInAsync(user, model.Password!, model.RememberMe, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                logger.LogInformation("User {UserId} signed in.", user.Id);
                await UserStates.RecordSignInAsync(db, user.Id, time.GetUtcNow().UtcDateTime, logger, HttpContext.RequestAborted);
                return LocalRedirect(SafeReturnUrl(model.ReturnUrl));
            }
            // A failure that locks the account (the fifth) gets the same answer as the four before it.
            message = result.RequiresTwoFactor ? NotAllowed : InvalidCredentials;
        }
        ModelState.AddModelError(string.Empty, t[message]);
        return LoginAgain(model);
    }

    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(Login));
    }

    [HttpGet("settings")]
    public async Task<IActionResult> Settings(bool saved = false)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();
        return View(new SettingsViewModel
        {
            Language = VocCultures.Normalize(user.PreferredLanguage),
            TimeZone = TimeZones.Find(user.TimeZoneId) is null ? UserClock.Utc : user.TimeZoneId!,
            Saved = saved,
        });
    }

    /// <summary>
    /// Saves the language (empty follows the browser, otherwise <c>en</c> or <c>zh-CN</c>) and the time zone (an IANA id,
    /// <c>UTC</c> or empty for UTC; left as it is when the field is not sent).
    /// </summary>
    [HttpPost("settings")]
    public async Task<IActionResult> Settings([FromForm] string? language, [FromForm] string? timeZone)
    {
        string? culture = null;
        if (!string.IsNullOrWhiteSpace(language) && (culture = VocCultures.Normalize(language)) is null)
            return BadRequest();
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();

        if (timeZone is not null)
        {
            var zone = timeZone.Trim();
            if (zone.Length > 0 && !TimeZones.IsOffered(zone))
            {
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return View(new SettingsViewModel
                {
                    Language = culture,
                    TimeZone = zone,
                    TimeZoneError = t["There is no time zone \"{0}\"; choose one from the list.", zone],
                });
            }
            var stored = zone is "" or UserClock.Utc ? null : zone;
            if (user.TimeZoneId != stored)
            {
                user.TimeZoneId = stored;
                var result = await users.UpdateAsync(user);
                if (!result.Succeeded)
                    throw new InvalidOperationException("Saving the time zone failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }
        }
        // Refreshes the sign-in too, so the time-zone claim changes with the language claim.
        await LanguagePreference.SaveAsync(HttpContext, signIn, users, culture);
        return Redirect("/account/settings?saved=true");
    }

    [HttpGet("denied")]
    [AllowAnonymous]
    public IActionResult Denied()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return View();
    }

    private void CheckDecoyPassword(string password)
    {
        var decoy = new AppUser();
        s_decoyHash ??= users.PasswordHasher.HashPassword(decoy, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
        users.PasswordHasher.VerifyHashedPassword(decoy, s_decoyHash, password);
    }

    // The password input never renders a value, so the password is not echoed back.
    private ViewResult LoginAgain(LoginViewModel model) => View(nameof(Login), model);

    /// <summary>Only local paths are followed, so the sign-in page cannot be used as an open redirect.</summary>
    private string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/feedback";
}
