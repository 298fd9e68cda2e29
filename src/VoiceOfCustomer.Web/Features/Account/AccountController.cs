using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Account;

[Route("account")]
public sealed class AccountController(SignInManager<AppUser> signIn, UserManager<AppUser> users, ILogger<AccountController> logger) : Controller
{
    // One message for unknown email and wrong password, so the form does not reveal which accounts exist.
    internal const string InvalidCredentials = "The email or password is incorrect.";
    internal const string LockedOut = "Too many failed sign-in attempts. This account is locked for a while; try again later or ask an administrator.";

    [HttpGet("login")]
    [AllowAnonymous]
    public IActionResult Login(string? returnUrl = null)
    {
        if (User.Identity?.IsAuthenticated == true)
            return LocalRedirect(SafeReturnUrl(returnUrl));
        return View(new LoginViewModel { ReturnUrl = returnUrl });
    }

    [HttpPost("login")]
    [AllowAnonymous]
    public async Task<IActionResult> Login([FromForm] LoginViewModel model)
    {
        if (!ModelState.IsValid)
            return LoginAgain(model);

        var user = await users.FindByEmailAsync(model.Email!.Trim());
        if (user is null)
        {
            ModelState.AddModelError(string.Empty, InvalidCredentials);
            return LoginAgain(model);
        }

        var result = await signIn.PasswordSignInAsync(user, model.Password!, model.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserId} signed in.", user.Id);
            return LocalRedirect(SafeReturnUrl(model.ReturnUrl));
        }
        if (result.IsLockedOut)
        {
            logger.LogWarning("User {UserId} is locked out.", user.Id);
            ModelState.AddModelError(string.Empty, LockedOut);
        }
        else if (result.IsNotAllowed || result.RequiresTwoFactor)
            ModelState.AddModelError(string.Empty, "This account cannot sign in here yet. Ask an administrator.");
        else
            ModelState.AddModelError(string.Empty, InvalidCredentials);
        return LoginAgain(model);
    }

    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        await signIn.SignOutAsync();
        return RedirectToAction(nameof(Login));
    }

    [HttpGet("denied")]
    [AllowAnonymous]
    public IActionResult Denied()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return View();
    }

    // The password input never renders a value, so the password is not echoed back.
    private ViewResult LoginAgain(LoginViewModel model) => View(nameof(Login), model);

    /// <summary>Only local paths are followed, so the sign-in page cannot be used as an open redirect.</summary>
    private string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/feedback";
}
