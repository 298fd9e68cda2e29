using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// In Chinese, the coding form offers the taxonomy's Chinese names and the item page shows the coded values, channel,
/// touchpoint and segment in Chinese; the settings page's time zone, once saved, moves every time on the pages.
/// </summary>
public sealed class ChineseNamesAndTimeZoneTests
{
    // 01:30 UTC is 09:30 in Shanghai, the same day.
    private static readonly DateTime ReceivedAt = new(2026, 3, 2, 1, 30, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_chinese_csm_codes_with_Chinese_names_and_the_item_page_shows_them()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var itemId = await ArrangeAsync(app, "zh-coder@example.test", "zh-CN");
        string english, metric;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var first = await scope.ServiceProvider.GetRequiredService<VocDbContext>().BusinessMetrics
                .Where(m => m.NameZh != null).OrderBy(m => m.Id).FirstAsync();
            (english, metric) = (first.Name, first.NameZh!);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var page = await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" }), "zh-coder@example.test");

        await page.GotoAsync($"/coding/{itemId}");
        await Assertions.Expect(page.Locator("#verbatim")).ToHaveTextAsync("促销期间门店缺货。");
        // Every choice is its Chinese name; none is the English one.
        await Assertions.Expect(page.Locator("#c-metric option", new() { HasText = metric })).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("#c-metric option", new() { HasText = english }).CountAsync());
        await page.Locator("#c-metric").SelectOptionAsync(new SelectOptionValue { Label = metric });
        await page.GetByLabel("下降").CheckAsync();
        await page.GetByLabel("幅度").FillAsync("15");
        var gap = await SelectSecondAsync(page.Locator("#c-gap"));
        await page.Locator("#c-hypothesis").FillAsync("促销数据没有进入补货预测。");
        var domain = await SelectSecondAsync(page.Locator("#c-domain"));
        await page.GetByLabel("痛点").CheckAsync();
        await page.GetByLabel("采购方").CheckAsync();
        var tag = page.Locator(".tag-choice").First;
        var tagName = (await tag.Locator("label").TextContentAsync())!.Trim();
        await tag.Locator("input").CheckAsync();
        foreach (var chosen in new[] { gap, domain, tagName })
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "提交", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.EndsWith($"/coding/{itemId}", StringComparison.Ordinal));

        await page.GotoAsync($"/feedback/{itemId}");
        await Assertions.Expect(page.Locator("#coded-metric")).ToContainTextAsync(metric + " ↓ 下降");
        await Assertions.Expect(page.Locator("#coded-gap")).ToHaveTextAsync(gap);
        await Assertions.Expect(page.Locator("#coded-domain")).ToHaveTextAsync(domain);
        await Assertions.Expect(page.Locator("#coded-tags")).ToHaveTextAsync(tagName);
        await Assertions.Expect(page.Locator("#channel-name")).ToHaveTextAsync("客户成功访谈");
        await Assertions.Expect(page.Locator("#touchpoint")).ToHaveTextAsync("客户成功访谈");
        await Assertions.Expect(page.GetByText("大型企业客户")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("已归因").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Attributed")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_time_zone_chosen_in_settings_moves_the_times_on_the_pages()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var itemId = await ArrangeAsync(app, "zone@example.test", "en");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var page = await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "zone@example.test");

        await page.GotoAsync($"/feedback/{itemId}");
        await Assertions.Expect(page.Locator("time[datetime='2026-03-02T01:30:00Z']").First).ToHaveTextAsync("2 Mar 2026 01:30");
        await Assertions.Expect(page.Locator("#time-zone-note")).ToHaveTextAsync("times are shown in UTC");

        await page.GotoAsync("/account/settings");
        var zone = page.GetByLabel("Time zone");
        await Assertions.Expect(zone).ToHaveValueAsync("UTC");
        // From the keyboard: focus the select and type the start of the zone's name.
        await zone.FocusAsync();
        await page.Keyboard.TypeAsync("Asia/Shanghai");
        await Assertions.Expect(zone).ToHaveValueAsync("Asia/Shanghai");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#settings-saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Time zone")).ToHaveValueAsync("Asia/Shanghai");
        await Assertions.Expect(page.Locator("#time-zone-note")).ToHaveTextAsync("times are shown in Asia/Shanghai (UTC+08:00)");

        await page.GotoAsync($"/feedback/{itemId}");
        await Assertions.Expect(page.Locator("time[datetime='2026-03-02T01:30:00Z']").First).ToHaveTextAsync("2 Mar 2026 09:30");
        await page.GotoAsync("/feedback");
        await Assertions.Expect(page.Locator($"tr[data-id='{itemId}'] time").First).ToHaveTextAsync("2 Mar 2026 09:30");
    }

    /// <summary>Chooses the select's second real option (the first is "choose …") and answers its text.</summary>
    private static async Task<string> SelectSecondAsync(ILocator select)
    {
        var option = select.Locator("option").Nth(2);
        var value = (await option.GetAttributeAsync("value"))!;
        await select.SelectOptionAsync(value);
        return (await option.TextContentAsync())!.Trim();
    }

    /// <summary>A CSM with a saved language and one customer-success interview from an enterprise customer.</summary>
    private static async Task<long> ArrangeAsync(KestrelAppFactory app, string email, string language)
    {
        await BrowserSession.CreateUserAsync(app, email, Roles.Csm, "王芳", language);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.SingleAsync(c => c.Key == "cs-interview");
        var segment = await db.Segments.SingleAsync(s => s.Key == "enterprise");
        var customer = new Customer
        {
            Reference = "CRM-ZH-9", ReferenceNormalized = "CRM-ZH-9", Name = "华东连锁", SegmentId = segment.Id, CreatedAt = DateTime.UtcNow,
        };
        db.Add(customer);
        await db.SaveChangesAsync();
        var item = new FeedbackItem
        {
            ChannelId = channel.Id, ExternalId = "zh-interview-1", CustomerId = customer.Id, Verbatim = "促销期间门店缺货。",
            ReceivedAt = ReceivedAt, IngestedAt = ReceivedAt, Language = "zh", AttributionDueAt = DateTime.UtcNow.AddDays(2),
        };
        db.FeedbackItems.Add(item);
        await db.SaveChangesAsync();
        return item.Id;
    }
}
