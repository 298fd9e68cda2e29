using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Account;

/// <summary>
/// The layout's English / 中文 switch. Signed-in users get the choice saved as their <c>PreferredLanguage</c> (and the
/// sign-in refreshed so its claim changes); everyone also gets the culture cookie, so the choice survives signing out.
/// </summary>
[AllowAnonymous]
[Route("language")]
public sealed class LanguageController(SignInManager<AppUser> signIn, UserManager<AppUser> users) : Controller
{
    [HttpPost("")]
    public async Task<IActionResult> Switch([FromForm] string? culture, [FromForm] string? returnUrl)
    {
        if (VocCultures.Normalize(culture) is not { } chosen)
            return BadRequest();
        await LanguagePreference.SaveAsync(HttpContext, signIn, users, chosen);
        return LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}

internal static class LanguagePreference
{
    /// <summary>Saves <paramref name="culture"/> (null = follow the browser) for the signed-in user, if any, and in the cookie.</summary>
    public static async Task SaveAsync(HttpContext context, SignInManager<AppUser> signIn, UserManager<AppUser> users, string? culture)
    {
        if (context.User.Identity?.IsAuthenticated == true && await users.GetUserAsync(context.User) is { } user)
        {
            if (user.PreferredLanguage != culture)
            {
                user.PreferredLanguage = culture;
                var result = await users.UpdateAsync(user);
                if (!result.Succeeded)
                    throw new InvalidOperationException("Saving the language preference failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            }
            await signIn.RefreshSignInAsync(user);
        }

        if (culture is null)
            context.Response.Cookies.Delete(CookieRequestCultureProvider.DefaultCookieName);
        else
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions
                {
                    Expires = DateTimeOffset.UtcNow.AddYears(1),
                    IsEssential = true,
                    SameSite = SameSiteMode.Lax,
                    HttpOnly = true,
                    Secure = context.Request.IsHttps,
                });
    }
}
