using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Account;

/// <summary>Identity's default claims (name, roles, security stamp) plus <see cref="DisplayNameClaim"/>.</summary>
public sealed class AppUserClaimsPrincipalFactory(
    UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    public const string DisplayNameClaim = "voc:display_name";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
            identity.AddClaim(new Claim(DisplayNameClaim, user.DisplayName));
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
