using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>A CSM opens the customer list, sorts it by predicted CLV, filters it by segment and opens a customer: in English and in Chinese.</summary>
public sealed class CustomerJourneyTests
{
    private const string CsmEmail = "customers-csm@example.test";

    private sealed record Words(string Locale, string Nav, string Heading, string Segment, string Apply, string StageWhy, string Tier, string Model);

    private static readonly Words English = new("en-GB", "Customers", "Customers", "Enterprise", "Apply filters",
        "No activity since 4 May 2026 10:00.", "Top tier", "Repeat purchases (BG/NBD + Gamma-Gamma)");

    private static readonly Words Chinese = new("zh-CN", "客户", "客户", "大型企业客户", "应用筛选",
        "自 2026年5月4日 10:00 起没有任何活动。", "头部客户", "重复购买（BG/NBD + Gamma-Gamma）");

    [Fact]
    public async Task A_CSM_sorts_by_CLV_filters_by_segment_and_opens_a_customer_in_both_languages()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, CsmEmail, Roles.Csm, "Casey CSM");
        await ArrangeAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        foreach (var words in new[] { English, Chinese })
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = words.Locale, ViewportSize = new() { Width = 1366, Height = 900 } });
            var page = await BrowserSession.SignInAsync(context, CsmEmail);
            await JourneyAsync(page, words);
        }
    }

    private static async Task JourneyAsync(IPage page, Words words)
    {
        await page.Locator(".main-nav").GetByRole(AriaRole.Link, new() { Name = words.Nav, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/customers");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Heading, Level = 1 })).ToBeVisibleAsync();
        // The most valuable first by default; the unscored customer last.
        Assert.Equal(["E-3", "S-2", "E-2", "S-1", "E-1", "U-1"], await ReferencesAsync(page));

        // The CLV header turns the order round, and back.
        await page.Locator("#sort-clv").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/customers?sort=clv&dir=asc", StringComparison.Ordinal));
        Assert.Equal(["E-1", "S-1", "E-2", "S-2", "E-3", "U-1"], await ReferencesAsync(page));
        await Assertions.Expect(page.Locator("th[aria-sort=ascending] #sort-clv")).ToBeVisibleAsync();
        await page.Locator("#sort-clv").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/customers?sort=clv&dir=desc", StringComparison.Ordinal));
        Assert.Equal("E-3", (await ReferencesAsync(page))[0]);

        // The segment filter keeps the sort.
        await page.Locator("#c-segment").SelectOptionAsync(new SelectOptionValue { Label = words.Segment });
        await page.GetByRole(AriaRole.Button, new() { Name = words.Apply }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("segment=enterprise", StringComparison.Ordinal));
        Assert.Equal(["E-3", "E-2", "E-1"], await ReferencesAsync(page));
        await BrowserSession.ScreenshotAsync(page, "customers-" + words.Locale);

        // The customer's page: the three coordinates and why, and its behaviour drawn by Chart.js.
        await page.Locator("tr[data-reference='E-3'] th a").ClickAsync();
        await page.WaitForURLAsync("**/customers/E-3");
        await Assertions.Expect(page.Locator("#customer-name")).ToHaveTextAsync("Example Three");
        await Assertions.Expect(page.Locator("#stage-why")).ToContainTextAsync(words.StageWhy);
        await Assertions.Expect(page.Locator("#value-tier")).ToHaveTextAsync(words.Tier);
        await Assertions.Expect(page.Locator("#value-model")).ToContainTextAsync(words.Model);
        await Assertions.Expect(page.Locator("#header-segment")).ToContainTextAsync(words.Segment);
        await Assertions.Expect(page.Locator("canvas#behaviour-journey-adoption")).ToHaveAttributeAsync("data-chart-ready", "true");
        await BrowserSession.ScreenshotAsync(page, "customer-" + words.Locale);
    }

    private static async Task<List<string>> ReferencesAsync(IPage page) =>
        [.. (await page.Locator("#customers tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.reference)"))];

    private static async Task ArrangeAsync(KestrelAppFactory app) => await app.WithDbAsync(async db =>
    {
        var enterprise = await db.Segments.SingleAsync(s => s.Key == "enterprise");
        var smb = await db.Segments.SingleAsync(s => s.Key == "smb");
        var lastActivity = new DateTime(2026, 5, 4, 10, 0, 0, DateTimeKind.Utc);
        Customer Make(string reference, string name, Segments.Segment segment, decimal? clv) => new()
        {
            Reference = reference, ReferenceNormalized = Customer.Normalize(reference), Name = name, SegmentId = segment.Id,
            LifecycleStage = LifecycleStage.ChurnRisk, StageReason = "inactive", LastActivityAt = lastActivity, LifetimeValue = clv,
            ProbabilityAlive = clv is null ? null : 0.5, ValueTier = clv > 250_000m ? ValueTier.Top : ValueTier.Rest,
            ValueModel = clv is null ? null : ValueModel.Purchases, ValueScoredAt = clv is null ? null : lastActivity, CreatedAt = DateTime.UtcNow,
        };
        db.Customers.AddRange(
            Make("E-1", "Example One", enterprise, 100_000m), Make("E-2", "Example Two", enterprise, 200_000m), Make("E-3", "Example Three", enterprise, 300_000m),
            Make("S-1", "Small One", smb, 150_000m), Make("S-2", "Small Two", smb, 250_000m), Make("U-1", "Unscored", smb, null));
        var metric = new BehaviourMetric { Key = "journey-adoption", Name = "Feature adoption", NameZh = "功能采用率", Unit = MetricUnit.Percent };
        db.BehaviourMetrics.Add(metric);
        await db.SaveChangesAsync();
        var customer = await db.Customers.SingleAsync(c => c.Reference == "E-3");
        for (var month = 1; month <= 4; month++)
            db.BehaviourMeasurements.Add(new BehaviourMeasurement
            {
                MetricId = metric.Id, CustomerId = customer.Id, Period = $"2026-{month:00}", PeriodStart = new DateOnly(2026, month, 1), PeriodMonths = 1,
                Value = 50 + month * 5, RecordedAt = DateTime.UtcNow,
            });
        return await db.SaveChangesAsync();
    });
}
