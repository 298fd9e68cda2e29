using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Suggestions.Llm;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// The LLM refiner against a real OpenAI-compatible server on 127.0.0.1: a CSM sees the refined suggestion of one item
/// and only local ones for the item whose answer was garbage; an Admin sees the discard counted, in both languages.
/// </summary>
public sealed class LlmRefinerJourneyTests
{
    [Fact]
    public async Task A_refined_suggestion_is_shown_a_garbage_answer_is_not_and_the_admin_page_counts_it_in_both_languages()
    {
        await using var llm = await FakeChatServer.StartAsync();
        using var app = new KestrelAppFactory(settings: new Dictionary<string, string?>
        {
            ["Suggestions:Llm:Enabled"] = "true",
            ["Suggestions:Llm:Endpoint"] = llm.BaseUrl,
            ["Suggestions:Llm:Model"] = "test-model",
            ["Suggestions:Llm:SendVerbatim"] = "true",
            ["Suggestions:Llm:ApiKeyEnvironmentVariable"] = "VOC_BROWSER_TEST_NO_SUCH_KEY",
            // The test runs the passes itself.
            ["Suggestions:Llm:PollInterval"] = "01:00:00",
        });
        var baseUrl = app.Start();
        var refiner = app.Services.GetRequiredService<LlmRefinementService>();
        await ArrangeUsersAndModelAsync(app);
        var refined = await AddItemAsync(app, "support-21", "Invoices cannot be issued per legal entity, billing is wrong");
        llm.Content = """{"BusinessMetric":null,"CapabilityGap":"invoice-per-legal-entity","OwningDomain":"billing","ValueDimension":"Pain","Tags":[]}""";
        Assert.Equal(1, await refiner.RunOnceAsync());
        var garbled = await AddItemAsync(app, "support-22", "The invoice PDF shows the wrong legal entity");
        llm.Content = "Sure! The best code is probably invoice-per-legal-entity.";
        Assert.Equal(1, await refiner.RunOnceAsync());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);

        var csm = await SignInAsync(browser, baseUrl, "csm-llm@example.test", "en-GB");
        await csm.GotoAsync($"/coding/{refined}");
        await Assertions.Expect(csm.Locator("#sugg-capabilitygap")).ToContainTextAsync("refined by the LLM");
        await Assertions.Expect(csm.Locator("#sugg-capabilitygap")).ToContainTextAsync("Invoices cannot be issued per legal entity");
        await csm.GotoAsync($"/coding/{garbled}");
        await Assertions.Expect(csm.Locator("#sugg-capabilitygap")).ToBeVisibleAsync();
        await Assertions.Expect(csm.Locator("body")).Not.ToContainTextAsync("refined by the LLM");

        var admin = await SignInAsync(browser, baseUrl, "admin-llm@example.test", "en-GB");
        await admin.GotoAsync("/admin/suggestions");
        await Assertions.Expect(admin.Locator("#llm-status")).ToContainTextAsync("on; 2 calls today");
        await Assertions.Expect(admin.Locator("#llm-last-discard")).ToContainTextAsync("last discarded answer: the answer is not valid JSON");
        await Assertions.Expect(admin.Locator("#llm-today")).ToContainTextAsync("LLM answers today: 1 used, 1 discarded");
        await Assertions.Expect(admin.Locator("#llm-discards li")).ToHaveTextAsync(["Not valid JSON: 1"]);

        var adminZh = await SignInAsync(browser, baseUrl, "admin-llm@example.test", "zh-CN");
        await adminZh.GotoAsync("/admin/suggestions");
        await Assertions.Expect(adminZh.Locator("#llm-status")).ToContainTextAsync("开启；今日调用 2 次");
        await Assertions.Expect(adminZh.Locator("#llm-last-discard")).ToContainTextAsync("最近丢弃的回答：回答不是有效的 JSON");
        await Assertions.Expect(adminZh.Locator("#llm-today")).ToContainTextAsync("今日 LLM 回答：采用 1 个，丢弃 1 个");
        await Assertions.Expect(adminZh.Locator("#llm-discards li")).ToHaveTextAsync(["不是有效的 JSON: 1"]);
        Assert.Equal(2, llm.Requests.Count);
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, string email, string locale) =>
        await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = locale }), email);

    /// <summary>An Admin, a CSM, and the cold-start model built from the seeded taxonomy.</summary>
    private static async Task ArrangeUsersAndModelAsync(KestrelAppFactory app)
    {
        await BrowserSession.CreateUserAsync(app, "admin-llm@example.test", Roles.Admin, "Admin");
        await BrowserSession.CreateUserAsync(app, "csm-llm@example.test", Roles.Csm, "CSM");
        await using var scope = app.Services.CreateAsyncScope();
        await BrowserSession.AddSupportCustomerAsync(scope.ServiceProvider.GetRequiredService<VocDbContext>(), "CRM-21", "Entities Ltd");
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<SuggestionTrainer>().ColdStartIfNoModelAsync());
    }

    private static Task<long> AddItemAsync(KestrelAppFactory app, string externalId, string verbatim) => app.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var item = new FeedbackItem
        {
            ChannelId = await db.Channels.Where(c => c.Key == "support").Select(c => c.Id).SingleAsync(),
            ExternalId = externalId,
            CustomerId = await db.Customers.Where(c => c.Reference == "CRM-21").Select(c => c.Id).SingleAsync(),
            Verbatim = verbatim,
            ReceivedAt = now.AddHours(-1),
            IngestedAt = now,
            Language = "en",
            AttributionDueAt = now.AddHours(47),
        };
        db.FeedbackItems.Add(item);
        await db.SaveChangesAsync();
        return item.Id;
    });
}
