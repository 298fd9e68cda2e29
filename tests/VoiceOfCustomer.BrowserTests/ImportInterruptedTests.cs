using Microsoft.Playwright;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>A <c>voc import</c> that was killed mid-file: its job reads "Interrupted" with what to do, in both languages.</summary>
public sealed class ImportInterruptedTests
{
    private const string CsmEmail = "import-csm@example.test";

    [Fact]
    public async Task A_CSM_sees_an_import_whose_process_died_as_interrupted_and_told_to_import_the_file_again()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, CsmEmail, Roles.Csm, "Import CSM");
        // Running in the database, its last heartbeat ten minutes ago: what a kill -9 leaves behind.
        var now = DateTime.UtcNow;
        var jobId = await app.WithDbAsync(async db =>
        {
            var job = new ImportJob
            {
                Id = Guid.NewGuid(), FileName = "backlog.csv", ChannelKey = "support", Status = ImportJobStatus.Running, FileBytes = 1000, BytesRead = 400,
                RowsRead = 40, Imported = 40, CreatedAt = now.AddMinutes(-12), HeartbeatAt = now.AddMinutes(-10),
            };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync();
            return job.Id;
        });

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new() { BaseURL = baseUrl });
        var page = await BrowserSession.SignInAsync(context, CsmEmail);

        await page.GotoAsync("/import");
        var row = page.Locator("tr", new() { Has = page.Locator($"a[href='/import/{jobId}']") });
        await Assertions.Expect(row.Locator("td.status")).ToHaveTextAsync("Interrupted");
        await row.GetByRole(AriaRole.Link, new() { Name = "backlog.csv" }).ClickAsync();
        await page.WaitForURLAsync($"**/import/{jobId}");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Interrupted");
        await Assertions.Expect(page.Locator("#interrupted")).ToContainTextAsync("Import the same file again: the rows already stored are skipped.");

        await page.Locator("form[action='/language'] button[value=zh-CN]").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("已中断");
        await Assertions.Expect(page.Locator("#interrupted")).ToContainTextAsync("请再次导入同一文件，已存储的行会被跳过。");
        await BrowserSession.ScreenshotAsync(page, "import-interrupted-zh");
    }
}
