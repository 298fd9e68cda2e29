using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// Two rules for every call under <c>/api</c> that may change data (POST, PUT, PATCH, DELETE). A caller signed in by
/// the session cookie must send the antiforgery token in the <see cref="TokenHeader"/> header: a browser attaches the
/// cookie to a request any site composes, so the cookie alone does not show that the app's own page sent it. And a
/// body must be <see cref="JsonMediaType"/>. API-key callers need no token: no other site can make a browser send
/// <c>X-Api-Key</c>. Runs after authorization, so an anonymous caller still gets 401 and a role without the
/// permission 403.
/// </summary>
public sealed class ApiRequestGuardMiddleware(RequestDelegate next, IAntiforgery antiforgery)
{
    /// <summary>ASP.NET Core's own name for it; set on <see cref="AntiforgeryOptions.HeaderName"/>.</summary>
    public const string TokenHeader = "RequestVerificationToken";
    public const string JsonMediaType = "application/json";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        // No route matched: the 404 is the answer, not a word about tokens. (Routing's 405 and 415 rejections are
        // endpoints: a 415 is this guard's to explain, and a 405 comes once the call is otherwise well-formed.)
        if (context.GetEndpoint() is null
            || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            await next(context);
            return;
        }

        if (IsCookieCaller(context) && await TokenProblemAsync(context) is { } tokenProblem)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, "Antiforgery token missing or invalid", tokenProblem, TokenHeader);
            return;
        }
        if (!IsJsonOrEmpty(request))
        {
            await WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The API takes only JSON bodies: send Content-Type: {JsonMediaType} (this request sent '{request.ContentType}').", HeaderNames.ContentType);
            return;
        }
        await next(context);
    }

    /// <summary>Signed in, but not by an API key (a call carrying both is the integration's).</summary>
    private static bool IsCookieCaller(HttpContext context) =>
        context.User.Identities.Any(i => i.IsAuthenticated) && !ScopeOrRoleRequirement.IsKeyCaller(context.User);

    private async Task<string?> TokenProblemAsync(HttpContext context)
    {
        // Only the header counts: never a form field, since a cross-site form can post one (with a stale value).
        if (string.IsNullOrEmpty(context.Request.Headers[TokenHeader]))
            return $"A signed-in call that changes data must send the antiforgery token in the {TokenHeader} header: the value of the " +
                   "__RequestVerificationToken field that every page of the app carries. Integrations send an API key (X-Api-Key) instead.";
        return await antiforgery.IsRequestValidAsync(context) ? null
            : $"The token in the {TokenHeader} header does not belong to this session; take it from a page loaded since signing in.";
    }

    /// <summary>No body at all (a re-open without a reason), or a JSON one; parameters such as charset are the formatter's business.</summary>
    private static bool IsJsonOrEmpty(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
            return !HasBody(request);
        return MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
               && parsed.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || (request.ContentLength is null
            && (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.Headers.TransferEncoding.Count > 0));

    /// <summary>Through the problem details service (as every error is), or as plain problem JSON when the caller's Accept rules that out.</summary>
    private static Task WriteAsync(HttpContext context, int status, string title, string detail, string field) =>
        Results.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["field"] = field }).ExecuteAsync(context);
}

public static class ApiRequestGuardExtensions
{
    /// <summary>Call right after <c>UseAuthorization</c>: the guard needs to know who the caller is.</summary>
    public static IApplicationBuilder UseApiRequestGuard(this IApplicationBuilder app) =>
        app.UseWhen(WebApplicationSetup.IsApiRequest, api => api.UseMiddleware<ApiRequestGuardMiddleware>());
}
