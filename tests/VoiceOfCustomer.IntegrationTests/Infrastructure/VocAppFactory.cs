using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>
/// The real app over a real database: a fresh SQLite file per factory by default, or a fresh database on the
/// PostgreSQL server named by <c>VOC_TEST_POSTGRES</c> (started by scripts/test.sh).
/// </summary>
public class VocAppFactory : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly Dictionary<string, string?> _settings;

    public VocAppFactory() : this(TestDatabase.CreateSqlite()) { }

    public VocAppFactory(TestDatabase database, IDictionary<string, string?>? settings = null)
    {
        _database = database;
        // Background loops stay off unless a test turns them on: tests drive the workflow dispatcher and the
        // e-mail outbox themselves, pass by pass, with a fake clock.
        _settings = new Dictionary<string, string?>
        {
            ["Workflows:DispatcherEnabled"] = "false",
            ["Email:Outbox:Enabled"] = "false",
            ["Suggestions:BackgroundTraining"] = "false",
            ["CustomerValue:BackgroundRefit"] = "false",
            // Segment rules re-segment every customer: a test that arranges segments by hand must not see them moved by a
            // second app instance's start or the hourly pass. The rule tests turn them on.
            ["Segments:EvaluateOnStart"] = "false",
            ["Segments:ReevaluateInterval"] = "00:00:00",
            // Every test client is one address to the sign-in rate limit; the tests of that limit set their own.
            ["SignInRateLimit:PermitLimit"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
        _settings["Database:Provider"] = database.Provider.ToString();
        _settings["ConnectionStrings:Default"] = database.ConnectionString;
    }

    /// <summary>Replaces services after the app registered its own, e.g. a fake <see cref="TimeProvider"/>.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public TestDatabase Database => _database;

    /// <summary>
    /// The host environment: "Testing" by default; "Production" for the app as it is deployed (no developer pages, no
    /// demo data), "Development" for the app as a developer runs it (start-up seeds the demo organisation).
    /// </summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>What the app logged at Warning or above.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
        if (TestServices is not null)
            builder.ConfigureTestServices(TestServices);
    }

    /// <summary>A scope on the app's services, for arranging data and asserting on what was stored.</summary>
    public AsyncServiceScope Scope() => Services.CreateAsyncScope();

    public async Task<T> WithDbAsync<T>(Func<VocDbContext, Task<T>> action)
    {
        await using var scope = Scope();
        return await action(scope.ServiceProvider.GetRequiredService<VocDbContext>());
    }

    /// <summary>The five standard channels, one per touchpoint, unless reference data is already loaded.</summary>
    public async Task EnsureChannelsAsync()
    {
        await WithDbAsync(async db =>
        {
            var existing = await db.Channels.Select(c => c.Key).ToListAsync();
            foreach (var (key, touchpoint) in TestData.Channels.Where(c => !existing.Contains(c.Key)))
                db.Channels.Add(new Channel { Key = key, Name = key, Touchpoint = touchpoint });
            await db.SaveChangesAsync();
            return 0;
        });
        Services.GetRequiredService<ChannelCatalog>().Invalidate();
    }

    public async Task<string> CreateApiKeyAsync(params string[] scopes)
    {
        await using var scope = Scope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("test", scopes);
        return created.Token;
    }

    public HttpClient CreateApiClient(string apiKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _database.Dispose();
    }
}

public static class TestData
{
    public static readonly IReadOnlyList<(string Key, Touchpoint Touchpoint)> Channels =
    [
        ("presales", Touchpoint.PreSalesConsult),
        ("support", Touchpoint.SupportTicket),
        ("cs-interview", Touchpoint.CustomerSuccessInterview),
        ("community", Touchpoint.CommunityPost),
        ("survey", Touchpoint.Survey),
    ];
}
