using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
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
    public const string Tasks = "api:tasks";
    public const string CustomersWrite = "api:customers";
    public const string CustomersRead = "api:customers:read";

    /// <summary>Both schemes, for endpoints that integrations and the web app's own pages call.</summary>
    public const string ApiSchemes = ApiKeyAuthenticationHandler.SchemeName + "," + "Identity.Application";

    public static readonly ScopeOrRoleRequirement IntakeRequirement = new(ApiKeyService.Scopes.Intake, "submit feedback", [Roles.Csm, Roles.Admin]);
    public static readonly ScopeOrRoleRequirement ReadRequirement = new(ApiKeyService.Scopes.Read, "read feedback", [.. Roles.All]);
    public static readonly ScopeOrRoleRequirement CodingRequirement = new(ApiKeyService.Scopes.Coding, "code feedback", [Roles.Csm, Roles.Admin]);

    /// <summary>Everyone may answer their own tasks; which tasks are "theirs" (and a key's user) is the endpoint's check.</summary>
    public static readonly ScopeOrRoleRequirement TasksRequirement = new(ApiKeyService.Scopes.Tasks, "answer workflow tasks", [.. Roles.All]);

    /// <summary>Customer data is written by integrations (the CRM, billing) or an Admin; CSMs may read it.</summary>
    public static readonly ScopeOrRoleRequirement CustomersWriteRequirement = new(ApiKeyService.Scopes.Customers, "write customer data", [Roles.Admin]);
    public static readonly ScopeOrRoleRequirement CustomersReadRequirement = new(ApiKeyService.Scopes.Customers, "read customer data", [Roles.Admin, Roles.Csm]);

    public static AuthorizationBuilder AddVocPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Intake, ScopeOrRole(IntakeRequirement))
        .AddPolicy(Read, ScopeOrRole(ReadRequirement))
        .AddPolicy(Coding, ScopeOrRole(CodingRequirement))
        .AddPolicy(Tasks, ScopeOrRole(TasksRequirement))
        .AddPolicy(CustomersWrite, ScopeOrRole(CustomersWriteRequirement))
        .AddPolicy(CustomersRead, ScopeOrRole(CustomersReadRequirement));

    private static Action<AuthorizationPolicyBuilder> ScopeOrRole(ScopeOrRoleRequirement requirement) => policy => policy
        .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName, IdentityConstants.ApplicationScheme)
        .AddRequirements(requirement);
}

/// <summary>
/// An API key carrying <see cref="Scope"/>, or a signed-in user in one of <see cref="RoleNames"/>. It handles itself
/// (ASP.NET Core's pass-through handler runs it) and, when it fails, tells the caller what was missing.
/// </summary>
/// <param name="scope">The API-key scope, which is also the name of the permission (<c>intake</c>, <c>read</c>, <c>coding</c>).</param>
/// <param name="action">What the permission allows, as the refusal says it ("submit feedback").</param>
/// <param name="roleNames">The roles that hold the permission, in the order the refusal names them.</param>
public sealed class ScopeOrRoleRequirement(string scope, string action, IReadOnlyList<string> roleNames)
    : AuthorizationHandler<ScopeOrRoleRequirement>, IAuthorizationRequirement
{
    public string Scope { get; } = scope;
    public IReadOnlyList<string> RoleNames { get; } = roleNames;

    /// <summary>True when the caller is an integration with a key (even if it also sent a session cookie).</summary>
    public static bool IsKeyCaller(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeOrRoleRequirement requirement)
    {
        if (context.User.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, Scope) || RoleNames.Any(context.User.IsInRole))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>The 403's detail: the key's missing scope for an integration, the role's missing permission for a person.</summary>
    public string Refusal(ClaimsPrincipal user)
    {
        if (IsKeyCaller(user))
            return $"The API key does not carry the '{Scope}' scope this endpoint needs; create a key with it (voc apikey create --scopes {Scope}).";
        var held = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct().ToList();
        var required = $"{Scope} requires the {string.Join(" or ", RoleNames)} role";
        return held.Count switch
        {
            0 => $"Your account has no role, so it may not {action}: {required}.",
            1 => $"Your role ({held[0]}) may not {action}: {required}.",
            _ => $"Your roles ({string.Join(", ", held)}) may not {action}: {required}.",
        };
    }
}

/// <summary>
/// Answers a refused API call with problem details that say what was missing: the scope for a key, the role for a
/// signed-in user. Every other outcome (and every page) keeps ASP.NET Core's default handling.
/// </summary>
public sealed class ApiAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden
            || authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeOrRoleRequirement>().FirstOrDefault() is not { } requirement)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var byKey = ScopeOrRoleRequirement.IsKeyCaller(context.User);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = byKey ? "Scope missing" : "Permission missing",
                Detail = requirement.Refusal(context.User),
                Extensions = { ["permission"] = requirement.Scope },
            },
        };
        if (byKey)
            problem.ProblemDetails.Extensions["field"] = ApiKeyAuthenticationHandler.HeaderName;
        else
            problem.ProblemDetails.Extensions["requiredRoles"] = requirement.RoleNames;
        await problems.WriteAsync(problem);
    }
}
