using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>A CSM's coding journey in Debian's Chromium: filter the queue, code an item, and meet a colleague's conflicting save.</summary>
public sealed class CodingJourneyTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Password = "Correct-horse-1";

    [Fact]
    public async Task A_csm_filters_the_queue_codes_an_item_and_sees_it_leave_the_queue()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var (supportId, surveyId) = await ArrangeAsync(app, "csm1@example.test");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "csm1@example.test");

        await page.GetByRole(AriaRole.Link, new() { Name = "Coding queue" }).ClickAsync();
        await page.WaitForURLAsync("**/coding");
        Assert.Equal(2, await page.Locator("tbody tr").CountAsync());

        await page.GetByLabel("Channel").SelectOptionAsync("support");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.WaitForURLAsync("**/coding?channel=support**");
        Assert.Equal(1, await page.Locator("tbody tr").CountAsync());
        await Assertions.Expect(page.Locator($"tr[data-id='{supportId}']")).ToBeVisibleAsync();

        await page.Locator($"tr[data-id='{supportId}'] a.verbatim-preview").ClickAsync();
        await page.WaitForURLAsync($"**/coding/{supportId}");
        await Assertions.Expect(page.Locator("#verbatim")).ToHaveTextAsync("The export times out every Monday");
        await Assertions.Expect(page.Locator("#suggested-codes")).ToContainTextAsync("No suggestions yet");

        await FillEveryLayerAsync(page, "Exports run on one thread.");
        await ScreenshotAsync(page, "coding-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();

        // After submitting, the next item with the soonest deadline opens, with a confirmation.
        await page.WaitForURLAsync($"**/coding/{surveyId}");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync($"Item #{supportId} submitted");

        await page.GotoAsync("/coding");
        await Assertions.Expect(page.Locator($"tr[data-id='{surveyId}']")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator($"tr[data-id='{supportId}']").CountAsync());
    }

    [Fact]
    public async Task Two_csms_code_the_same_item_and_the_second_sees_the_conflict()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var (itemId, _) = await ArrangeAsync(app, "first@example.test", "second@example.test");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var first = await SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "first@example.test");
        var second = await SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "second@example.test");
        await first.GotoAsync($"/coding/{itemId}");
        await second.GotoAsync($"/coding/{itemId}");

        await FillEveryLayerAsync(first, "The first CSM's reasoning");
        await first.GetByRole(AriaRole.Button, new() { Name = "Submit", Exact = true }).ClickAsync();
        await first.WaitForURLAsync(url => !url.EndsWith($"/coding/{itemId}", StringComparison.Ordinal));

        await FillEveryLayerAsync(second, "The second CSM's reasoning");
        // Ctrl+Enter submits from the keyboard.
        await second.Locator("#c-hypothesis").PressAsync("Control+Enter");
        var conflict = second.Locator("#conflict");
        await Assertions.Expect(conflict).ToBeVisibleAsync();
        await Assertions.Expect(conflict).ToContainTextAsync("Someone else saved this item (version 1)");
        await Assertions.Expect(conflict.Locator("[data-theirs='hypothesis']")).ToHaveTextAsync("The first CSM's reasoning");
        // The colleague submitted, so the item is read-only: the second CSM's values stay on the page beside theirs, and
        // re-opening (with a reason) is the way to apply them.
        await Assertions.Expect(second.Locator("#conflict-readonly")).ToBeVisibleAsync();
        await Assertions.Expect(conflict.Locator("tr:has([data-theirs='hypothesis']) td").Last).ToHaveTextAsync("The second CSM's reasoning");
        await Assertions.Expect(second.Locator("#r-reason")).ToBeVisibleAsync();
        await ScreenshotAsync(second, "coding-conflict");
    }

    /// <summary>Set VOC_BROWSER_SCREENSHOTS to a folder to keep full-page screenshots for a look by eye.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("VOC_BROWSER_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static async Task FillEveryLayerAsync(IPage page, string hypothesis)
    {
        await page.Locator("#c-metric").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.GetByLabel("Down").CheckAsync();
        await page.GetByLabel("Magnitude").FillAsync("15");
        await page.GetByLabel("Unit", new() { Exact = true }).FillAsync("%");
        await page.Locator("#c-gap").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#c-hypothesis").FillAsync(hypothesis);
        await page.Locator("#c-domain").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.GetByLabel("pain").CheckAsync();
        await page.GetByLabel("User", new() { Exact = true }).CheckAsync();
        await page.Locator(".tag-choice input").First.CheckAsync();
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    private static async Task<IPage> SignInAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        return page;
    }

    /// <summary>CSM users and two queued items: a support ticket due soonest, then a survey answer.</summary>
    private static async Task<(long Support, long Survey)> ArrangeAsync(KestrelAppFactory app, params string[] csmEmails)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var users = services.GetRequiredService<UserManager<AppUser>>();
        foreach (var email in csmEmails)
        {
            var user = new AppUser { UserName = email, Email = email, DisplayName = email.Split('@')[0] };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Csm)).Succeeded);
        }

        var db = services.GetRequiredService<VocDbContext>();
        var channels = await db.Channels.Where(c => c.Key == "support" || c.Key == "survey").ToDictionaryAsync(c => c.Key, c => c.Id);
        var customer = new Customer { Reference = "CRM-7", ReferenceNormalized = "CRM-7", Name = "Acme", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var now = DateTime.UtcNow;
        FeedbackItem Item(string channel, string verbatim, double hoursAgo) => new()
        {
            ChannelId = channels[channel],
            ExternalId = channel + "-1",
            CustomerId = customer.Id,
            Verbatim = verbatim,
            ReceivedAt = now.AddHours(-hoursAgo),
            IngestedAt = now,
            Language = "en",
            AttributionDueAt = now.AddHours(48 - hoursAgo),
        };
        var support = Item("support", "The export times out every Monday", 10);
        var survey = Item("survey", "I would love a dark mode", 2);
        db.FeedbackItems.AddRange(support, survey);
        await db.SaveChangesAsync();
        return (support.Id, survey.Id);
    }
}
