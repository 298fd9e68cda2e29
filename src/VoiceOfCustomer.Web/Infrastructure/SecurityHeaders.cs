using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// The headers every response carries (pages, API, static files, error pages, problem details): a strict
/// Content-Security-Policy, <c>nosniff</c>, a referrer policy and frame denial; and no <c>Server</c> header.
/// They are written just before the response starts, so the exception handler and the status-code pages, which clear
/// the headers of a failed response, cannot drop them.
/// </summary>
public static partial class SecurityHeaders
{
    /// <summary>The Scalar API reference (see <c>MapScalarApiReference</c>); its page gets <see cref="ApiReferencePolicy"/>.</summary>
    public const string ApiReferencePath = "/api-docs";

    /// <summary>
    /// Every page: scripts and styles only from our own files (no inline script, no inline event handler, no inline
    /// style attribute or element; chart data travels in <c>&lt;script type="application/json"&gt;</c>, which is data and
    /// never runs), nothing from another origin, no plug-ins, no framing.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page only: Scalar's bundle injects its styles as <c>&lt;style&gt;</c> elements, hence
    /// <c>'unsafe-inline'</c> for styles, and draws icons from <c>data:</c> URLs. Its one inline script (the start-up
    /// call with its settings) is allowed by its hash, computed from the page as served, so scripts stay strict here too.
    /// </summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self'{0}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Our own pages get the referrer; other sites get none, not even the origin (our URLs carry search terms and customer ids).</summary>
    public const string ReferrerPolicy = "same-origin";

    /// <summary>
    /// No <c>Server</c> header (Kestrel's <c>Server: Kestrel</c> tells a prober what it talks to, for nothing in return).
    /// </summary>
    public static WebApplicationBuilder AddVocSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    /// <summary>First in the pipeline, so every response, whoever writes it, gets the headers.</summary>
    public static IApplicationBuilder UseVocSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var response = context.Response;
            string? scriptHashes = null;
            response.OnStarting(() =>
            {
                var headers = response.Headers;
                headers.ContentSecurityPolicy = scriptHashes is null ? PagePolicy : string.Format(System.Globalization.CultureInfo.InvariantCulture, ApiReferencePolicy, scriptHashes);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                // Antiforgery writes SAMEORIGIN on pages with a form; nothing of ours is meant to be framed at all.
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });

            if (!IsApiReferencePage(context.Request.Path))
            {
                await next(context);
                return;
            }
            // The reference page is small (under 1 kB); it is held back until its inline scripts are hashed.
            var body = response.Body;
            using var buffer = new MemoryStream();
            response.Body = buffer;
            try
            {
                await next(context);
                scriptHashes = InlineScriptHashes(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }
            finally
            {
                response.Body = body;
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(body, context.RequestAborted);
        });

    /// <summary>The page itself (<c>/api-docs/</c>, <c>/api-docs/index.html</c>), not its scripts (several MB) or the OpenAPI document.</summary>
    private static bool IsApiReferencePage(PathString path) =>
        path.StartsWithSegments(ApiReferencePath, out var rest) && (!rest.HasValue || rest == "/" || rest == "/index.html");

    /// <summary><c> 'sha256-…'</c> for each inline script of <paramref name="html"/> (the text between its tags, as the browser hashes it).</summary>
    internal static string InlineScriptHashes(string html)
    {
        var hashes = new StringBuilder();
        foreach (Match script in InlineScript().Matches(html))
            hashes.Append(" 'sha256-").Append(Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups[1].Value)))).Append('\'');
        return hashes.ToString();
    }

    [GeneratedRegex(@"<script(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
