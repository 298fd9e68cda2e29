using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// Cross-site request forgery through the session cookie: every API call that changes data, signed in by the cookie,
/// must carry the antiforgery token in a header, and every API body must be JSON. The endpoints are discovered from
/// the app's routing, so a new one is walked without anyone adding a row here.
/// </summary>
public sealed partial class ApiCsrfTests(ApiCsrfFixture fixture) : IClassFixture<ApiCsrfFixture>
{
    private const string HostileOrigin = "http://evil.example";
    private static readonly string[] StateChangingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>A value for each route parameter an API path may have; a new parameter must be given one here.</summary>
    private string ParameterValue(string name) => name switch
    {
        "id" => fixture.WaitingItemId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "source" => "helpdesk",
        "reference" => "ACME-001",
        _ => throw new InvalidOperationException($"Give the route parameter {{{name}}} a value in {nameof(ApiCsrfTests)}.{nameof(ParameterValue)}."),
    };

    /// <summary>The bodies a cross-site page can make a browser send (a form, text/plain) and the JSON a script sends.</summary>
    private static readonly (string MediaType, string Body)[] HostileBodies =
    [
        ("application/x-www-form-urlencoded", "reason=x&note=x&duplicateOf=1&verbatim=x"),
        ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\nx\r\n--b--\r\n"),
        ("text/plain", """{"reason":"x"}"""),
        ("application/json", "{}"),
    ];

