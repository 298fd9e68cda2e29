using Microsoft.EntityFrameworkCore;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>
/// docs/api.md cannot drift from the API: every request example on it is sent, in page order, to the real app on a
/// fresh database at the page's instant, and the answer shown after it is checked (status, headers, fields).
/// </summary>
public abstract class ApiDocsExamplesTests : IAsyncLifetime
{
    /// <summary>The instant the page's examples are run at (the page says so).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private readonly string _markdown = Checkout.ReadText(ApiDocs.Path);
    private VocAppFactory _app = null!;
    private string _key = null!;

    protected abstract TestDatabase CreateDatabase();

    public async Task InitializeAsync()
    {
        // The page's own webhook configuration, so the webhook example runs with what the page shows.
        _app = new VocAppFactory(CreateDatabase(), ApiDocs.IntakeSettings(_markdown))
        {
            TestServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)),
        };
        // "voc_... stands for a key with every scope" (made for no user, as an integration's is).
        _key = await _app.CreateApiKeyAsync([.. VoiceOfCustomer.ApiKeys.ApiKeyService.Scopes.All]);
        await EnsureCustomerExamplesDataAsync();
    }

    /// <summary>
    /// What the page's customer examples name (the page says so): the metrics <c>feature-adoption-rate</c> (measured per
    /// customer) and <c>nps</c> (external) of seed/behaviour-metrics.json, the segment <c>enterprise</c> of
    /// seed/segments.json, each added when the reference data lacks it, and the user maria@example.com who owns a target.
    /// </summary>
    private async Task EnsureCustomerExamplesDataAsync()
    {
        await _app.WithDbAsync(async db =>
        {
            foreach (var (key, external) in new[] { ("feature-adoption-rate", false), ("nps", true) })
            {
                if (!await db.BehaviourMetrics.AnyAsync(m => m.Key == key))
                    db.BehaviourMetrics.Add(new VoiceOfCustomer.Behaviour.BehaviourMetric { Key = key, Name = key, IsExternal = external });
            }
            if (!await db.Segments.AnyAsync(s => s.Key == "enterprise"))
                db.Segments.Add(new VoiceOfCustomer.Segments.Segment { Key = "enterprise", Name = "Enterprise" });
            return await db.SaveChangesAsync();
        });
        await using var scope = _app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<VoiceOfCustomer.Identity.AppUser>>();
        Assert.True((await users.CreateAsync(new VoiceOfCustomer.Identity.AppUser { UserName = "maria@example.com", Email = "maria@example.com" })).Succeeded);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_example_on_the_api_page_answers_as_documented()
    {
        var exchanges = ApiDocs.Exchanges(_markdown);
        var ids = new DocumentedIds();
        var failures = new List<string>();
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        foreach (var exchange in exchanges)
        {
            using var request = Request(exchange, ids);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var problems = new List<string>();

            if ((int)response.StatusCode != exchange.Status)
                problems.Add($"status {(int)response.StatusCode}, the docs show {exchange.Status}: {body}");
            else
            {
                if (exchange.Response.Body.Length > 0)
                    problems.AddRange(ids.Differences(JsonDocument.Parse(exchange.Response.Body).RootElement, JsonDocument.Parse(body).RootElement));
                foreach (var (name, value) in exchange.Response.Headers)
                {
                    var actual = name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                        ? response.Content.Headers.ContentType?.MediaType
                        : response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
                    if (actual != ids.Header(value))
                        problems.Add($"header {name} is '{actual}', the docs show '{value}'");
                }
                if (!exchange.Response.Headers.Any(h => h.Key == "Location") && response.Headers.Location is not null)
                    problems.Add($"the answer has Location {response.Headers.Location}, the docs show none");
            }
            failures.AddRange(problems.Select(p => $"{exchange}: {p}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(exchanges.Count >= 15, $"only {exchanges.Count} examples were found; did the page's format change?");
    }

    private HttpRequestMessage Request(DocumentedExchange exchange, DocumentedIds ids)
    {
        var request = new HttpRequestMessage(new HttpMethod(exchange.Method), ids.Target(exchange.Target));
        foreach (var (name, value) in exchange.Request.Headers.Where(h => h.Key is not "Content-Type"))
            request.Headers.Add(name, name == "X-Api-Key" && value == "voc_..." ? _key : value);
        if (exchange.Request.Body.Length > 0 || exchange.Request.Header("Content-Type") is not null)
            request.Content = new StringContent(ids.Body(exchange.Request.Body), Encoding.UTF8, MediaTypeHeaderValue.Parse(exchange.Request.Header("Content-Type")!).MediaType!);
        return request;
    }
}

public sealed class ApiDocsExamplesSqliteTests : ApiDocsExamplesTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();
}

public sealed class ApiDocsExamplesPostgresTests : ApiDocsExamplesTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class ApiDocsExamplesSqlServerTests : ApiDocsExamplesTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}

/// <summary>What the page must cover: an example for every operation, and every enum value by name.</summary>
public sealed class ApiDocsCoverageTests
{
    private static readonly string Markdown = Checkout.ReadText(ApiDocs.Path);

    // Suggestions need a trained model, which the page's fresh database has not: its answer is shown as JSON only.
    private static readonly HashSet<string> WithoutRunnableExample = ["GET /api/feedback/{id}/suggestions"];

    private static async Task<JsonElement> OpenApiAsync()
    {
        using var app = new VocAppFactory();
        return JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    [Fact]
    public async Task Every_operation_has_a_runnable_example()
    {
        var documented = ApiDocs.Exchanges(Markdown).Select(e => e.Operation).ToHashSet();
        var operations = (await OpenApiAsync()).GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();

        var missing = operations.Where(op => !documented.Contains(op) && !WithoutRunnableExample.Contains(op)).ToList();
        Assert.True(missing.Count == 0, "No runnable example on docs/api.md for: " + string.Join(", ", missing));
        Assert.All(WithoutRunnableExample, op => Assert.Contains(op, operations));
    }

    [Fact]
    public async Task Every_enum_value_in_the_OpenAPI_document_is_on_the_page()
    {
        var schemas = (await OpenApiAsync()).GetProperty("components").GetProperty("schemas");
        var missing = schemas.EnumerateObject()
            .Where(s => s.Value.TryGetProperty("enum", out _))
            .SelectMany(s => s.Value.GetProperty("enum").EnumerateArray().Select(v => (Schema: s.Name, Value: v.GetString())))
            .Where(e => !Markdown.Contains($"`{e.Value}`", StringComparison.Ordinal))
            .Select(e => $"{e.Schema}: {e.Value}")
            .ToList();

        Assert.Empty(missing);
        Assert.Contains("`awaiting-customer`", Markdown, StringComparison.Ordinal);
    }
}
