using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>A fresh app per test at a fixed instant, a key with the customers scope, two metrics (one external), a segment and an owner.</summary>
public abstract class CustomersApiTestBase : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    protected VocAppFactory App { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;
    protected string OwnerEmail { get; private set; } = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync()
    {
        App = new VocAppFactory(CreateDatabase()) { TestServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)) };
        Client = App.CreateApiClient(await App.CreateApiKeyAsync("customers"));
        OwnerEmail = await WebTestSupport.CreateUserAsync(App, "CSM");
        await App.WithDbAsync(async db =>
        {
            // The seed's metrics are another file's; these tests bring their own.
            foreach (var (key, external) in new[] { ("test-adoption", false), ("test-nps", true) })
            {
                if (!await db.BehaviourMetrics.AnyAsync(m => m.Key == key))
                    db.BehaviourMetrics.Add(new BehaviourMetric { Key = key, Name = key, IsExternal = external });
            }
            if (!await db.Segments.AnyAsync(s => s.Key == "test-segment"))
                db.Segments.Add(new Segment { Key = "test-segment", Name = "Test segment", Position = 99 });
            return await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }

    protected Task<HttpResponseMessage> PostAsync(string url, object body) => Client.PostAsJsonAsync(url, body);

    protected Task<HttpResponseMessage> PostRawAsync(string url, string json) => Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    protected async Task CreateCustomerAsync(string reference = "ACME-001", DateTimeOffset? acquiredAt = null)
    {
        var response = await PostAsync("/api/customers", new { reference, name = "Acme " + reference, acquiredAt });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A 400 whose errors name exactly <paramref name="field"/> (and maybe others), and its message there.</summary>
    protected static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error on '{field}': {problem}");
        return messages[0].GetString()!;
    }

    protected static void AssertCounts(JsonElement answer, int created, int updated, int unchanged)
    {
        Assert.Equal(created, answer.GetProperty("created").GetInt32());
        Assert.Equal(updated, answer.GetProperty("updated").GetInt32());
        Assert.Equal(unchanged, answer.GetProperty("unchanged").GetInt32());
    }
}
