using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>One app with 60 coded voices and a model trained from them.</summary>
public sealed class SuggestionPageFixture : IAsyncLifetime
{
    public VocAppFactory App { get; } = new();
    public int CustomerId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        CustomerId = (await WebTestSupport.AddCustomerAsync(App, "SUGG-PAGE", "Suggested Co")).Id;
        await SuggestionTestData.AddCodedItemsAsync(App, CustomerId, "page");
        Assert.NotNull(await App.Services.GetRequiredService<SuggestionTrainer>().TrainAsync());
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed partial class SuggestionPageTests(SuggestionPageFixture fixture) : IClassFixture<SuggestionPageFixture>
{
    private VocAppFactory App => fixture.App;

    private async Task<long> NewItemAsync(string verbatim) =>
        await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec("support", "new-" + Guid.NewGuid().ToString("N")[..12], fixture.CustomerId,
            verbatim, DateTime.UtcNow.AddHours(-1)));


    /// <summary>The item's stored suggestions, once the queue of shown ones is written (it is written behind the response).</summary>
    private async Task<List<SuggestionRecord>> RecordsAsync(long itemId)
    {
        await App.Services.GetRequiredService<ShownSuggestionRecorder>().FlushAsync();
        return await App.WithDbAsync(db => db.SuggestionRecords.AsNoTracking().Where(r => r.FeedbackItemId == itemId).ToListAsync());
    }

    private static string FieldBlock(string html, SuggestionField field)
    {
        var match = Regex.Match(html, $"<dd class=\"suggestion\" id=\"sugg-{field.ToString().ToLowerInvariant()}\".*?</dd>", RegexOptions.Singleline);
        Assert.True(match.Success, $"The panel has no {field} suggestion.");
        return match.Value;
    }

    [Fact]
    public async Task Coding_page_shows_each_field_with_confidence_alternatives_and_accept_buttons_and_records_it_once()
    {
        var itemId = await NewItemAsync("Finance needs a separate invoice for each legal entity, the billing is wrong");
        var gapId = await App.WithDbAsync(db => db.CapabilityGaps.Where(g => g.Key == "invoice-per-legal-entity").Select(g => g.Id).SingleAsync());
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);

        var html = await client.GetStringAsync($"/coding/{itemId}");
        Assert.Contains("id=\"suggested-codes\"", html);
        Assert.DoesNotContain("id=\"suggestions-empty\"", html);
        var gap = FieldBlock(html, SuggestionField.CapabilityGap);
        Assert.Contains("data-source=\"local\"", gap);
        Assert.Contains($"data-accept-target=\"c-gap\" data-accept-value=\"{gapId}\"", gap);
        Assert.Matches(new Regex("class=\"confidence\"[^>]*>\\d{1,3}%<"), gap);
        Assert.Contains("Invoices cannot be issued per legal entity", gap);
        Assert.Contains("model v", gap);
        Assert.Contains("Alternatives:", gap);
        Assert.Equal(3, Regex.Matches(gap, "class=\"button small[^\"]*suggestion-accept\"").Count);
        Assert.Contains("type=\"button\"", gap);
        Assert.Contains("data-accept-target=\"c-dim-", FieldBlock(html, SuggestionField.ValueDimension));
        Assert.Contains("data-accept-target=\"c-tag-", FieldBlock(html, SuggestionField.Tags));
        Assert.Contains("id=\"accept-all-suggestions\"", html);
        Assert.Contains("aria-live=\"polite\"", html);

        var first = await RecordsAsync(itemId);
        Assert.Equal(Enum.GetValues<SuggestionField>().Length, first.Count);
        Assert.All(first, r => Assert.Equal(SuggestionOutcome.Pending, r.Outcome));
        Assert.Equal("invoice-per-legal-entity", first.Single(r => r.Field == SuggestionField.CapabilityGap).SuggestedValue);

