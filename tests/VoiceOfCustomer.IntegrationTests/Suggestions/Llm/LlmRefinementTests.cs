using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.IntegrationTests.Suggestions.Llm;

public sealed class LlmRefinementTests
{
    private const string PromoVerbatim = "The forecast ignored our promotion again and the shelves ran empty on Saturday.";

    private const string ValidAnswer =
        """{"BusinessMetric":"t-on-time","CapabilityGap":"t-promo-feed","OwningDomain":"t-supply","ValueDimension":"pain","Tags":["t-promo"],"Confidence":0.9}""";

    [Fact]
    public async Task A_valid_answer_is_stored_and_the_prompt_carries_taxonomy_examples_and_verbatim()
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = "```json\n" + ValidAnswer + "\n```";

        Assert.Equal(1, await host.Service.RunOnceAsync());

        var record = Assert.Single(await host.RecordsAsync());
        Assert.Equal(id, record.FeedbackItemId);
        Assert.Null(record.DiscardReason);
        Assert.Equal("test-model", record.Model);
        Assert.Equal(
            """{"BusinessMetric":"t-on-time","CapabilityGap":"t-promo-feed","OwningDomain":"t-supply","ValueDimension":"Pain","Tags":["t-promo"]}""",
            record.AnswerJson);
        Assert.Equal(LlmTestHost.Now.UtcDateTime, record.CreatedAt);

        var request = Assert.Single(host.Server.Requests);
        Assert.Equal("test-model", request.Json.GetProperty("model").GetString());
        Assert.Equal("json_object", request.Json.GetProperty("response_format").GetProperty("type").GetString());
        var prompt = request.PromptText;
        foreach (var key in new[] { "t-on-time", "t-dso", "t-promo-feed", "t-invoice-split", "t-billing", "t-supply", "t-promo", "t-invoice", "Pain", "Dream" })
            Assert.Contains(key, prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("t-retired", prompt, StringComparison.Ordinal);
        // The nearest coded example, with its codes, is quoted; the verbatim is sent as received.
        Assert.Contains("The replenishment forecast ignores the promotion calendar", prompt, StringComparison.Ordinal);
        Assert.Contains("""{"BusinessMetric":"t-on-time","CapabilityGap":"t-promo-feed","OwningDomain":"t-supply","ValueDimension":"Pain","Tags":["t-promo"]}""", prompt, StringComparison.Ordinal);
        Assert.Contains(PromoVerbatim, prompt, StringComparison.Ordinal);

        var status = host.Status.Current;
        Assert.Equal(1, status.CallsToday);
        Assert.Null(status.DisabledReason);
        Assert.Equal(LlmTestHost.Now, status.LastCallAt);

        // A second pass finds nothing left to do.
        Assert.Equal(0, await host.Service.RunOnceAsync());
        Assert.Single(host.Server.Requests);
    }

