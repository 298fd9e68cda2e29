using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// API endpoints accept either an API key with the right scope or a signed-in user in a role that may do the same.
/// </summary>
public static class AuthorizationPolicies
{
    public const string Intake = "api:intake";
    public const string Read = "api:read";
    public const string Coding = "api:coding";

    /// <summary>Both schemes, for endpoints that integrations and the web app's own pages call.</summary>
    public const string ApiSchemes = ApiKeyAuthenticationHandler.SchemeName + "," + "Identity.Application";

    public static AuthorizationBuilder AddVocPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Intake, ScopeOrRole(ApiKeyService.Scopes.Intake, Roles.Admin, Roles.Csm))
        .AddPolicy(Read, ScopeOrRole(ApiKeyService.Scopes.Read, Roles.All.ToArray()))
        .AddPolicy(Coding, ScopeOrRole(ApiKeyService.Scopes.Coding, Roles.Admin, Roles.Csm));

    private static Action<AuthorizationPolicyBuilder> ScopeOrRole(string scope, params string[] roles) => policy => policy
        .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, IdentityConstants.ApplicationScheme)
        .RequireAssertion(context =>
            context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, scope) || roles.Any(context.User.IsInRole));
}
