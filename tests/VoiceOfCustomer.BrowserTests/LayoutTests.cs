using Microsoft.Playwright;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>Layout faults a new user saw: the header wrapping at 1366 px, the import form's mapping box beside its label.</summary>
public sealed class LayoutTests
{
    private const string AdminEmail = "layout-admin@example.test";

    [Fact]
    public async Task The_admin_header_is_one_line_at_1366_px_in_both_languages_and_its_menu_works_from_the_keyboard()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, AdminEmail, Roles.Admin, "Layout Admin With A Long Name");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 800 } });
        var page = await BrowserSession.SignInAsync(context, AdminEmail);

        foreach (var language in new[] { "en", "zh-CN" })
        {
            await page.Locator($"form[action='/language'] button[value={language}]").ClickAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            var brand = await page.Locator(".brand").BoundingBoxAsync();
            var languageSwitch = await page.Locator(".language-switch").BoundingBoxAsync();
            var signOut = await page.Locator("form[action='/account/logout']").BoundingBoxAsync();
            // One line: the language switch and the sign-out button sit level with the brand, not on a second row.
            Assert.True(Math.Abs(languageSwitch!.Y + languageSwitch.Height / 2 - (brand!.Y + brand.Height / 2)) < 12, $"{language}: language switch at y={languageSwitch.Y}, brand at y={brand.Y}");
            Assert.True(Math.Abs(signOut!.Y + signOut.Height / 2 - (brand.Y + brand.Height / 2)) < 12, $"{language}: sign-out at y={signOut.Y}");
            await BrowserSession.ScreenshotAsync(page, "header-" + language);
        }

        // The Admin's pages are behind one menu: Enter opens it, Escape closes it and focus returns to it.
        var users = page.Locator("#admin-menu a[href='/admin/users']");
        await Assertions.Expect(users).Not.ToBeVisibleAsync();
        await page.Locator("#admin-menu summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(users).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(users).Not.ToBeVisibleAsync();
        Assert.True(await page.Locator("#admin-menu summary").EvaluateAsync<bool>("s => s === document.activeElement"));
        await page.Locator("#admin-menu summary").ClickAsync();
        await page.Locator("#admin-menu a[href='/admin/outbox']").ClickAsync();
        await page.WaitForURLAsync("**/admin/outbox");
        await Assertions.Expect(page.Locator("#admin-menu")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("current"));
    }

    [Fact]
    public async Task The_import_form_puts_each_field_under_its_label_and_keeps_clear_of_the_list_below()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, AdminEmail, Roles.Admin, "Layout Admin");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await BrowserSession.SignInAsync(context, AdminEmail);
        await page.GotoAsync("/import");

        var label = await page.Locator("label[for=mapping]").BoundingBoxAsync();
        var mapping = await page.Locator("#mapping").BoundingBoxAsync();
        Assert.True(mapping!.Y >= label!.Y + label.Height - 1, $"The mapping box (y={mapping.Y}) is not under its label (bottom {label.Y + label.Height}).");
        var button = await page.Locator("form[action='/import'] button[type=submit]").BoundingBoxAsync();
        var recent = await page.GetByRole(AriaRole.Heading, new() { Name = "Recent imports" }).BoundingBoxAsync();
        Assert.True(recent!.Y - (button!.Y + button.Height) >= 16, $"\"Recent imports\" starts {recent.Y - (button.Y + button.Height)} px under the button.");
        await BrowserSession.ScreenshotAsync(page, "import");
    }
}