        // Viewing again, and reading the API, adds nothing: one row per item, field, source and model version.
        await client.GetStringAsync($"/coding/{itemId}");
        var api = await client.GetAsync($"/api/feedback/{itemId}/suggestions");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        var json = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement;
        var apiGap = json.EnumerateArray().Single(f => f.GetProperty("field").GetString() == "capability-gap");
        Assert.Equal("invoice-per-legal-entity", apiGap.GetProperty("values")[0].GetProperty("value").GetString());
        Assert.Equal("local", apiGap.GetProperty("source").GetString());
        // A suggested value dimension is spelled as the attribution's valueDimension takes it.
        var apiDimension = json.EnumerateArray().Single(f => f.GetProperty("field").GetString() == "value-dimension");
        Assert.All(apiDimension.GetProperty("values").EnumerateArray(), v => Assert.Contains(v.GetProperty("value").GetString(), new[] { "pain", "need", "expectation", "dream" }));
        Assert.NotEmpty(apiDimension.GetProperty("values").EnumerateArray());
        Assert.Equal(first.Count, (await RecordsAsync(itemId)).Count);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/feedback/987654321/suggestions")).StatusCode);
    }

    [Fact]
    public async Task A_Chinese_speaking_CSM_sees_the_panel_and_the_taxonomy_names_in_Chinese()
    {
        var itemId = await NewItemAsync("财务需要按法人主体开具发票");
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var html = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/coding/{itemId}"));
        var gap = FieldBlock(html, SuggestionField.CapabilityGap);
        Assert.Contains("无法按法人主体分别开具发票", gap);
        Assert.Contains(">采纳</button>", gap);
        Assert.Contains("本地模型", gap);
        Assert.Contains("其他候选：", gap);
        Assert.Contains(">全部采纳</button>", html);
        Assert.DoesNotContain(">Accept</button>", html);
    }

    [Fact]
    public async Task Concurrent_views_of_one_item_record_its_suggestions_once_without_error()
    {
        var itemId = await NewItemAsync("报表导出太慢，每天早上都超时");
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetAsync($"/coding/{itemId}")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var records = await RecordsAsync(itemId);
        Assert.Equal(records.Count, records.Select(r => (r.Field, r.Source, r.ModelVersion)).Distinct().Count());
        Assert.Equal(Enum.GetValues<SuggestionField>().Length, records.Count);
        App.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Submitting_the_coding_resolves_each_shown_suggestion_as_accepted_or_corrected()
    {
        var itemId = await NewItemAsync("We cannot get invoices per legal entity for our subsidiaries");
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var page = await client.GetStringAsync($"/coding/{itemId}");
        var shown = await RecordsAsync(itemId);
        Assert.Equal("invoice-per-legal-entity", shown.Single(r => r.Field == SuggestionField.CapabilityGap).SuggestedValue);
        Assert.Equal("billing", shown.Single(r => r.Field == SuggestionField.OwningDomain).SuggestedValue);

        var ids = await App.WithDbAsync(async db => new
        {
            Metric = await db.BusinessMetrics.Where(m => m.Key == "renewal-rate").Select(m => m.Id).SingleAsync(),
            Gap = await db.CapabilityGaps.Where(g => g.Key == "invoice-per-legal-entity").Select(g => g.Id).SingleAsync(),
            Domain = await db.OwningDomains.Where(d => d.Key == "mobile").Select(d => d.Id).SingleAsync(),
            TagA = await db.Tags.Where(t => t.Key == "compliance").Select(t => t.Id).SingleAsync(),
            TagB = await db.Tags.Where(t => t.Key == "churn-risk").Select(t => t.Id).SingleAsync(),
        });
        var response = await client.PostAsync($"/coding/{itemId}", new FormUrlEncodedContent(
        [
            new("MetricId", ids.Metric.ToString()), new("Direction", "down"), new("Magnitude", "3"), new("Unit", "%"),
            new("CapabilityGapId", ids.Gap.ToString()), new("Hypothesis", "One invoice for many entities."),
            new("OwningDomainId", ids.Domain.ToString()), new("ValueDimension", "pain"), new("VoiceRole", "buyer"),
            new("Tags", ids.TagA.ToString()), new("Tags", ids.TagB.ToString()),
            new("Version", "0"), new("Action", "submit"), new("__RequestVerificationToken", WebTestSupport.AntiforgeryToken(page)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var resolved = await RecordsAsync(itemId);
        Assert.All(resolved, r => Assert.NotNull(r.ResolvedAt));
        var gap = resolved.Single(r => r.Field == SuggestionField.CapabilityGap);
        Assert.Equal(SuggestionOutcome.Accepted, gap.Outcome);
        Assert.Equal("invoice-per-legal-entity", gap.FinalValue);
        var domain = resolved.Single(r => r.Field == SuggestionField.OwningDomain);
        Assert.Equal(SuggestionOutcome.Corrected, domain.Outcome);
        Assert.Equal("mobile", domain.FinalValue);
        var tags = resolved.Single(r => r.Field == SuggestionField.Tags);
        Assert.Equal("churn-risk,compliance", tags.FinalValue);
        Assert.Equal(tags.SuggestedValue is null ? SuggestionOutcome.Abstained
            : tags.SuggestedValue is "churn-risk" or "compliance" ? SuggestionOutcome.Accepted : SuggestionOutcome.Corrected, tags.Outcome);
        var dimension = resolved.Single(r => r.Field == SuggestionField.ValueDimension);
        Assert.Equal("Pain", dimension.FinalValue);
        Assert.Equal(dimension.SuggestedValue is null ? SuggestionOutcome.Abstained
            : dimension.SuggestedValue == "Pain" ? SuggestionOutcome.Accepted : SuggestionOutcome.Corrected, dimension.Outcome);

        // A coded item's page still shows suggestions but records no new ones.
        await client.GetStringAsync($"/coding/{itemId}");
        Assert.Equal(resolved.Count, (await RecordsAsync(itemId)).Count);
    }

    [Fact]
    public async Task A_stored_LLM_answer_comes_first_with_the_local_suggestions_after_it()
    {
        var itemId = await NewItemAsync("Invoices for each legal entity are still missing");
        await App.WithDbAsync(async db =>
        {
            db.LlmSuggestions.Add(new LlmSuggestionRecord
            {
                FeedbackItemId = itemId, CreatedAt = DateTime.UtcNow, Model = "test-model",
                AnswerJson = """{"CapabilityGap":"dashboard-store-drilldown","OwningDomain":"billing","Tags":["churn-risk"]}""",
            });
            return await db.SaveChangesAsync();
        });
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);

        var json = JsonDocument.Parse(await client.GetStringAsync($"/api/feedback/{itemId}/suggestions")).RootElement;
        JsonElement Field(string name) => json.EnumerateArray().Single(f => f.GetProperty("field").GetString() == name);
        var gap = Field("capability-gap");
        Assert.Equal("llm", gap.GetProperty("source").GetString());
        var values = gap.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal("dashboard-store-drilldown", values[0].GetProperty("value").GetString());
        Assert.False(values[0].TryGetProperty("confidence", out _)); // the local model never ranked it: no invented confidence
        Assert.Equal("invoice-per-legal-entity", values[1].GetProperty("value").GetString());
        Assert.Equal(3, values.Count);
        var domain = Field("owning-domain");
        Assert.Equal("llm", domain.GetProperty("source").GetString());
        var domainValues = domain.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal("billing", domainValues[0].GetProperty("value").GetString());
        Assert.True(domainValues[0].GetProperty("confidence").GetDouble() > 0); // the local model's own confidence for it
        Assert.Single(domainValues, v => v.GetProperty("value").GetString() == "billing");
        Assert.Equal("local", Field("business-metric").GetProperty("source").GetString());

        var html = await client.GetStringAsync($"/coding/{itemId}");
        Assert.Contains("data-source=\"llm\"", FieldBlock(html, SuggestionField.CapabilityGap));
        Assert.Contains("refined by the LLM", html);

        var records = await RecordsAsync(itemId);
        Assert.Equal("dashboard-store-drilldown", records.Single(r => r.Field == SuggestionField.CapabilityGap && r.Source == SuggestionSource.Llm).SuggestedValue);
        Assert.Equal("invoice-per-legal-entity", records.Single(r => r.Field == SuggestionField.CapabilityGap && r.Source == SuggestionSource.Local).SuggestedValue);
    }

    [Theory]
    [InlineData("😀😀😀🎉🎉")]
    [InlineData("!!! ??? ...")]
    public async Task Text_the_model_cannot_read_shows_an_abstention_not_an_error(string verbatim)
    {
        var itemId = await NewItemAsync(verbatim);
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var response = await client.GetAsync($"/coding/{itemId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("No confident suggestion", FieldBlock(html, SuggestionField.CapabilityGap));
        Assert.DoesNotContain("id=\"accept-all-suggestions\"", html);

        var json = JsonDocument.Parse(await client.GetStringAsync($"/api/feedback/{itemId}/suggestions")).RootElement;
        Assert.All(json.EnumerateArray(), f => Assert.True(f.TryGetProperty("abstained", out _)));
        var records = await RecordsAsync(itemId);
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Null(r.SuggestedValue));
        Assert.All(records, r => Assert.Equal(SuggestionOutcome.Pending, r.Outcome));
    }

    [Fact]
    public async Task Without_any_model_the_panel_explains_what_will_happen()
    {
        using var app = new VocAppFactory();
        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "SUGG-EMPTY", "Empty Co");
        var itemId = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "E-1", customer.Id, "Invoices are wrong", DateTime.UtcNow));
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);
        var html = await client.GetStringAsync($"/coding/{itemId}");
        Assert.Contains("id=\"suggestions-empty\"", html);
        Assert.DoesNotContain("suggestion-accept", html);
        Assert.Equal("[]", await client.GetStringAsync($"/api/feedback/{itemId}/suggestions"));
    }
}
