using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Localization;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// Walks every endpoint the app maps (found in its <see cref="EndpointDataSource"/>, so a new route is walked without a
/// new row), plus static files and error answers, anonymously and as each role, and checks that every response carries
/// the security headers (<see cref="SecurityHeaderRules"/>) and that every cookie is HttpOnly, SameSite and, over HTTPS,
/// Secure. Pages are also checked for inline scripts, inline event handlers and style attributes the policy would block.
/// </summary>
public sealed partial class SecurityHeadersTests(ScreensFixture fixture) : IClassFixture<ScreensFixture>
{
    private static readonly Uri Https = new("https://localhost");

    /// <summary>What the walk asks for beyond the mapped endpoints: static files, the API reference, errors of each kind.</summary>
    private static readonly string[] ExtraPaths =
    [
        "/css/site.css", "/js/site.js", "/js/import-status.js", "/favicon.ico", "/lib/chart.js/chart.umd.min.js",
        "/api-docs", "/api-docs/", "/openapi/v1.json", "/health", "/no-such-page", "/api/no-such-endpoint", "/api/feedback/999999999",
        "/api/feedback?limit=banana", "/error/500",
    ];

    /// <summary>The error page's own addresses answer with the status they show.</summary>
    private static readonly string[] ServerErrorPages = ["/error", "/error/500"];

