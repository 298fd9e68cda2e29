using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>Debian's Chromium, driven by Playwright, against the app on Kestrel: the path a person takes.</summary>
public sealed class SignInAndBrowseTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Email = "csm@example.test";
    private const string Password = "Correct-horse-1";
    private const string Verbatim = "<script>alert('x')</script> 导出太慢了\n  second line";

    [Fact]
    public async Task A_user_signs_in_sees_the_list_and_opens_an_item()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");

        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var itemId = await ArrangeAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { BaseURL = baseUrl });
        page.SetDefaultTimeout(15_000);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        // Anonymous: the list sends us to the sign-in form.
        await page.GotoAsync("/feedback");
        Assert.Contains("/account/login", page.Url);

        // A wrong password first: the form says so and stays.
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Wrong-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The email or password is incorrect.");

        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");

        // The list: header shows who we are, navigation fits the role, the item is there.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Feedback", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".role-badge")).ToHaveTextAsync("CSM");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Import" })).ToBeVisibleAsync();
        Assert.Equal(1, await page.Locator("tbody tr").CountAsync());
        await ScreenshotAsync(page, "list");

        // Open it: the verbatim is text, exactly as received, in its language.
        await page.Locator($"tr[data-id='{itemId}'] a.verbatim-preview").ClickAsync();
        await page.WaitForURLAsync($"**/feedback/{itemId}");
        var verbatim = page.Locator("#verbatim");
        Assert.Equal(Verbatim, await verbatim.TextContentAsync());
        Assert.Equal("zh", await verbatim.GetAttributeAsync("lang"));
        await Assertions.Expect(page.Locator("#not-coded")).ToBeVisibleAsync();
        Assert.Equal(0, dialogs);
        await ScreenshotAsync(page, "detail");

        // Sign out through the header form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");
    }

    /// <summary>Set VOC_BROWSER_SCREENSHOTS to a folder to keep full-page screenshots for a look by eye.</summary>
    private static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("VOC_BROWSER_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static async Task<long> ArrangeAsync(KestrelAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        // Start-up already created the roles and loaded the reference data (channels) from seed/.
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = Email, Email = Email, DisplayName = "Browser CSM" };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Csm)).Succeeded);

        var db = services.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.SingleAsync(c => c.Key == "support");
        var customer = new Customer { Reference = "CRM-1", ReferenceNormalized = "CRM-1", Name = "Acme", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var item = new FeedbackItem
        {
            ChannelId = channel.Id,
            ExternalId = "T-1",
            CustomerId = customer.Id,
            Verbatim = Verbatim,
            ReceivedAt = DateTime.UtcNow.AddHours(-1),
            IngestedAt = DateTime.UtcNow,
            Language = "zh",
        };
        db.FeedbackItems.Add(item);
        await db.SaveChangesAsync();
        return item.Id;
    }
}
