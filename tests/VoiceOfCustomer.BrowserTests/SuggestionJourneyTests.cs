using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>A CSM takes the suggested codes with one click each, completes the rest and submits.</summary>
public sealed class SuggestionJourneyTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task A_csm_accepts_a_suggested_gap_then_all_suggestions_and_submits()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var (itemId, gapId) = await ArrangeAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync("taker@example.test");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        await page.GotoAsync($"/coding/{itemId}");
        var gap = page.Locator("#sugg-capabilitygap");
        await Assertions.Expect(gap).ToContainTextAsync("Invoices cannot be issued per legal entity");
        await Assertions.Expect(gap).ToContainTextAsync("from the taxonomy (cold start)");
        await Assertions.Expect(page.Locator("#c-gap")).ToHaveValueAsync("");

        await gap.Locator(".suggestion-best button").ClickAsync();
        await Assertions.Expect(page.Locator("#c-gap")).ToHaveValueAsync(gapId.ToString());
        await Assertions.Expect(page.Locator("#c-gap")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#suggestion-status")).ToContainTextAsync("Accepted: Invoices cannot be issued per legal entity");

        await page.GetByRole(AriaRole.Button, new() { Name = "Accept all" }).ClickAsync();
        await Assertions.Expect(page.Locator("#c-metric")).Not.ToHaveValueAsync("");
        await Assertions.Expect(page.Locator("#c-domain")).Not.ToHaveValueAsync("");
        Assert.Equal(1, await page.Locator("input[name='ValueDimension']:checked").CountAsync());

        await page.GetByLabel("Down").CheckAsync();
        await page.GetByLabel("Magnitude").FillAsync("2");
        await page.GetByLabel("Unit", new() { Exact = true }).FillAsync("%");
        await page.Locator("#c-hypothesis").FillAsync("One invoice per customer, not per legal entity.");
        await page.GetByLabel("Buyer", new() { Exact = true }).CheckAsync();
        if (Environment.GetEnvironmentVariable("VOC_BROWSER_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "coding-suggestions.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.EndsWith($"/coding/{itemId}", StringComparison.Ordinal));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var records = await db.SuggestionRecords.AsNoTracking().Where(r => r.FeedbackItemId == itemId).ToListAsync();
        Assert.Equal(SuggestionOutcome.Accepted, records.Single(r => r.Field == SuggestionField.CapabilityGap).Outcome);
        Assert.Equal(SuggestionOutcome.Accepted, records.Single(r => r.Field == SuggestionField.OwningDomain).Outcome);
        Assert.Equal(SuggestionOutcome.Accepted, records.Single(r => r.Field == SuggestionField.BusinessMetric).Outcome);
    }

    /// <summary>A CSM, one item about invoices, and the cold-start model built from the seeded taxonomy.</summary>
    private static async Task<(long ItemId, int GapId)> ArrangeAsync(KestrelAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = "taker@example.test", Email = "taker@example.test", DisplayName = "Taker" };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Csm)).Succeeded);

        var db = services.GetRequiredService<VocDbContext>();
        var customer = new Customer { Reference = "CRM-9", ReferenceNormalized = "CRM-9", Name = "Invoices Inc", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var now = DateTime.UtcNow;
        var item = new FeedbackItem
        {
            ChannelId = await db.Channels.Where(c => c.Key == "support").Select(c => c.Id).SingleAsync(),
            ExternalId = "support-9",
            CustomerId = customer.Id,
            Verbatim = "Invoices cannot be issued per legal entity, billing is wrong and our renewal rate drops",
            ReceivedAt = now.AddHours(-1),
            IngestedAt = now,
            Language = "en",
            AttributionDueAt = now.AddHours(47),
        };
        db.FeedbackItems.Add(item);
        await db.SaveChangesAsync();
        Assert.NotNull(await services.GetRequiredService<SuggestionTrainer>().ColdStartIfNoModelAsync());
        var gapId = await db.CapabilityGaps.Where(g => g.Key == "invoice-per-legal-entity").Select(g => g.Id).SingleAsync();
        return (item.Id, gapId);
    }
}
