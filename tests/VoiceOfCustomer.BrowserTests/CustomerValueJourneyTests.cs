using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.CustomerValue;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// An Admin in Chromium, in English and in Chinese, opens the customer-value page after a refit: the fits, equity by
/// segment, the retention curves and the purchase-model charts are drawn by Chart.js; "Refit now" queues a refit.
/// </summary>
public sealed class CustomerValueJourneyTests
{
    public static TheoryData<string> Languages => ["en", "zh-CN"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task An_Admin_reads_the_value_models_and_asks_for_a_refit(string language)
    {
        var chinese = language == "zh-CN";
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var adminEmail = $"value-admin-{language}@example.test";
        await BrowserSession.CreateUserAsync(app, adminEmail, Roles.Admin, "Vera Value", language);
        var now = DateTime.SpecifyKind(DateTime.UtcNow.Date.AddHours(12), DateTimeKind.Utc);
        await app.WithDbAsync(db => CustomerValueTestData.AddAsync(db, now));
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CustomerValueScorer>().RefitAsync("browser-test");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = chinese ? "zh-CN" : "en-GB", ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await BrowserSession.SignInAsync(context, adminEmail);
        await page.GotoAsync("/customers/value");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(chinese ? "客户价值" : "Customer value");
        await Assertions.Expect(page.Locator("#fits tr[data-model='bgnbd-gg']")).ToContainTextAsync(chinese ? "已拟合" : "Fitted");
        await Assertions.Expect(page.Locator("#fits tr[data-model='sbg:value-test']")).ToContainTextAsync(chinese ? "移位贝塔几何模型" : "shifted-beta-geometric");
        foreach (var chart in new[] { "equity-chart", "retention-chart", "p-alive-chart", "expected-chart", "holdout-chart", "tracking-chart" })
        {
            // Chart.js sizes the canvas it draws on; an undrawn canvas keeps the default 300 × 150.
            var canvas = page.Locator($"canvas#{chart}");
            await Assertions.Expect(canvas).ToBeVisibleAsync();
            await page.WaitForFunctionAsync($"() => {{ const c = document.getElementById('{chart}'); return c && window.Chart && window.Chart.getChart(c); }}");
        }
        await Assertions.Expect(page.Locator("#equity-total")).ToContainTextAsync(chinese ? "客户资产" : "Customer equity");
        var body = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("NotConverged", body, StringComparison.Ordinal);
        Assert.DoesNotContain("bgnbd-gg", body, StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = chinese ? "立即重新拟合" : "Refit now", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#refit-queued")).ToBeVisibleAsync();
    }
}
