using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>A browser set to Simplified Chinese gets the Chinese UI, and the header switch goes back to English.</summary>
public sealed class ChineseInterfaceTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string Email = "zh-csm@example.test";
    private const string Password = "Correct-horse-1";
    private const string Verbatim = "补货提醒总是晚一天。";

    [Fact]
    public async Task A_Chinese_browser_gets_the_Chinese_interface_and_can_switch_to_English()
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
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("/account/login");
        Assert.Equal("zh-CN", await page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync(Email);
        await page.GetByLabel("密码", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" });
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "反馈", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = "导入", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "反馈", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出登录" })).ToBeVisibleAsync();

        await page.Locator($"tr[data-id='{itemId}'] a.verbatim-preview").ClickAsync();
        await page.WaitForURLAsync($"**/feedback/{itemId}");
        Assert.Equal(Verbatim, await page.Locator("#verbatim").TextContentAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "原话" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".facts dd").First).ToContainTextAsync("客服工单"); // the channel's Chinese name

        // The switch saves English for this user and comes back to the same page.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await page.WaitForURLAsync($"**/feedback/{itemId}");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verbatim" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    private static async Task<long> ArrangeAsync(KestrelAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        var users = services.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = Email, Email = Email, DisplayName = "王芳" };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Csm)).Succeeded);

        var db = services.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.SingleAsync(c => c.Key == "support");
        var customer = new Customer { Reference = "CRM-ZH", ReferenceNormalized = "CRM-ZH", Name = "华南物流", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var item = new FeedbackItem
        {
            ChannelId = channel.Id,
            ExternalId = "T-ZH-1",
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