    [Fact]
    public async Task Every_endpoint_and_page_carries_the_security_headers_for_every_role()
    {
        var routes = WalkedRoutes(await SamplesAsync());
        Assert.True(routes.Count >= 80, $"Only {routes.Count} routes were found in the endpoint data source.");

        var clients = new List<(string Who, HttpClient Client)> { ("anonymous", WebTestSupport.Client(fixture.App)) };
        foreach (var role in Roles.All)
            clients.Add((role, await SignedInOverHttpsAsync(role)));

        var problems = new List<string>();
        foreach (var (who, client) in clients)
        {
            foreach (var (method, path) in routes)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method != "GET")
                    request.Content = path.StartsWith("/api/", StringComparison.Ordinal)
                        ? new StringContent("{}", Encoding.UTF8, "application/json")
                        : new FormUrlEncodedContent([]);
                using var response = await client.SendAsync(request);
                var where = $"{who} {method} {path} → {(int)response.StatusCode}";
                if ((int)response.StatusCode >= 500 && !ServerErrorPages.Contains(path))
                    problems.Add($"{where}: a server error");
                problems.AddRange((await SecurityHeaderRules.ProblemsAsync(response)).Select(p => $"{where}: {p}"));
            }
        }
        foreach (var (_, client) in clients)
            client.Dispose();
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems.Take(60)));
    }

    [Fact]
    public async Task Cookies_are_http_only_and_same_site_and_secure_over_https()
    {
        using var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = Https, AllowAutoRedirect = false });
        var email = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Admin);
        var cookies = new List<string>();

        var login = await client.GetAsync("/account/login");
        cookies.AddRange(SetCookie.Headers(login));
        var signIn = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        cookies.AddRange(SetCookie.Headers(signIn));
        var page = await client.GetStringAsync("/feedback");
        var language = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN",
            ["returnUrl"] = "/feedback",
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, language.StatusCode);
        cookies.AddRange(SetCookie.Headers(language));
        // A flash message after a form travels in the TempData cookie.
        var outbox = await client.GetStringAsync("/admin/outbox");
        var retry = await client.PostAsync("/admin/outbox/retry-dead-letters", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(outbox),
        }));
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        cookies.AddRange(SetCookie.Headers(retry));

        var named = cookies.Select(SetCookie.Parse).Where(c => !c.Deletes).ToList();
        Assert.Contains(named, c => c.Name == "voc.auth");
        Assert.Contains(named, c => c.Name == "voc.csrf");
        Assert.Contains(named, c => c.Name == ".AspNetCore.Culture");
        Assert.Contains(named, c => c.Name == ".AspNetCore.Mvc.CookieTempDataProvider");
        var problems = named.SelectMany(c => c.Problems(overHttps: true)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>The in-memory test server writes no <c>Server</c> header of its own; Kestrel does, unless told not to.</summary>
    [Fact]
    public async Task Kestrel_sends_the_headers_and_no_server_header()
    {
        using var app = new VocAppFactory();
        app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        foreach (var path in new[] { "/account/login", "/feedback", "/api/feedback", "/css/site.css", "/no-such-page", "/health" })
        {
            using var response = await client.GetAsync(path);
            Assert.False(response.Headers.Contains("Server"), $"{path} sent Server: {string.Join(",", response.Headers.TryGetValues("Server", out var v) ? v : [])}");
            Assert.Empty(await SecurityHeaderRules.ProblemsAsync(response));
        }
    }

    /// <summary>An unhandled exception: the exception handler clears the response's headers before the error page or problem details.</summary>
    [Fact]
    public async Task A_server_error_page_and_its_problem_details_carry_the_headers()
    {
        using var app = new VocAppFactory
        {
            TestServices = services => services.AddMvcCore().AddApplicationPart(typeof(SecurityWalkFailureController).Assembly),
        };
        using var client = WebTestSupport.Client(app);

        using var page = await client.GetAsync(SecurityWalkFailureController.PagePath);
        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Contains("Something went wrong on our side", await page.Content.ReadAsStringAsync());
        Assert.Empty(await SecurityHeaderRules.ProblemsAsync(page));

        using var api = await client.GetAsync(SecurityWalkFailureController.ApiPath);
        Assert.Equal(HttpStatusCode.InternalServerError, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await SecurityHeaderRules.ProblemsAsync(api));
    }

    /// <summary>The policy's rule, checked at the source: no view has an inline script, event handler or style attribute.</summary>
    [Fact]
    public void No_view_has_an_inline_script_event_handler_or_style()
    {
        var views = Path.Combine(Checkout.Root(), "src", "VoiceOfCustomer.Web", "Features");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(views, "*.cshtml", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(views, file);
            found.AddRange(SecurityHeaderRules.InlineCode(text, allowInlineStyles: false, allowedScriptHashes: "").Select(p => $"{name}: {p}"));
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    private async Task<HttpClient> SignedInOverHttpsAsync(string role)
    {
        var client = fixture.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = Https, AllowAutoRedirect = false });
        var email = await WebTestSupport.CreateUserAsync(fixture.App, role);
        var response = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>A value for each route parameter that reaches a real page of the fixture's data where one exists.</summary>
    private async Task<Dictionary<string, string>> SamplesAsync()
    {
        // A running import, so its details page carries the polling script.
        var runningImport = await fixture.App.WithDbAsync(async db =>
        {
            var job = new ImportJob { Id = Guid.NewGuid(), FileName = "running.csv", ChannelKey = "support", Status = ImportJobStatus.Running, FileBytes = 100, BytesRead = 10, CreatedAt = DateTime.UtcNow };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync();
            return job.Id;
        });
        var userId = await fixture.App.WithDbAsync(db => db.Users.Select(u => u.Id).FirstAsync());
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["id:long"] = fixture.CodedId.ToString(CultureInfo.InvariantCulture),
            ["id:int"] = fixture.MetricId.ToString(CultureInfo.InvariantCulture),
            ["id:guid"] = runningImport.ToString(),
            ["id"] = userId,
            ["kind"] = "metrics",
            ["key"] = "cn-business",
            ["table"] = "weeks",
            ["source"] = "helpdesk",
            ["code"] = "404",
            ["documentName"] = "v1",
        };
    }

    /// <summary>Each mapped route once per method (GET for those that take any), its parameters filled in from <paramref name="samples"/>.</summary>
    private List<(string Method, string Path)> WalkedRoutes(Dictionary<string, string> samples)
    {
        var routes = new HashSet<(string, string)>();
        foreach (var endpoint in fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = SamplePath(endpoint.RoutePattern, samples);
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods)
                routes.Add((method, path));
        }
        foreach (var path in ExtraPaths)
            routes.Add(("GET", path));
        routes.Add(("DELETE", "/feedback"));
        return [.. routes.Order()];
    }

    private static string SamplePath(RoutePattern pattern, Dictionary<string, string> samples)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            var text = new StringBuilder();
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        text.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        text.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        text.Append(ParameterValue(pattern, parameter, samples));
                        break;
                }
            }
            if (text.Length > 0)
                path.Append('/').Append(text);
        }
        return path.Length == 0 ? "/" : path.ToString();
    }

    private static string ParameterValue(RoutePattern pattern, RoutePatternParameterPart parameter, Dictionary<string, string> samples)
    {
        if (pattern.RequiredValues.TryGetValue(parameter.Name, out var required) && required is string requiredText && requiredText.Length > 0)
            return requiredText;
        if (parameter.IsCatchAll || parameter.IsOptional)
            return "";
        if (parameter.Default is string fallback)
            return fallback;
        var constraint = parameter.ParameterPolicies.Select(p => p.Content).FirstOrDefault(c => c is not null);
        if (constraint is not null && samples.TryGetValue($"{parameter.Name}:{constraint}", out var constrained))
            return constrained;
        return samples.TryGetValue(parameter.Name, out var value) ? value : "1";
    }
}

