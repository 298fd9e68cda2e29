using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Features.Users;

/// <summary>User administration, bound from the <c>Users</c> section.</summary>
public sealed class UsersOptions
{
    public const string SectionName = "Users";

    /// <summary>How long the link in an invitation or password-reset mail can be used (once).</summary>
    public TimeSpan SetPasswordLinkLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How often a signed-in session is checked against the database: a deactivated user's open session ends, and a
    /// changed role takes effect, within this time (at once on the instance that made the change, see
    /// <see cref="ChangedSessions"/>). Zero checks on every request (one extra query each).
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The set-password links' tokens, with their own lifetime (Identity's default provider's is one day for every purpose).</summary>
public sealed class SetPasswordTokenProviderOptions : DataProtectionTokenProviderOptions;

public sealed class SetPasswordTokenProvider(
    IDataProtectionProvider protection, IOptions<SetPasswordTokenProviderOptions> options, ILogger<DataProtectorTokenProvider<AppUser>> logger)
    : DataProtectorTokenProvider<AppUser>(protection, options, logger)
{
    public const string ProviderName = "VocSetPassword";
}

public static class UsersSetup
{
    /// <summary>Call after <c>AddIdentity</c>: replaces its error texts with localized ones and its password-reset token provider.</summary>
    public static IServiceCollection AddUsersFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<UsersOptions>().Bind(configuration.GetSection(UsersOptions.SectionName))
            .Validate(o => o.SetPasswordLinkLifetime > TimeSpan.Zero, "Users:SetPasswordLinkLifetime must be positive.")
            .Validate(o => o.SessionCheckInterval >= TimeSpan.Zero, "Users:SessionCheckInterval must not be negative.")
            .ValidateOnStart();
        services.AddOptions<SetPasswordTokenProviderOptions>().Configure<IOptions<UsersOptions>>((tokens, users) =>
        {
            tokens.Name = SetPasswordTokenProvider.ProviderName;
            tokens.TokenLifespan = users.Value.SetPasswordLinkLifetime;
        });
        services.AddTransient<SetPasswordTokenProvider>();
        services.Configure<IdentityOptions>(identity =>
        {
            identity.Tokens.ProviderMap[SetPasswordTokenProvider.ProviderName] = new TokenProviderDescriptor(typeof(SetPasswordTokenProvider));
            identity.Tokens.PasswordResetTokenProvider = SetPasswordTokenProvider.ProviderName;
        });
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<UsersOptions>>((stamp, users) =>
            stamp.ValidationInterval = users.Value.SessionCheckInterval);
        services.AddSingleton<ChangedSessions>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).PostConfigure<ChangedSessions>((cookie, changed) =>
        {
            var stampCheck = cookie.Events.OnValidatePrincipal;
            cookie.Events.OnValidatePrincipal = context => changed.ValidatePrincipalAsync(context, stampCheck);
        });
        services.AddScoped<IdentityErrorDescriber, LocalizedIdentityErrorDescriber>();
        services.AddScoped<UserAdministration>();
        return services;
    }
}
