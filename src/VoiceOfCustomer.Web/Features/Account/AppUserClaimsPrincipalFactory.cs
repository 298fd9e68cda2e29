using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Account;

/// <summary>
/// Identity's default claims (name, roles, security stamp) plus <see cref="DisplayNameClaim"/>, <see cref="LanguageClaim"/>
/// and <see cref="TimeZoneClaim"/>, so pages need no database read for them.
/// </summary>
public sealed class AppUserClaimsPrincipalFactory(
    UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "voc:display_name";

    /// <summary>The user's saved UI language (<c>en</c> or <c>zh-CN</c>); absent when they follow the browser.</summary>
    public const string LanguageClaim = "voc:language";

    /// <summary>The user's IANA time zone (<c>Asia/Shanghai</c>); absent for UTC.</summary>
    public const string TimeZoneClaim = "voc:time_zone";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
            identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
        if (!string.IsNullOrWhiteSpace(user.PreferredLanguage))
            identity.AddClaim(new Claim(LanguageClaim, user.PreferredLanguage));
        if (!string.IsNullOrWhiteSpace(user.TimeZoneId))
            identity.AddClaim(new Claim(TimeZoneClaim, user.TimeZoneId));
        return identity;
    }
}

public static class UserDisplay
{
    public static string Name(ClaimsPrincipal user) =>
        user.FindFirstValue(AppUserClaimsPrincipalFactory.DisplayNameClaim) ?? user.Identity?.Name ?? "";

    /// <summary>The user's roles in the product's fixed order, for the header.</summary>
    public static IReadOnlyList<string> RolesOf(ClaimsPrincipal user) => Roles.All.Where(user.IsInRole).ToList();
}