/// <summary>What every response must carry, as the issue states it; shared with the sign-in tests.</summary>
public static partial class SecurityHeaderRules
{
    private static readonly string[] ReferrerPolicies = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
    private static readonly string[] LooseScriptSources = ["'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"];

    public static async Task<List<string>> ProblemsAsync(HttpResponseMessage response)
    {
        var problems = new List<string>();
        var csp = Header(response, "Content-Security-Policy");
        if (csp is null)
            problems.Add("no Content-Security-Policy");
        else
            problems.AddRange(PolicyProblems(Directives(csp)));
        if (Header(response, "X-Content-Type-Options") != "nosniff")
            problems.Add($"X-Content-Type-Options is {Header(response, "X-Content-Type-Options") ?? "missing"}");
        if (Header(response, "X-Frame-Options") != "DENY")
            problems.Add($"X-Frame-Options is {Header(response, "X-Frame-Options") ?? "missing"}");
        if (!ReferrerPolicies.Contains(Header(response, "Referrer-Policy")))
            problems.Add($"Referrer-Policy is {Header(response, "Referrer-Policy") ?? "missing"}");
        if (Header(response, "Server") is { } server)
            problems.Add($"Server: {server}");

        if (csp is not null && response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var directives = Directives(csp);
            var styles = directives.GetValueOrDefault("style-src") ?? directives.GetValueOrDefault("default-src") ?? [];
            var scripts = directives.GetValueOrDefault("script-src") ?? directives.GetValueOrDefault("default-src") ?? [];
            problems.AddRange(InlineCode(await response.Content.ReadAsStringAsync(), styles.Contains("'unsafe-inline'"), string.Join(" ", scripts)));
        }
        return problems;
    }

    /// <summary>Inline code in <paramref name="html"/> that the policy would refuse: scripts not allowed by hash, <c>on…=</c> handlers, styles.</summary>
    public static IEnumerable<string> InlineCode(string html, bool allowInlineStyles, string allowedScriptHashes)
    {
        foreach (Match script in InlineScript().Matches(html))
        {
            var type = ScriptType().Match(script.Groups["attributes"].Value);
            if (type.Success && type.Groups[1].Value is "application/json" or "application/ld+json")
                continue; // data, never run
            var hash = "'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups["body"].Value))) + "'";
            if (!allowedScriptHashes.Contains(hash, StringComparison.Ordinal))
                yield return $"an inline script not allowed by hash: {Excerpt(script.Value)}";
        }
        foreach (Match handler in EventHandler().Matches(html))
            yield return $"an inline event handler: {Excerpt(handler.Value)}";
        if (!allowInlineStyles)
        {
            foreach (Match style in InlineStyle().Matches(html))
                yield return $"an inline style: {Excerpt(style.Value)}";
        }
    }

