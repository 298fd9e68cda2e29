using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.ApiKeys;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>Authenticates integrations by the <c>X-Api-Key</c> header; each scope becomes a <c>scope</c> claim.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache cache,
    ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ScopeClaim = "scope";

    /// <summary>The id of the user a key acts for (<see cref="ApiKey.UserId"/>); absent for a key made for no one.</summary>
    public const string UserClaim = "voc:apikey_user";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
            return AuthenticateResult.NoResult();
        var token = values.ToString().Trim();
        var key = await cache.GetOrLoadAsync(token, () => keys.FindValidAsync(token, Context.RequestAborted));
        if (key is null)
            return AuthenticateResult.Fail("The API key is unknown or revoked.");

        var claims = new List<Claim> { new(ClaimTypes.Name, key.Name), new(ClaimTypes.NameIdentifier, $"apikey:{key.Id}") };
        claims.AddRange(key.ScopeList.Select(scope => new Claim(ScopeClaim, scope)));
        if (key.UserId is not null)
            claims.Add(new Claim(UserClaim, key.UserId));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "API key required",
            Request.Headers.ContainsKey(HeaderName) ? "The API key in X-Api-Key is unknown or revoked." : "Send an API key in the X-Api-Key header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Scope missing", "The API key does not carry the scope this endpoint needs.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail, Extensions = { ["field"] = HeaderName } },
        });
    }
}
