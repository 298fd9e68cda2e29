using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// The limits on a request's URL and headers (<see cref="WebOptions.MaxUrlLength"/>, <see cref="WebOptions.MaxRequestHeadersBytes"/>),
/// enforced here rather than by Kestrel, whose refusals are an empty 414 or 431. Kestrel's own limits are set to twice
/// these (<see cref="RaiseKestrelLimits"/>), so what lies between gets an answer like every other error: problem details
/// on <c>/api</c>, the friendly error page elsewhere. Beyond twice the limit Kestrel still refuses on its own.
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptionsMonitor<WebOptions> options, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The error page's re-execution carries the same headers: it must be let through to be shown.
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is null && Refusal(context, options.CurrentValue) is { } refusal)
        {
            context.Response.StatusCode = refusal.Status;
            if (WebApplicationSetup.IsApiRequest(context))
                await problems.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = refusal.Status,
                        Title = refusal.Title,
                        Detail = refusal.Detail,
                        Extensions = { ["field"] = refusal.Field },
                    },
                });
            // Pages: the status alone, so the status-code pages show the error page (as for a 404).
            return;
        }
        await next(context);
    }

    private sealed record RequestRefusal(int Status, string Title, string Detail, string Field);

    private static RequestRefusal? Refusal(HttpContext context, WebOptions limits)
    {
        // The URL as sent (percent-encoded), which is what Kestrel's request-line limit counts.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var urlLength = string.IsNullOrEmpty(target)
            ? (context.Request.Path.Value?.Length ?? 0) + (context.Request.QueryString.Value?.Length ?? 0)
            : target.Length;
        if (urlLength > limits.MaxUrlLength)
            return new(StatusCodes.Status414RequestUriTooLong, "The URL is too long.", string.Create(CultureInfo.InvariantCulture,
                $"The URL (path and query string) is {urlLength:N0} characters; this server answers URLs of at most {limits.MaxUrlLength:N0}. Send long values in a request body instead."),
                "url");

        // As Kestrel counts them: "name: value" and the line break, for every header line.
        long headerBytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
                headerBytes += name.Length + (value?.Length ?? 0) + 4;
        }
        if (headerBytes > limits.MaxRequestHeadersBytes)
            return new(StatusCodes.Status431RequestHeaderFieldsTooLarge, "The request headers are too large.", string.Create(CultureInfo.InvariantCulture,
                $"The request headers are {headerBytes:N0} bytes; this server accepts at most {limits.MaxRequestHeadersBytes:N0}."),
                "headers");
        return null;
    }

    /// <summary>Kestrel's limits at twice the app's, so that the middleware, not Kestrel, answers a request a little over them.</summary>
    public static void RaiseKestrelLimits(KestrelServerLimits kestrel, WebOptions limits)
    {
        // The request line is "GET <url> HTTP/1.1": the URL with some room for the method and the version.
        kestrel.MaxRequestLineSize = Math.Max(kestrel.MaxRequestLineSize, 2 * limits.MaxUrlLength + 64);
        kestrel.MaxRequestHeadersTotalSize = Math.Max(kestrel.MaxRequestHeadersTotalSize, 2 * limits.MaxRequestHeadersBytes);
    }
}
