using Microsoft.AspNetCore.Identity;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Account;

public static class AccountSetup
{
    /// <summary>Adds the display name to the sign-in cookie so the layout needs no database read per page, and the sign-in rate limit.</summary>
    public static IServiceCollection AddAccountFeature(this IServiceCollection services, IConfiguration configuration) =>
        services.AddScoped<IUserClaimsPrincipalFactory<AppUser>, AppUserClaimsPrincipalFactory>()
            .AddSignInRateLimit(configuration);
}
