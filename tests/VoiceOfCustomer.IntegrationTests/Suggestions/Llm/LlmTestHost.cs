using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Suggestions.Llm;

/// <summary>
/// The app over a real database with the LLM suggester pointed at a <see cref="FakeChatServer"/>: a small taxonomy of
/// its own (keys starting <c>t-</c>), three coded items and open items added per test. The hosted loop is stopped at
/// once, so only the test's own <see cref="LlmRefinementService.RunOnceAsync"/> calls run.
/// </summary>
public sealed class LlmTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private LlmTestHost(VocAppFactory app, FakeChatServer server, string keyVariable, FakeTimeProvider clock, CapturingLoggerProvider logs,
        CapturingLoggerProvider infoLogs)
    {
        App = app;
        Server = server;
        KeyVariable = keyVariable;
        Clock = clock;
        Logs = logs;
        InfoLogs = infoLogs;
    }

    public VocAppFactory App { get; }
    public FakeChatServer Server { get; }
    public string KeyVariable { get; }
    public FakeTimeProvider Clock { get; }
    public CapturingLoggerProvider Logs { get; }
    /// <summary>Information entries too: what <see cref="LlmCallLogFilter"/> writes for each call.</summary>
    public CapturingLoggerProvider InfoLogs { get; }
    public int CustomerId { get; private set; }

    public LlmRefinementService Service => App.Services.GetRequiredService<LlmRefinementService>();
    public LlmStatus Status => App.Services.GetRequiredService<LlmStatus>();
    public LlmSuggester Suggester => App.Services.GetRequiredService<LlmSuggester>();

    /// <param name="settings">Overrides of the Suggestions:Llm keys (without the section prefix).</param>
    /// <param name="apiKey">Value put in the environment variable the options name; null leaves it unset.</param>
    public static async Task<LlmTestHost> StartAsync(IDictionary<string, string?>? settings = null, string? apiKey = "sk-test-from-environment",
        TestDatabase? database = null)
    {
        var server = await FakeChatServer.StartAsync();
        var keyVariable = "VOC_TEST_LLM_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(keyVariable, apiKey);
        var all = new Dictionary<string, string?>
        {
            ["Enabled"] = "true",
            ["Endpoint"] = server.BaseUrl,
            ["Model"] = "test-model",
            ["ApiKeyEnvironmentVariable"] = keyVariable,
            ["SendVerbatim"] = "true",
            ["Timeout"] = "00:00:10",
            ["PollInterval"] = "01:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var clock = new FakeTimeProvider(Now);
        var infoLogs = new CapturingLoggerProvider { MinimumLevel = Microsoft.Extensions.Logging.LogLevel.Information };
        var app = new VocAppFactory(database ?? TestDatabase.CreateSqlite(),
            all.ToDictionary(pair => LlmSuggestionOptions.SectionName + ":" + pair.Key, pair => pair.Value))
        {
            TestServices = services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(infoLogs);
            },
        };
        var host = new LlmTestHost(app, server, keyVariable, clock, app.Logs, infoLogs);
        await host.SeedAsync();
        return host;
    }

    private async Task SeedAsync()
    {
        await App.EnsureChannelsAsync();
        // Moving the fake clock a day would tick the hosted loop too; stopping it leaves the test's own passes the only ones.
        await Service.StopAsync(CancellationToken.None);
        CustomerId = (await WebTestSupport.AddCustomerAsync(App, "ACME-LLM", "Acme Retail")).Id;
        await App.WithDbAsync(async db =>
        {
            db.BusinessMetrics.AddRange(
                new BusinessMetric { Key = "t-on-time", Name = "Replenishment on-time rate", Description = "Share of store orders delivered before the shelf runs empty." },
                new BusinessMetric { Key = "t-dso", Name = "Days sales outstanding" },
                new BusinessMetric { Key = "t-retired", Name = "Retired metric", IsArchived = true });
            var billing = new OwningDomain { Key = "t-billing", Name = "Billing", OwnerEmail = "billing@example.test" };
            var supply = new OwningDomain { Key = "t-supply", Name = "Supply planning", OwnerEmail = "supply@example.test" };
            db.OwningDomains.AddRange(billing, supply);
            db.CapabilityGaps.AddRange(
                new CapabilityGap { Key = "t-promo-feed", Name = "Forecast ignores promotions", OwningDomain = supply },
                new CapabilityGap { Key = "t-invoice-split", Name = "Invoices cannot be split", OwningDomain = billing });
            db.Tags.AddRange(new Tag { Key = "t-promo", Name = "Promotion" }, new Tag { Key = "t-invoice", Name = "Invoice" });
            await db.SaveChangesAsync();
            return 0;
        });
        await AddCodedAsync("C-1", "The replenishment forecast ignores the promotion calendar, shelves run empty.", "t-on-time", "t-promo-feed", "t-supply", ValueDimension.Pain, "t-promo");
        await AddCodedAsync("C-2", "We need to split one invoice across two cost centres.", "t-dso", "t-invoice-split", "t-billing", ValueDimension.Need, "t-invoice");
        await AddCodedAsync("C-3", "Invoice totals should show tax per line.", "t-dso", null, "t-billing", ValueDimension.Expectation, null);
    }

    public async Task AddCodedAsync(string externalId, string verbatim, string metric, string? gap, string domain, ValueDimension dimension, string? tag)
    {
        var id = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", externalId, CustomerId, verbatim,
            Now.UtcDateTime.AddDays(-3), Status: FeedbackStatus.Attributed));
        await App.WithDbAsync(async db =>
        {
            var attribution = new Attribution
            {
                FeedbackItemId = id,
                BusinessMetricId = await db.BusinessMetrics.Where(m => m.Key == metric).Select(m => m.Id).SingleAsync(),
                CapabilityGapId = gap is null ? null : await db.CapabilityGaps.Where(g => g.Key == gap).Select(g => (int?)g.Id).SingleAsync(),
                OwningDomainId = await db.OwningDomains.Where(d => d.Key == domain).Select(d => d.Id).SingleAsync(),
                ValueDimension = dimension,
                State = AttributionState.Submitted,
                SubmittedAt = Now.UtcDateTime.AddDays(-2),
                UpdatedAt = Now.UtcDateTime.AddDays(-2),
            };
            if (tag is not null)
                attribution.Tags.Add(new AttributionTag { TagId = await db.Tags.Where(t => t.Key == tag).Select(t => t.Id).SingleAsync() });
            db.Attributions.Add(attribution);
            await db.SaveChangesAsync();
            return 0;
        });
    }

    /// <summary>An open, uncoded item; later calls are newer.</summary>
    public async Task<long> AddOpenAsync(string externalId, string verbatim, int minutesAgo = 10) =>
        await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", externalId, CustomerId, verbatim, Now.UtcDateTime.AddMinutes(-minutesAgo)));

    /// <summary>What the suggester is given by a pass: this host's taxonomy and coded examples.</summary>
    public Task<(LlmTaxonomy Taxonomy, List<CodedExample> Examples)> PromptInputsAsync() =>
        App.WithDbAsync(async db => (await LlmRefinementService.LoadTaxonomyAsync(db, CancellationToken.None), await LlmRefinementService.LoadExamplesAsync(db, CancellationToken.None)));

    public Task<List<LlmSuggestionRecord>> RecordsAsync() => App.WithDbAsync(db => db.LlmSuggestions.OrderBy(r => r.FeedbackItemId).ToListAsync());

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        await Server.DisposeAsync();
        Environment.SetEnvironmentVariable(KeyVariable, null);
    }
}
