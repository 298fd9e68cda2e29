using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;
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
        Assert.Equal(0, request.Json.GetProperty("temperature").GetDouble());
        Assert.Equal(LlmKernel.MaxAnswerTokens, request.Json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        var format = request.Json.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
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
        Assert.Null(status.LastDiscard);
        var today = await host.Service.TodayAsync();
        Assert.Equal((1, 0), (today.Used, today.Discarded));

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
    public async Task An_answer_that_is_not_JSON_is_discarded_counted_and_logged_and_the_local_suggestions_stand()
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = "I think this is about promotions: t-promo-feed.";

        await AssertDiscardedOnceAsync(host, id, LlmDiscardKind.NotJson, "NotJson: not valid JSON: ");

        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(LlmSuggester).FullName
            && e.Message.Contains($"item {id}", StringComparison.Ordinal) && e.Message.Contains("not valid JSON", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"BusinessMetric":"t-no-such-metric"}""", LlmDiscardKind.UnknownCode, "unknown BusinessMetric key 't-no-such-metric'")]
    [InlineData("""{"BusinessMetric":"t-retired"}""", LlmDiscardKind.UnknownCode, "unknown BusinessMetric key 't-retired'")]
    [InlineData("""{"OwningDomain":"t-supply","Tags":["t-promo","t-nope"]}""", LlmDiscardKind.UnknownCode, "unknown Tags key 't-nope'")]
    [InlineData("""{"ValueDimension":"Delight"}""", LlmDiscardKind.UnknownCode, "unknown ValueDimension key 'Delight'")]
    [InlineData("""["t-on-time"]""", LlmDiscardKind.WrongShape, "not a JSON object but Array")]
    [InlineData("""{"BusinessMetric":null,"Tags":[]}""", LlmDiscardKind.WrongShape, "the answer names no code")]
    public async Task An_answer_naming_an_unknown_code_is_discarded_and_counted(string answer, LlmDiscardKind kind, string reason)
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = answer;

        var record = await AssertDiscardedOnceAsync(host, id, kind, $"{kind}: {reason}");

        Assert.Equal($"{kind}: {reason}", record.DiscardReason);
    }

    [Fact]
    public async Task A_late_answer_is_discarded_as_a_timeout()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["Timeout"] = "00:00:01" });
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;
        host.Server.Delay = TimeSpan.FromSeconds(5);

        var record = await AssertDiscardedOnceAsync(host, id, LlmDiscardKind.Timeout, "Timeout: ");

        Assert.Equal("Timeout: no answer within the timeout of 1 s", record.DiscardReason);
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

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task An_HTTP_failure_is_discarded_without_retries(int status)
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.StatusCode = status;

        var record = await AssertDiscardedOnceAsync(host, id, LlmDiscardKind.HttpError, "HttpError: ");

        Assert.Equal($"HttpError: the endpoint answered HTTP {status}", record.DiscardReason);
        Assert.Single(host.Server.Requests);
    }

    [Fact]
    public async Task An_endpoint_that_answers_garbage_is_discarded_and_counted()
    {
        await using var host = await LlmTestHost.StartAsync();
        var id = await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.RawBody = "<html><body>Gateway says hello</body></html>";

        await AssertDiscardedOnceAsync(host, id, LlmDiscardKind.BadResponse, "BadResponse: the endpoint's reply is not a chat completion");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_discarded_and_counted_and_the_pass_goes_on()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["Endpoint"] = FakeChatServer.UnreachableBaseUrl() });
        var first = await host.AddOpenAsync("O-1", PromoVerbatim, minutesAgo: 20);
        var second = await host.AddOpenAsync("O-2", "Invoice split please.", minutesAgo: 10);

        Assert.Equal(2, await host.Service.RunOnceAsync());

        var records = await host.RecordsAsync();
        Assert.Equal([first, second], records.Select(r => r.FeedbackItemId));
        Assert.All(records, r => Assert.StartsWith("Unreachable: the endpoint could not be reached: ", r.DiscardReason, StringComparison.Ordinal));
        Assert.All(records, r => Assert.Null(r.AnswerJson));
        Assert.Equal(new Dictionary<LlmDiscardKind, int> { [LlmDiscardKind.Unreachable] = 2 }, (await host.Service.TodayAsync()).DiscardedByKind);
        Assert.Null(host.Status.Current.LastPassError);
        await AssertOnlyLocalSuggestionsAsync(host, first);
        host.Logs.AssertNoErrors();
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
    public async Task When_disabled_no_kernel_is_registered_and_nothing_is_called()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["Enabled"] = "false" });
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        Assert.Equal(0, await host.Service.RunOnceAsync());

        Assert.Null(host.App.Services.GetService<LlmKernel>());
        Assert.Null(host.App.Services.GetService<LlmSuggester>());
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

    [Fact]
    public async Task With_AnswerFormat_JsonObject_the_request_asks_for_plain_JSON_and_the_answer_is_still_validated()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["AnswerFormat"] = "JsonObject" });
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        await host.Service.RunOnceAsync();

        var request = Assert.Single(host.Server.Requests);
        Assert.Equal("json_object", request.Json.GetProperty("response_format").GetProperty("type").GetString());
        Assert.NotNull(Assert.Single(await host.RecordsAsync()).AnswerJson);
    }

    [Fact]
    public async Task The_schema_sent_offers_exactly_the_taxonomys_live_keys()
    {
        await using var host = await LlmTestHost.StartAsync();
        await host.AddOpenAsync("O-1", PromoVerbatim);
        host.Server.Content = ValidAnswer;

        await host.Service.RunOnceAsync();

        var schema = Assert.Single(host.Server.Requests).Json.GetProperty("response_format").GetProperty("json_schema").GetProperty("schema");
        IEnumerable<string?> Enum(JsonElement property) => property.GetProperty("enum").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString());
        var properties = schema.GetProperty("properties");
        // The app's seeded taxonomy is there too; what matters is that the enums are the live keys and nothing else.
        var (taxonomy, _) = await host.PromptInputsAsync();
        foreach (var field in new[] { SuggestionField.BusinessMetric, SuggestionField.CapabilityGap, SuggestionField.OwningDomain })
            Assert.Equal(taxonomy.Of(field).Select(e => (string?)e.Key).Append(null), Enum(properties.GetProperty(field.ToString())));
        Assert.Equal(taxonomy.Of(SuggestionField.Tags).Select(e => (string?)e.Key), Enum(properties.GetProperty("Tags").GetProperty("items")));
        Assert.Contains("t-on-time", Enum(properties.GetProperty("BusinessMetric")));
        Assert.DoesNotContain("t-retired", Enum(properties.GetProperty("BusinessMetric")));
        Assert.Contains("t-promo", Enum(properties.GetProperty("Tags").GetProperty("items")));
        Assert.Equal(["Pain", "Need", "Expectation", "Dream", null], Enum(properties.GetProperty("ValueDimension")));
        Assert.Equal(5, schema.GetProperty("required").GetArrayLength());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public async Task The_admin_page_counts_todays_discards_by_reason_in_both_languages()
    {
        await using var host = await LlmTestHost.StartAsync();
        await host.AddOpenAsync("O-1", PromoVerbatim, minutesAgo: 30);
        host.Server.Content = "not json at all";
        await host.Service.RunOnceAsync();
        await host.AddOpenAsync("O-2", "Invoice split please.", minutesAgo: 20);
        host.Server.Content = """{"OwningDomain":"t-nowhere"}""";
        await host.Service.RunOnceAsync();
        await host.AddOpenAsync("O-3", "Shelves empty during the promotion.", minutesAgo: 10);
        host.Server.Content = ValidAnswer;
        await host.Service.RunOnceAsync();
        await host.AddOpenAsync("O-4", "The forecast is late again.", minutesAgo: 5);
        host.Server.StatusCode = 429;
        await host.Service.RunOnceAsync();

        var client = await WebTestSupport.SignedInClientAsync(host.App, VoiceOfCustomer.Identity.Roles.Admin);
        var english = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/admin/suggestions"));
        Assert.Contains("on; 4 calls today", english, StringComparison.Ordinal);
        Assert.Contains("last discarded answer: the endpoint answered HTTP 429", english, StringComparison.Ordinal);
        Assert.Contains("LLM answers today: 1 used, 3 discarded", english, StringComparison.Ordinal);
        Assert.Contains("<li data-kind=\"NotJson\">Not valid JSON: 1</li>", english, StringComparison.Ordinal);
        Assert.Contains("<li data-kind=\"UnknownCode\">Names a code not in the taxonomy: 1</li>", english, StringComparison.Ordinal);
        Assert.Contains("<li data-kind=\"HttpError\">HTTP error from the endpoint: 1</li>", english, StringComparison.Ordinal);
        Assert.DoesNotContain("data-kind=\"Timeout\"", english, StringComparison.Ordinal);

        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var chinese = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/admin/suggestions"));
        Assert.Contains("开启；今日调用 4 次", chinese, StringComparison.Ordinal);
        Assert.Contains("最近丢弃的回答：端点返回 HTTP 429", chinese, StringComparison.Ordinal);
        Assert.Contains("今日 LLM 回答：采用 1 个，丢弃 3 个", chinese, StringComparison.Ordinal);
        Assert.Contains(">不是有效的 JSON: 1</li>", chinese, StringComparison.Ordinal);
        Assert.Contains(">包含分类体系中没有的代码: 1</li>", chinese, StringComparison.Ordinal);
        Assert.Contains(">端点返回 HTTP 错误: 1</li>", chinese, StringComparison.Ordinal);
        Assert.DoesNotContain("discarded", chinese, StringComparison.Ordinal);
        Assert.DoesNotContain("NotJson<", chinese, StringComparison.Ordinal);
    }

    /// <summary>
    /// One pass over the one open item ends in a discard of <paramref name="kind"/>: stored with its reason, the status's
    /// last discard, counted for today, no error logged, and the item's suggestions the local model's alone.
    /// </summary>
    private static async Task<VoiceOfCustomer.Suggestions.LlmSuggestionRecord> AssertDiscardedOnceAsync(LlmTestHost host, long itemId, LlmDiscardKind kind, string reasonStart)
    {
        Assert.Equal(1, await host.Service.RunOnceAsync());

        var record = Assert.Single(await host.RecordsAsync());
        Assert.Equal(itemId, record.FeedbackItemId);
        Assert.Null(record.AnswerJson);
        Assert.StartsWith(reasonStart, record.DiscardReason, StringComparison.Ordinal);
        Assert.Equal(kind, host.Status.Current.LastDiscard!.Kind);
        var today = await host.Service.TodayAsync();
        Assert.Equal((0, 1), (today.Used, today.Discarded));
        Assert.Equal(new Dictionary<LlmDiscardKind, int> { [kind] = 1 }, today.DiscardedByKind);
        host.Logs.AssertNoErrors();
        await AssertOnlyLocalSuggestionsAsync(host, itemId);
        return record;
    }

    /// <summary>A discarded answer never reaches the coding form: the item's suggestions are the local model's alone (cold-start here).</summary>
    private static async Task AssertOnlyLocalSuggestionsAsync(LlmTestHost host, long itemId)
    {
        Assert.NotNull(await host.App.Services.GetRequiredService<VoiceOfCustomer.Suggestions.SuggestionTrainer>().TrainAsync());
        var client = await WebTestSupport.SignedInClientAsync(host.App, VoiceOfCustomer.Identity.Roles.Csm);
        var fields = JsonDocument.Parse(await client.GetStringAsync($"/api/feedback/{itemId}/suggestions")).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, field => Assert.NotEqual("llm", field.GetProperty("source").GetString()));
    }

    [Theory]
    [InlineData("Endpoint", "not a url", "Suggestions:Llm:Endpoint 'not a url' must be an absolute http(s) address")]
    [InlineData("Model", "", "Suggestions:Llm:Model is required when Suggestions:Llm:Enabled is true")]
    [InlineData("BatchSize", "0", "Suggestions:Llm:BatchSize 0 must be at least 1")]
    [InlineData("AnswerFormat", "Yaml", "Suggestions:Llm:AnswerFormat")]
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
        // The key is named by the validator's message, or by the binder's (a value no enum member has) one level up.
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
            messages.Add(e.Message);
        Assert.Contains(message, string.Join(" | ", messages), StringComparison.Ordinal);
    }
}