    private static IEnumerable<string> PolicyProblems(Dictionary<string, string[]> directives)
    {
        if (!directives.ContainsKey("default-src"))
            yield return "the policy has no default-src";
        var scripts = directives.GetValueOrDefault("script-src") ?? directives.GetValueOrDefault("default-src") ?? ["*"];
        foreach (var loose in scripts.Intersect(LooseScriptSources))
            yield return $"script-src allows {loose}";
        if (!(directives.GetValueOrDefault("frame-ancestors") ?? []).SequenceEqual(["'none'"]))
            yield return "frame-ancestors is not 'none'";
        if (!(directives.GetValueOrDefault("object-src") ?? []).SequenceEqual(["'none'"]))
            yield return "object-src is not 'none'";
        if (!directives.ContainsKey("base-uri"))
            yield return "the policy has no base-uri";
    }

    public static Dictionary<string, string[]> Directives(string policy) =>
        policy.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => d.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(d => d[0].ToLowerInvariant(), d => d[1..]);

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values) : null;

    private static string Excerpt(string text) => text.Length <= 120 ? text : text[..120] + "…";

    [GeneratedRegex(@"<script(?<attributes>(?![^>]*\ssrc\s*=)[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\stype\s*=\s*[""']?([^""'\s>]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptType();

    [GeneratedRegex(@"<[a-zA-Z][^<>]*\son[a-zA-Z]+\s*=[^<>]*>")]
    private static partial Regex EventHandler();

    [GeneratedRegex(@"<[a-zA-Z][^<>]*\sstyle\s*=[^<>]*>|<style[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();
}

/// <summary>One <c>Set-Cookie</c> header and the flags it carries.</summary>
public sealed record SetCookie(string Name, string Value, HashSet<string> Flags, string? SameSite, bool Deletes)
{
    /// <summary>Every <c>Set-Cookie</c> header of a response, as sent.</summary>
    public static IEnumerable<string> Headers(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    public static SetCookie Parse(string header)
    {
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var (name, value) = (parts[0][..parts[0].IndexOf('=')], parts[0][(parts[0].IndexOf('=') + 1)..]);
        var attributes = parts[1..].Select(p => p.Split('=', 2)).ToList();
        var expires = attributes.FirstOrDefault(a => a[0].Equals("expires", StringComparison.OrdinalIgnoreCase))?.ElementAtOrDefault(1);
        var deletes = value.Length == 0 || (expires is not null && DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, out var at) && at < DateTimeOffset.UtcNow);
        return new SetCookie(name, value,
            attributes.Where(a => a.Length == 1).Select(a => a[0].ToLowerInvariant()).ToHashSet(),
            attributes.FirstOrDefault(a => a[0].Equals("samesite", StringComparison.OrdinalIgnoreCase))?.ElementAtOrDefault(1)?.ToLowerInvariant(),
            deletes);
    }

    public IEnumerable<string> Problems(bool overHttps)
    {
        if (!Flags.Contains("httponly"))
            yield return $"{Name} is not HttpOnly";
        if (SameSite is not ("lax" or "strict"))
            yield return $"{Name} has SameSite={SameSite ?? "(none)"}";
        if (overHttps && !Flags.Contains("secure"))
            yield return $"{Name} is not Secure over HTTPS";
    }
}

/// <summary>Throws, for the server-error checks only (added to one test app as an application part).</summary>
[AllowAnonymous]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class SecurityWalkFailureController : Controller
{
    public const string PagePath = "/test-only/fail";
    public const string ApiPath = "/api/test-only/fail";

    [HttpGet(PagePath)]
    [HttpGet(ApiPath)]
    public IActionResult Fail() => throw new InvalidOperationException("A failure the security walk provokes on purpose.");
}
