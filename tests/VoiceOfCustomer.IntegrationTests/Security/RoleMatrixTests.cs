using System.Net;
using System.Text;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// One row per page or endpoint: who may use it. Anonymous callers are sent to sign in (pages) or get 401 (API);
/// allowed roles get anything but 401/403; every other role gets 403 (pages: via the access-denied page).
/// Add a row when a route is added. Page POSTs are sent without an anti-forgery token: a role that may not use
/// the action is refused before the token is checked, and an allowed one gets 400, which is not a refusal. API
/// writes carry the token in its header, as the app's own scripts would, so an allowed role reaches the endpoint.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixFixture fixture) : IClassFixture<RoleMatrixFixture>
{
    private static readonly string[] Everyone = [.. Roles.All];
    private static readonly string[] Coders = [Roles.Admin, Roles.Csm];
    private static readonly string[] TaxonomyReaders = [Roles.Admin, Roles.ProductManager];
    private static readonly string[] Admins = [Roles.Admin];

    /// <summary><c>{item}</c> stands for an existing feedback item's id.</summary>
    public static readonly IReadOnlyList<RouteRule> Routes =
    [
        // Pages
        new("GET", "/", Everyone),
        new("GET", "/feedback", Everyone),
        new("GET", "/feedback/{item}", Everyone),
        new("GET", "/customers", Everyone),
        new("GET", "/customers?sort=arr&dir=asc&segment=enterprise", Everyone),
        new("GET", "/customers/export.csv", Everyone),
        new("GET", "/customers/ACME-001", Everyone),
        new("GET", "/customers/NO-SUCH-CUSTOMER", Everyone),
        new("GET", "/import", Coders),
        new("GET", "/import/00000000-0000-0000-0000-000000000001", Coders),
        new("POST", "/import", Coders),
        new("GET", "/account/settings", Everyone),
        new("GET", "/coding", Coders),
        new("GET", "/coding/{item}", Coders),
        new("POST", "/coding/{item}", Coders),
        new("POST", "/coding/{item}/claim", Coders),
        new("POST", "/coding/{item}/awaiting-customer", Coders),
        new("POST", "/coding/{item}/reopen", Coders),
        new("POST", "/coding/{item}/merge", Coders),
        new("POST", "/coding/assign", Coders),
        new("GET", "/taxonomy", TaxonomyReaders),
        new("GET", "/taxonomy/metrics", TaxonomyReaders),
        new("GET", "/taxonomy/gaps", TaxonomyReaders),
        new("POST", "/taxonomy/metrics", Admins),
        new("POST", "/taxonomy/gaps/propose", TaxonomyReaders),
        new("POST", "/taxonomy/metrics/1", Admins),
        new("POST", "/taxonomy/metrics/1/archive", Admins),
        new("POST", "/taxonomy/metrics/1/merge", Admins),
        new("POST", "/taxonomy/gaps/1/accept", Admins),
        new("GET", "/admin/outbox", Admins),
        new("GET", "/admin/outbox?state=DeadLetter", Admins),
        new("POST", "/admin/outbox/1/retry", Admins),
        new("POST", "/admin/outbox/retry-dead-letters", Admins),
        new("GET", "/admin/workflows", Admins),
        new("GET", "/admin/workflows/definitions/attribution-sla", Admins),
        new("GET", "/admin/workflows/instances", Admins),
        new("GET", "/admin/workflows/instances?state=Faulted&subjectType=feedback", Admins),
        new("GET", "/admin/workflows/instances/1", Admins),
        new("POST", "/admin/workflows/instances/1/retry", Admins),
        new("POST", "/admin/workflows/instances/1/cancel", Admins),
        new("GET", "/admin/suggestions", Admins),
        new("GET", "/admin/suggestions?field=Tags&weeks=4&page=2", Admins),
        new("GET", "/admin/suggestions/acceptance.csv", Admins),
        new("POST", "/admin/suggestions/retrain", Admins),
        new("GET", "/admin/users", Admins),
        new("GET", "/admin/users?page=2", Admins),
        new("POST", "/admin/users/invite", Admins),
        new("GET", "/admin/users/00000000-0000-0000-0000-000000000001", Admins),
        new("POST", "/admin/users/00000000-0000-0000-0000-000000000001/role", Admins),
        new("POST", "/admin/users/00000000-0000-0000-0000-000000000001/deactivate", Admins),
        new("POST", "/admin/users/00000000-0000-0000-0000-000000000001/reactivate", Admins),
        new("POST", "/admin/users/00000000-0000-0000-0000-000000000001/password-link", Admins),
        new("GET", "/admin/segments", Admins),
        new("GET", "/sla", Everyone),
        new("GET", "/sla/breached", Everyone),
        new("GET", "/sla/escalations", Everyone),
        new("GET", "/sla/export/weeks", Everyone),
        new("GET", "/sla/export/csms", Everyone),
        new("GET", "/sla/export/segments", Everyone),
        new("GET", "/sla/export/breached", Everyone),
        new("GET", "/sla/calendars", Everyone),
        new("GET", "/sla/calendars/cn-business", Everyone),
        new("POST", "/sla/calendars/cn-business", Admins),
        // Everyone has My tasks; whose task it is, is the page's own check (a task that does not exist: 404).
        new("GET", "/tasks", Everyone),
        new("GET", "/tasks?page=2", Everyone),
        new("GET", "/tasks/987654", Everyone),
        new("POST", "/tasks/987654", Everyone),
        // API
        new("GET", "/api/feedback", Everyone),
        new("GET", "/api/feedback/{item}", Everyone),
        new("POST", "/api/feedback", Coders, "{}"),
        new("POST", "/api/feedback/batch", Coders, """{"items":[]}"""),
        new("GET", "/api/taxonomy", Everyone),
        new("GET", "/api/coding/queue", Everyone),
        new("GET", "/api/feedback/{item}/audit", Everyone),
        new("POST", "/api/feedback/{item}/attribution", Coders, """{"version":0}"""),
        new("GET", "/api/feedback/{item}/suggestions", Coders),
        new("POST", "/api/feedback/{item}/awaiting-customer", Coders, "{}"),
        new("POST", "/api/feedback/{item}/reopen", Coders),
        new("POST", "/api/feedback/{item}/merge", Coders, "{}"),
        new("GET", "/api/workflow-tasks/mine", Everyone),
        new("POST", "/api/workflow-tasks/987654/complete", Everyone, """{"outcome":"approve"}"""),
    ];

    public static TheoryData<string> RouteKeys => [.. Routes.Select(r => r.Key)];

    [Theory]
    [MemberData(nameof(RouteKeys))]
    public async Task Only_the_allowed_roles_get_through(string key)
    {
        var route = Routes.Single(r => r.Key == key);

        using var anonymous = WebTestSupport.Client(fixture.App);
        var response = await SendAsync(anonymous, route);
        if (route.IsApi)
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery);
        }

        foreach (var role in Roles.All)
        {
            var client = await fixture.ClientAsync(role);
            response = await SendAsync(client, route, await fixture.TokenAsync(role));
            var status = response.StatusCode;
            if (route.Allowed.Contains(role))
                Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !IsDenied(response),
                    $"{role} should reach {key} but got {(int)status} {response.Headers.Location}");
            else if (route.IsApi)
                Assert.True(status == HttpStatusCode.Forbidden, $"{role} should get 403 from {key} but got {(int)status}");
            else
            {
                Assert.True(IsDenied(response), $"{role} should be denied {key} but got {(int)status} {response.Headers.Location}");
                Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(response.Headers.Location)).StatusCode);
            }
        }
    }

    [Fact]
    public void Every_row_is_unique_and_names_known_roles()
    {
        Assert.Equal(Routes.Count, Routes.Select(r => r.Key).Distinct().Count());
        Assert.All(Routes, r => Assert.All(r.Allowed, role => Assert.Contains(role, Roles.All)));
    }

    private static bool IsDenied(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/account/denied", StringComparison.Ordinal) == true;

    private Task<HttpResponseMessage> SendAsync(HttpClient client, RouteRule route, string? antiforgeryToken = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path.Replace("{item}", fixture.ItemId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        if (route.Method != "GET")
            request.Content = new StringContent(route.Body ?? "{}", Encoding.UTF8, "application/json");
        if (route.IsApi && route.Method != "GET" && antiforgeryToken is not null)
            request.Headers.Add(WebTestSupport.AntiforgeryHeader, antiforgeryToken);
        return client.SendAsync(request);
    }
}

public sealed record RouteRule(string Method, string Path, string[] Allowed, string? Body = null)
{
    public string Key => $"{Method} {Path}";
    public bool IsApi => Path.StartsWith("/api/", StringComparison.Ordinal);
}

/// <summary>One app, one feedback item, and one signed-in client per role (signed in through the real form).</summary>
public sealed class RoleMatrixFixture : IAsyncLifetime
{
    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, string> _tokens = [];
    private readonly SemaphoreSlim _gate = new(1, 1);

    public VocAppFactory App { get; } = new();
    public long ItemId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(App, "ACME-001", "Acme Retail");
        ItemId = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", "RM-1", customer.Id, "Exports time out.", DateTime.UtcNow.AddHours(-1)));
    }

    public async Task<HttpClient> ClientAsync(string role)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_clients.TryGetValue(role, out var client))
                _clients[role] = client = await WebTestSupport.SignedInClientAsync(App, role);
            return client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The antiforgery token of <paramref name="role"/>'s session, as its pages carry it.</summary>
    public async Task<string> TokenAsync(string role)
    {
        var client = await ClientAsync(role);
        await _gate.WaitAsync();
        try
        {
            if (!_tokens.TryGetValue(role, out var token))
                _tokens[role] = token = await WebTestSupport.PageAntiforgeryTokenAsync(client);
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        App.Dispose();
        _gate.Dispose();
        return Task.CompletedTask;
    }
}