    [Fact]
    public async Task Nearest_examples_are_limited_to_the_configured_number_and_ranked_by_overlap()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["NearestExamples"] = "1" });
        await host.AddOpenAsync("O-1", "Please split the invoice between our two cost centres.");
        host.Server.Content = """{"OwningDomain":"t-billing"}""";

        await host.Service.RunOnceAsync();

        var prompt = Assert.Single(host.Server.Requests).PromptText;
        Assert.Contains("We need to split one invoice across two cost centres.", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Invoice totals should show tax per line.", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("promotion calendar", prompt, StringComparison.Ordinal);
        Assert.Equal("""{"OwningDomain":"t-billing"}""", Assert.Single(await host.RecordsAsync()).AnswerJson);
    }

    [Fact]
    public async Task With_SendVerbatim_off_no_request_reaches_the_endpoint()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["SendVerbatim"] = "false" });
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        Assert.Equal(0, await host.Service.RunOnceAsync());

        Assert.Empty(host.Server.Requests);
        Assert.Empty(await host.RecordsAsync());
        Assert.Contains("SendVerbatim is false", host.Status.Current.DisabledReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_is_not_JSON_is_discarded_with_its_reason_and_logged()
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = "I think this is about promotions: t-promo-feed.";

        Assert.Equal(1, await host.Service.RunOnceAsync());

        var record = Assert.Single(await host.RecordsAsync());
        Assert.Null(record.AnswerJson);
        Assert.StartsWith("invalid answer: not valid JSON", record.DiscardReason, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(LlmSuggester).FullName
            && e.Message.Contains($"item {id}", StringComparison.Ordinal) && e.Message.Contains("not valid JSON", StringComparison.Ordinal));
        Assert.Equal(record.DiscardReason, host.Status.Current.LastError);
    }

    [Theory]
    [InlineData("""{"BusinessMetric":"t-no-such-metric"}""", "unknown BusinessMetric key 't-no-such-metric'")]
    [InlineData("""{"BusinessMetric":"t-retired"}""", "unknown BusinessMetric key 't-retired'")]
    [InlineData("""{"OwningDomain":"t-supply","Tags":["t-promo","t-nope"]}""", "unknown Tags key 't-nope'")]
    [InlineData("""{"ValueDimension":"Delight"}""", "unknown ValueDimension key 'Delight'")]
    [InlineData("""["t-on-time"]""", "not a JSON object")]
    public async Task An_answer_naming_an_unknown_code_is_discarded(string answer, string reason)
    {
        await using var host = await LlmTestHost.StartAsync();
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = answer;

        await host.Service.RunOnceAsync();

        var record = Assert.Single(await host.RecordsAsync());
        Assert.Null(record.AnswerJson);
        Assert.Contains(reason, record.DiscardReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_late_answer_is_discarded_as_a_timeout()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["Timeout"] = "00:00:01" });
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;
        host.Server.Delay = TimeSpan.FromSeconds(5);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(1, await host.Service.RunOnceAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"The pass waited {clock.Elapsed} for a late answer.");
        var record = Assert.Single(await host.RecordsAsync());
        Assert.Null(record.AnswerJson);
        Assert.Equal("no answer within the timeout of 1 s", record.DiscardReason);
        Assert.InRange(record.ElapsedMs, 900, 4000);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_claim_left_pending_by_an_instance_that_died_mid_call_is_released_and_the_item_refined()
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        await host.App.WithDbAsync(db =>
        {
            db.LlmSuggestions.Add(new VoiceOfCustomer.Suggestions.LlmSuggestionRecord
            {
                FeedbackItemId = id, CreatedAt = LlmTestHost.Now.UtcDateTime, Model = "test-model", DiscardReason = LlmRefinementService.PendingReason,
            });
            return db.SaveChangesAsync();
        });
        host.Server.Content = ValidAnswer;

        // While a call could still be running, the claim is respected.
        host.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await host.Service.RunOnceAsync());
        Assert.Empty(host.Server.Requests);

        host.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await host.Service.RunOnceAsync());
        var record = Assert.Single(await host.RecordsAsync());
        Assert.Equal(id, record.FeedbackItemId);
        Assert.NotNull(record.AnswerJson);
        Assert.Single(host.Server.Requests);
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("abandoned mid-call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_HTTP_failure_is_discarded_without_retries()
    {
        await using var host = await LlmTestHost.StartAsync();
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.StatusCode = 500;

        Assert.Equal(1, await host.Service.RunOnceAsync());

        var record = Assert.Single(await host.RecordsAsync());
        Assert.Null(record.AnswerJson);
        Assert.Equal("the endpoint answered HTTP 500", record.DiscardReason);
        Assert.Single(host.Server.Requests);
    }

    [Fact]
    public async Task The_daily_budget_stops_calls_and_the_rest_wait_for_the_next_day()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["DailyCallBudget"] = "2" });
        var oldest = await host.AddOpenAsync("O-1", PromoVerbatim, minutesAgo: 30);
        var middle = await host.AddOpenAsync("O-2", "Invoice split please.", minutesAgo: 20);
        var newest = await host.AddOpenAsync("O-3", "Shelves empty during the promotion.", minutesAgo: 10);
        host.Server.Content = ValidAnswer;

        Assert.Equal(2, await host.Service.RunOnceAsync());

        Assert.Equal(2, host.Server.Requests.Count);
        Assert.Equal([middle, newest], (await host.RecordsAsync()).Select(r => r.FeedbackItemId));
        Assert.Contains("budget of 2 calls", host.Status.Current.DisabledReason, StringComparison.Ordinal);
        Assert.Equal(2, host.Status.Current.CallsToday);
        Assert.Equal(0, await host.Service.RunOnceAsync());
        Assert.Equal(2, host.Server.Requests.Count);

        // A new UTC day brings a fresh budget, and the waiting item is refined.
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await host.Service.RunOnceAsync());
        Assert.Equal(3, host.Server.Requests.Count);
        Assert.Contains(oldest, (await host.RecordsAsync()).Select(r => r.FeedbackItemId));
        Assert.Equal(2, await host.App.WithDbAsync(db => db.LlmDailyUsage.CountAsync()));
    }

    [Fact]
    public async Task When_disabled_nothing_is_registered_and_nothing_is_called()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["Enabled"] = "false" });
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        Assert.Equal(0, await host.Service.RunOnceAsync());

        Assert.Null(host.App.Services.GetService<IChatClient>());
        Assert.DoesNotContain(host.App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is LlmRefinementService);
        Assert.Empty(host.Server.Requests);
        Assert.Empty(await host.RecordsAsync());
        Assert.Contains("Enabled is false", host.Status.Current.DisabledReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_key_comes_from_the_named_environment_variable_not_from_configuration()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["ApiKey"] = "sk-from-config" }, apiKey: "sk-from-env-123");
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        await host.Service.RunOnceAsync();

        var request = Assert.Single(host.Server.Requests);
        Assert.Equal("Bearer sk-from-env-123", request.Authorization);
        Assert.DoesNotContain("sk-from-config", request.Authorization, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-from-config", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_in_the_environment_a_placeholder_is_sent_for_keyless_local_endpoints()
    {
        await using var host = await LlmTestHost.StartAsync(apiKey: null);
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        await host.Service.RunOnceAsync();

        Assert.Equal("Bearer no-key", Assert.Single(host.Server.Requests).Authorization);
        Assert.NotNull(Assert.Single(await host.RecordsAsync()).AnswerJson);
    }

    [Fact]
    public async Task Coded_and_waiting_items_are_not_sent()
    {
        await using var host = await LlmTestHost.StartAsync();
        await WebTestSupport.AddFeedbackAsync(host.App, new FeedbackItemSpec("support", "W-1", host.CustomerId, PromoVerbatim,
            LlmTestHost.Now.UtcDateTime, Status: FeedbackStatus.AwaitingCustomer));
        host.Server.Content = ValidAnswer;

        // The three coded items of the host are Attributed; the only other one waits for the customer.
        Assert.Equal(0, await host.Service.RunOnceAsync());

        Assert.Empty(host.Server.Requests);
    }

    [Theory]
    [InlineData("Endpoint", "not a url", "Suggestions:Llm:Endpoint 'not a url' must be an absolute http(s) address")]
    [InlineData("Model", "", "Suggestions:Llm:Model is required when Suggestions:Llm:Enabled is true")]
    [InlineData("BatchSize", "0", "Suggestions:Llm:BatchSize 0 must be at least 1")]
    public void A_bad_setting_stops_start_up_naming_the_key(string key, string value, string message)
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["Suggestions:Llm:Enabled"] = "true",
            ["Suggestions:Llm:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Suggestions:Llm:Model"] = "m",
            ["Suggestions:Llm:" + key] = value,
        });
        var error = Assert.ThrowsAny<Exception>(() => app.Services);
        Assert.Contains(message, error.GetBaseException().Message, StringComparison.Ordinal);
    }
}
