using Microsoft.Playwright;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// The README's first command in a browser: a Development start seeds the demo organisation, and the roles whose
/// first concern is the SLA find its history on their pages: a compliance chart that moves, escalations of every
/// level, breached items now.
/// </summary>
public sealed class DemoJourneyTests
{
    private const string DemoPassword = "Demo!2345";

    [Fact]
    public async Task Leadership_and_a_CSM_find_the_demo_SLA_history_on_the_SLA_pages_and_in_the_queue()
    {
        using var app = new KestrelAppFactory("Development", new Dictionary<string, string?> { ["Seed:Customers"] = "30", ["Seed:Feedback"] = "900" });
        var baseUrl = app.Start();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { BaseURL = baseUrl });
        page.SetDefaultTimeout(15_000);

        await SignInAsync(page, "lead@voc.local");
        await page.GetByRole(AriaRole.Link, new() { Name = "SLA", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/sla");
        // Twelve weeks of bars, not one at 100%: good weeks and a bad stretch, in different colours (drawn by Chart.js).
        await Assertions.Expect(page.Locator("canvas#compliance-chart")).ToHaveAttributeAsync("data-chart-ready", "true");
        var bars = await page.EvaluateAsync<int>("() => document.getElementById('compliance-chart').chart.data.datasets[0].data.filter(v => v !== null).length");
        Assert.InRange(bars, 10, 13);
        var colours = await page.EvaluateAsync<string[]>("() => { const d = document.getElementById('compliance-chart').chart.data.datasets[0]; return d.backgroundColor.filter((c, i) => d.data[i] !== null); }");
        Assert.True(colours.Distinct().Count() >= 2, $"every bar is {string.Join(", ", colours.Distinct())}");
        await Assertions.Expect(page.Locator("#no-breaches")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("breached");
        await ScreenshotAsync(page, "demo-sla");

        // Escalations of every level, chosen with the page's own filter.
        await page.GetByRole(AriaRole.Link, new() { Name = "Escalations" }).First.ClickAsync();
        await page.WaitForURLAsync("**/sla/escalations");
        await ScreenshotAsync(page, "demo-escalations");
        foreach (var level in new[] { "Warning", "Breach", "Leadership" })
        {
            await page.Locator("#e-level").SelectOptionAsync(level);
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
            await page.WaitForURLAsync($"**/sla/escalations?level={level}*");
            Assert.True(await page.Locator($"tr[data-escalation] .level-{level.ToLowerInvariant()}").CountAsync() > 0, $"no {level} escalations");
            Assert.Equal(await page.Locator("tr[data-escalation]").CountAsync(), await page.Locator($"tr[data-escalation] .level-{level.ToLowerInvariant()}").CountAsync());
        }
        await Assertions.Expect(page.Locator("tr[data-escalation]").First).ToContainTextAsync("lead@voc.local");
        await page.GotoAsync("/sla/breached");
        Assert.True(await page.Locator("tr[data-id]").CountAsync() > 0, "nothing is breached now");
        await ScreenshotAsync(page, "demo-breached");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");

        // The CSM's queue has live work, some of it overdue, and the breached list shows it too.
        await SignInAsync(page, "csm@voc.local");
        await page.GetByRole(AriaRole.Link, new() { Name = "Coding queue" }).ClickAsync();
        await page.WaitForURLAsync("**/coding");
        Assert.True(await page.Locator("tr[data-id]").CountAsync() > 0, "the coding queue is empty");
        await Assertions.Expect(page.Locator("tr[data-id]").First).ToContainTextAsync("overdue by");
        await ScreenshotAsync(page, "demo-queue");
        await page.GotoAsync("/sla/breached");
        Assert.True(await page.Locator("tr[data-id]").CountAsync() > 0, "the CSM sees no breached items");
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");
    }

    /// <summary>Set VOC_BROWSER_SCREENSHOTS to a folder to keep full-page screenshots for a look by eye.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("VOC_BROWSER_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
