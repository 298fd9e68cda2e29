using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>An Admin imports a customers CSV on /import: picks the kind, watches it finish, reads the rejected row; in English and in Chinese.</summary>
public sealed class CustomerImportJourneyTests
{
    private const string AdminEmail = "customers-admin@example.test";

    [Fact]
    public async Task An_Admin_imports_a_customers_csv_and_reads_the_rejected_row_in_both_languages()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, AdminEmail, Roles.Admin, "Customers Admin");
        var folder = Directory.CreateTempSubdirectory("voc-browser-customers-");
        var file = Path.Combine(folder.FullName, "customers.csv");
        await File.WriteAllTextAsync(file, "reference,name,plan,annualRecurringRevenue\nACME-1,Acme,enterprise,2400000\nBETA-2,Beta,gold,1000\n");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var page = await BrowserSession.SignInAsync(context, AdminEmail);
        try
        {
            await page.GotoAsync("/import");
            await page.GetByLabel("What the file holds").SelectOptionAsync("customers");
            await page.Locator("#file").SetInputFilesAsync(file);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
            await page.WaitForURLAsync("**/import/*");
            await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Succeeded", new() { Timeout = 30_000 });
            // The page reloads itself once the import finished (import-status.js); a reload of our own would race it.
            await Assertions.Expect(page.Locator("#imported")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
            await page.WaitForLoadStateAsync(LoadState.Load);
            await Assertions.Expect(page.Locator("table.rejections")).ToContainTextAsync("plan");
            await Assertions.Expect(page.Locator("section.import-status")).ToContainTextAsync("Customers");
            Assert.Equal(["ACME-1"], await app.WithDbAsync(db => db.Customers.Select(c => c.Reference).ToListAsync()));

            await page.Locator("form[action='/language'] button[value=zh-CN]").ClickAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
            await Assertions.Expect(page.Locator("section.import-status")).ToContainTextAsync("客户");
            await page.GotoAsync("/import");
            await Assertions.Expect(page.GetByLabel("文件内容")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#kind option[value=transactions]")).ToHaveTextAsync("购买记录");
            await BrowserSession.ScreenshotAsync(page, "import-customers-zh");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
