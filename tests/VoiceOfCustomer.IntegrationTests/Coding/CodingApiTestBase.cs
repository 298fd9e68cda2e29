using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>
/// A fresh app per test with the seeded taxonomy, one customer, a few uncoded items and an API key holding the
/// coding and read scopes.
/// </summary>
public abstract class CodingApiTestBase : IAsyncLifetime
{
    protected VocAppFactory App { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;
    protected int CustomerId { get; private set; }
    protected int MetricId { get; private set; }
    protected int GapId { get; private set; }
    protected int DomainId { get; private set; }
    protected int TagId { get; private set; }

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync()
    {
        App = new VocAppFactory(CreateDatabase());
        await App.EnsureChannelsAsync();
        Client = App.CreateApiClient(await App.CreateApiKeyAsync("coding", "read"));
        CustomerId = (await WebTestSupport.AddCustomerAsync(App, "ACME-001", "Acme Retail")).Id;
        (MetricId, GapId, DomainId, TagId) = await App.WithDbAsync(async db => (
            await db.BusinessMetrics.Where(m => !m.IsArchived).Select(m => m.Id).FirstAsync(),
            await db.CapabilityGaps.Where(g => !g.IsArchived).Select(g => g.Id).FirstAsync(),
            await db.OwningDomains.Where(d => !d.IsArchived).Select(d => d.Id).FirstAsync(),
            await db.Tags.Where(t => !t.IsArchived).Select(t => t.Id).FirstAsync()));
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }

    protected async Task<long> NewItemAsync(string externalId = "T-1") =>
        await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", externalId, CustomerId,
            "Replenishment orders arrive after the promotion starts.", DateTime.UtcNow.AddHours(-2)));

    /// <summary>A complete coding: every layer filled, as the issue's JSON spells it.</summary>
    protected Dictionary<string, object?> Complete(int version = 0, bool submit = true) => new()
    {
        ["impact"] = new Dictionary<string, object?> { ["metricId"] = MetricId, ["direction"] = "down", ["magnitude"] = 4.5m, ["unit"] = "%" },
        ["rootCause"] = new Dictionary<string, object?> { ["capabilityGapId"] = GapId, ["hypothesis"] = "The forecast ignores the promotion feed." },
        ["owningDomainId"] = DomainId,
        ["valueDimension"] = "pain",
        ["voiceRole"] = "buyer",
        ["tags"] = new[] { TagId },
        ["submit"] = submit,
        ["version"] = version,
    };

    protected Task<HttpResponseMessage> SaveAsync(long id, object body) => Client.PostAsJsonAsync($"/api/feedback/{id}/attribution", body);

    protected Task<HttpResponseMessage> SaveRawAsync(long id, string json) =>
        Client.PostAsync($"/api/feedback/{id}/attribution", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    protected Task<FeedbackStatus> StatusAsync(long id) => App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.Status).FirstAsync());

    protected Task<int?> VersionAsync(long id) =>
        App.WithDbAsync(db => db.Attributions.Where(a => a.FeedbackItemId == id).Select(a => (int?)a.Version).FirstOrDefaultAsync());

    protected static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a 400 whose <c>errors</c> name <paramref name="field"/>; returns that field's first message.</summary>
    protected static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages),
            $"Expected an error for '{field}', got: {string.Join(", ", errors.EnumerateObject().Select(p => p.Name))}");
        return messages[0].GetString()!;
    }
}
