using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>Debian's Chromium under Playwright, launched the way this machine allows (no sandbox, no background networking).</summary>
public static class BrowserSession
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Password = "Correct-horse-1";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium package.");
        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A user in <paramref name="role"/> with <see cref="Password"/>; returns the user's id.</summary>
    public static async Task<string> CreateUserAsync(KestrelAppFactory app, string email, string role, string displayName, string? language = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, DisplayName = displayName, PreferredLanguage = language };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return user.Id;
    }

    /// <summary>Signs in through the form in a new page of <paramref name="context"/>.</summary>
    public static async Task<IPage> SignInAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        // Generous: on two cores a first request can wait for a build or a trainer; a real fault still fails.
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/account/login");
        await page.Locator("input[name=Email]").FillAsync(email);
        await page.Locator("input[name=Password]").FillAsync(Password);
        await page.Locator("form[action='/account/login'] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        return page;
    }

    /// <summary>A new customer and the id of the seeded <c>support</c> channel, for arranging feedback items.</summary>
    public static async Task<(int ChannelId, VoiceOfCustomer.Customers.Customer Customer)> AddSupportCustomerAsync(
        VoiceOfCustomer.Data.VocDbContext db, string reference, string name)
    {
        var channel = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Channels, c => c.Key == "support");
        var customer = new VoiceOfCustomer.Customers.Customer { Reference = reference, ReferenceNormalized = reference, Name = name, CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        return (channel.Id, customer);
    }

    /// <summary>Set VOC_BROWSER_SCREENSHOTS to a folder to keep full-page screenshots for a look by eye.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("VOC_BROWSER_SCREENSHOTS") is { Length: > 0 } folder)
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