    [Fact]
    public async Task A_csm_cookie_reopen_from_a_hostile_origin_without_the_token_is_refused_and_changes_nothing()
    {
        // The probe's request, exactly: a CSM's session cookie, a form body, a foreign Origin, no token.
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/feedback/{fixture.WaitingItemId}/reopen")
        {
            Content = new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("Origin", HostileOrigin);

        var response = await (await fixture.ClientAsync(Roles.Csm)).SendAsync(request);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(WebTestSupport.AntiforgeryHeader, problem.GetProperty("field").GetString());
        Assert.Contains(WebTestSupport.AntiforgeryHeader, problem.GetProperty("detail").GetString());
        Assert.Equal(FeedbackStatus.AwaitingCustomer, await fixture.StatusAsync(fixture.WaitingItemId));
    }

    [Fact]
    public async Task A_csm_cookie_reopen_with_the_page_token_in_the_header_is_accepted()
    {
        var csm = await fixture.ClientAsync(Roles.Csm);
        var itemId = await fixture.NewWaitingItemAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/feedback/{itemId}/reopen") { Content = JsonContent.Create(new { reason = "The customer answered." }) };
        request.Headers.Add(WebTestSupport.AntiforgeryHeader, await WebTestSupport.PageAntiforgeryTokenAsync(csm));

        var response = await csm.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.NotEqual(FeedbackStatus.AwaitingCustomer, await fixture.StatusAsync(itemId));
    }

    [Fact]
    public async Task Every_state_changing_api_endpoint_refuses_a_cookie_call_without_a_valid_token_and_changes_nothing()
    {
        // Admin holds every permission, so a refusal here is the token check's, never the role's.
        var admin = await fixture.ClientAsync(Roles.Admin);
        // A real token, but of another session (the anonymous sign-in page's): it must not count either.
        var foreignToken = WebTestSupport.AntiforgeryToken(await WebTestSupport.Client(fixture.App).GetStringAsync("/account/login"));
        var failures = new List<string>();
        var before = await fixture.StateAsync();

        foreach (var (method, template) in StateChangingEndpoints())
            foreach (var (mediaType, body) in HostileBodies)
                foreach (var token in new[] { null, foreignToken })
                {
                    var request = Request(method, template, mediaType, body);
                    request.Headers.Add("Origin", HostileOrigin);
                    if (token is not null)
                        request.Headers.Add(WebTestSupport.AntiforgeryHeader, token);
                    var response = await admin.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    var what = $"{method} {template} ({mediaType}, {(token is null ? "no token" : "another session's token")})";
                    if (response.StatusCode != HttpStatusCode.BadRequest || !NamesField(text, WebTestSupport.AntiforgeryHeader))
                        failures.Add($"{what}: {(int)response.StatusCode} {text}");
                    if (await fixture.StateAsync() != before)
                        failures.Add($"{what} changed the data.");
                }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_state_changing_api_endpoint_takes_only_a_json_body_and_says_so()
    {
        using var keyed = fixture.App.CreateApiClient(fixture.ApiKey);
        var csm = await fixture.ClientAsync(Roles.Csm);
        var token = await WebTestSupport.PageAntiforgeryTokenAsync(csm);
        var failures = new List<string>();
        var before = await fixture.StateAsync();

        foreach (var (method, template) in StateChangingEndpoints())
            foreach (var (mediaType, body) in HostileBodies.Where(b => b.MediaType != "application/json"))
                foreach (var (caller, client) in new[] { ("API key", keyed), ("cookie and token", csm) })
                {
                    var request = Request(method, template, mediaType, body);
                    if (client == csm)
                        request.Headers.Add(WebTestSupport.AntiforgeryHeader, token);
                    var response = await client.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.UnsupportedMediaType || !NamesField(text, "Content-Type") || !text.Contains("application/json", StringComparison.Ordinal))
                        failures.Add($"{method} {template} ({mediaType}, {caller}): {(int)response.StatusCode} {text}");
                }

        Assert.Empty(failures);
        Assert.Equal(before, await fixture.StateAsync());
    }

    [Fact]
    public async Task Api_key_calls_need_no_token_even_from_a_foreign_origin()
    {
        var itemId = await fixture.NewWaitingItemAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/feedback/{itemId}/reopen") { Content = JsonContent.Create(new { reason = "Resumed by the helpdesk." }) };
        request.Headers.Add("Origin", HostileOrigin);

        using var keyed = fixture.App.CreateApiClient(fixture.ApiKey);
        var response = await keyed.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(FeedbackStatus.AwaitingCustomer, await fixture.StatusAsync(itemId));
    }

    [Fact]
    public async Task A_write_to_no_endpoint_keeps_its_404_and_a_wrong_method_its_405()
    {
        var csm = await fixture.ClientAsync(Roles.Csm);

        var unknown = await csm.PostAsync("/api/no-such-endpoint", new StringContent("a=b", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var readOnly = new HttpRequestMessage(HttpMethod.Post, "/api/taxonomy") { Content = JsonContent.Create(new { }) };
        readOnly.Headers.Add(WebTestSupport.AntiforgeryHeader, await WebTestSupport.PageAntiforgeryTokenAsync(csm));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await csm.SendAsync(readOnly)).StatusCode);
    }

    [Fact]
    public void The_walk_finds_the_known_endpoints()
    {
        var found = StateChangingEndpoints().Select(e => $"{e.Method} {e.Template}").ToList();
        Assert.Contains("POST /api/feedback", found);
        Assert.Contains("POST /api/feedback/{id:long}/reopen", found);
        Assert.Contains("POST /api/webhooks/{source}", found);
        Assert.True(found.Count >= 7, string.Join(", ", found));
    }

    /// <summary>Every route under /api that answers a method which may change data (a route without a method list answers all).</summary>
    private List<(string Method, string Template)> StateChangingEndpoints() =>
        fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Template: "/" + e.RoutePattern.RawText?.TrimStart('/')))
            .Where(e => e.Template.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? StateChangingMethods)
                .Where(m => StateChangingMethods.Contains(m, StringComparer.OrdinalIgnoreCase))
                .Select(m => (m.ToUpperInvariant(), e.Template)))
            .Distinct().OrderBy(e => e.Template, StringComparer.Ordinal).ThenBy(e => e.Item1, StringComparer.Ordinal).ToList();

    private HttpRequestMessage Request(string method, string template, string mediaType, string body)
    {
        var path = RouteParameter().Replace(template, match => ParameterValue(match.Groups[1].Value));
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        return new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
    }

    private static bool NamesField(string problemJson, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(problemJson);
            return document.RootElement.TryGetProperty("field", out var named) && named.GetString() == field;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [GeneratedRegex(@"\{\**([^}:?=]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}

/// <summary>One app, an API key with every scope, signed-in clients, and an item waiting for the customer (re-openable).</summary>
public sealed class ApiCsrfFixture : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> _clients = [];
    private int _customerId;
    private int _items;

    public VocAppFactory App { get; } = new();
    public string ApiKey { get; private set; } = "";
    public long WaitingItemId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        ApiKey = await App.CreateApiKeyAsync("intake", "coding", "read");
        _customerId = (await WebTestSupport.AddCustomerAsync(App, "ACME-001", "Acme Retail")).Id;
        WaitingItemId = await NewWaitingItemAsync();
        // A second open item, so that a forged merge would have something to merge into.
        await NewItemAsync();
    }

    public async Task<HttpClient> ClientAsync(string role)
    {
        if (!_clients.TryGetValue(role, out var client))
            _clients[role] = client = await WebTestSupport.SignedInClientAsync(App, role);
        return client;
    }

    /// <summary>An item put in the waiting state through the API, as an integration would.</summary>
    public async Task<long> NewWaitingItemAsync()
    {
        var id = await NewItemAsync();
        using var keyed = App.CreateApiClient(ApiKey);
        var response = await keyed.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Asked which stores are affected." });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    public Task<FeedbackStatus> StatusAsync(long id) => App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.Status).FirstAsync());

    /// <summary>What a forged call could change: items and their states, codings, their history, customers, gaps, events.</summary>
    public Task<string> StateAsync() => App.WithDbAsync(async db =>
    {
        var items = await db.FeedbackItems.OrderBy(f => f.Id).Select(f => new { f.Id, f.Status, f.DuplicateOfId, f.AwaitingCustomerNote }).ToListAsync();
        var versions = await db.Attributions.OrderBy(a => a.FeedbackItemId).Select(a => new { a.FeedbackItemId, a.Version }).ToListAsync();
        return string.Join(" | ",
            string.Join(",", items.Select(i => $"{i.Id}:{i.Status}:{i.DuplicateOfId}:{i.AwaitingCustomerNote}")),
            string.Join(",", versions.Select(v => $"{v.FeedbackItemId}:{v.Version}")),
            await db.AttributionAuditEntries.CountAsync(), await db.Customers.CountAsync(),
            await db.CapabilityGaps.CountAsync(), await db.DomainEvents.CountAsync());
    });

    private Task<long> NewItemAsync() =>
        WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", $"CSRF-{Interlocked.Increment(ref _items)}", _customerId,
            "Replenishment orders arrive after the promotion starts.", DateTime.UtcNow.AddHours(-2)));

    public Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }
}
