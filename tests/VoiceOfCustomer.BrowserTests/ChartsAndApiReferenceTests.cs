using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using Microsoft.EntityFrameworkCore;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>The charting library really draws (it is restored from npm at build time), and the API reference renders with nothing from a CDN.</summary>
public sealed class ChartsAndApiReferenceTests
{
    private const string LeadEmail = "charts-lead@example.test";

    [Fact]
    public async Task Leadership_sees_the_weekly_compliance_drawn_by_the_chart_library_in_both_languages()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, LeadEmail, Roles.Leadership, "Charts Lead");
        await ArrangeWeeksAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var offline = new List<string>();
        context.Request += (_, request) => { if (!request.Url.StartsWith(baseUrl, StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) offline.Add(request.Url); };
        var page = await BrowserSession.SignInAsync(context, LeadEmail);

        await page.GotoAsync("/sla");
        var canvas = page.Locator("canvas#compliance-chart");
        await Assertions.Expect(canvas).ToHaveAttributeAsync("data-chart-ready", "true");
        // Three weeks with concluded items, each a bar the library placed on the canvas.
        var bars = await page.EvaluateAsync<int>("() => document.getElementById('compliance-chart').chart.getDatasetMeta(0).data.filter(b => b.height > 0).length");
        Assert.Equal(3, bars);
        Assert.True(await canvas.EvaluateAsync<int>("c => c.width") > 100);
        await BrowserSession.ScreenshotAsync(page, "sla-chart");

        await page.Locator("form[action='/language'] button[value=zh-CN]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("canvas#compliance-chart")).ToHaveAttributeAsync("data-chart-ready", "true");
        Assert.Equal("每周 SLA 达成率", await page.Locator("canvas#compliance-chart").GetAttributeAsync("aria-label"));

        await page.GotoAsync("/api-docs");
        await Assertions.Expect(page.GetByText("/api/feedback").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await BrowserSession.ScreenshotAsync(page, "api-docs");
        Assert.Empty(offline);
    }

    private static async Task ArrangeWeeksAsync(KestrelAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.SingleAsync(c => c.Key == "support");
        var customer = new Customer { Reference = "CRM-CHART", ReferenceNormalized = "CRM-CHART", Name = "Chart Retail", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var monday = DateTime.UtcNow.Date.AddDays(-(((int)DateTime.UtcNow.DayOfWeek + 6) % 7));
        var n = 0;
        foreach (var weeksAgo in new[] { 1, 2, 3 })
        {
            for (var i = 0; i < 4; i++)
            {
                var received = monday.AddDays(-7 * weeksAgo + 1).AddHours(i);
                db.FeedbackItems.Add(new FeedbackItem
                {
                    ChannelId = channel.Id, ExternalId = $"CHART-{n++}", CustomerId = customer.Id, Verbatim = "Export is slow", Language = "en",
                    ReceivedAt = received, IngestedAt = received, AttributionDueAt = received.AddHours(48),
                    // One week in three has a breach, so the bars differ.
                    Status = FeedbackStatus.Attributed, SlaBreachedAt = weeksAgo == 2 && i < 2 ? received.AddHours(48) : null,
                });
            }
        }
        await db.SaveChangesAsync();
    }
}
