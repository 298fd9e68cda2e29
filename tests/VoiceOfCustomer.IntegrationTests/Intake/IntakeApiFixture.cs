using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>
/// One fresh app and database per test (xUnit builds a new instance for each), with the standard channels and
/// an API key holding the intake and read scopes.
/// </summary>
public abstract class IntakeApiTestBase : IAsyncLifetime
{
    protected VocAppFactory App { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;
    protected string ApiKey { get; private set; } = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        App = new VocAppFactory(CreateDatabase(), Settings);
        await App.EnsureChannelsAsync();
        ApiKey = await App.CreateApiKeyAsync("intake", "read");
        Client = App.CreateApiClient(ApiKey);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }

    protected static object Valid(string externalId = "T-1", string verbatim = "Export to Excel times out on large reports.") => new
    {
        channel = "support",
        externalId,
        customer = "ACME-001",
        contact = new { name = "Ann Lee", email = "ann@acme.example", role = "buyer" },
        verbatim,
        receivedAt = DateTimeOffset.UtcNow.AddHours(-1),
        language = "en",
        metadata = new { ticketUrl = "https://helpdesk.example/t/1", priority = "high" },
    };

    protected static JsonObject ValidNode(string externalId = "T-1") => JsonSerializer.SerializeToNode(Valid(externalId), JsonSerializerOptions.Web)!.AsObject();

    protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    protected Task<HttpResponseMessage> PostAsync(object body) => Client.PostAsJsonAsync("/api/feedback", body);

    protected Task<HttpResponseMessage> PostRawAsync(string json) => Client.PostAsync("/api/feedback", Json(json));

    protected Task<int> FeedbackCountAsync() => App.WithDbAsync(db => db.FeedbackItems.CountAsync());

    protected Task<int> CustomerCountAsync() => App.WithDbAsync(db => db.Customers.CountAsync());

    protected Task<int> ContactCountAsync() => App.WithDbAsync(db => db.Contacts.CountAsync());

    protected static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts a 4xx problem+json answer and returns its body.</summary>
    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    internal static async Task<JsonElement> AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var names = errors.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(errors.TryGetProperty(field, out var messages), $"Expected an error for '{field}', got: {string.Join(", ", names)}");
        Assert.Contains(messages.EnumerateArray(), m => !string.IsNullOrWhiteSpace(m.GetString()));
        return problem;
    }
}
