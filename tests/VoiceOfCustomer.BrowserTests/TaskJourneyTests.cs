using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Email;
using VoiceOfCustomer.IntegrationTests.Tasks;
using VoiceOfCustomer.IntegrationTests.Workflows.Flows;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// A release review asks two PMs and an outside reviewer. The PMs answer from My tasks, one in English and one in Chinese;
/// the reviewer, who has no account, answers through the link in the mail that maildev received, and sees nothing else.
/// </summary>
public sealed class TaskJourneyTests
{
    [Fact]
    public async Task Two_PMs_answer_from_My_tasks_one_in_English_and_one_in_Chinese()
    {
        var reviewer = MailDev.UniqueRecipient("reviewer");
        var folder = FlowTestDefinitions.Folder(("release-review.json", TaskDefinitions.Review(reviewer)));
        try
        {
            using var app = new KestrelAppFactory(settings: new Dictionary<string, string?> { ["Workflows:Directory"] = folder.FullName });
            var baseUrl = app.Start();
            await BrowserSession.CreateUserAsync(app, "tasks-pm@example.test", Roles.ProductManager, "Pat PM");
            await BrowserSession.CreateUserAsync(app, "tasks-pm-zh@example.test", Roles.ProductManager, "王芳", language: "zh-CN");
            var instance = await StartReviewAsync(app, "browser:my-tasks", tasks: 3);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await BrowserSession.LaunchAsync(playwright);

            // English: from the navigation to the list, the task, the answer, and back to an empty list.
            var english = await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "tasks-pm@example.test");
            await english.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
            await english.WaitForURLAsync("**/tasks");
            var row = english.Locator("#my-tasks tbody tr");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("Release 5 review");
            await english.GetByRole(AriaRole.Link, new() { Name = "Review release 5" }).ClickAsync();
            await Assertions.Expect(english.GetByRole(AriaRole.Heading, new() { Name = "Review release 5", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(english.Locator("#task-instructions")).ToHaveTextAsync("Try the new export and tell us whether it solves your problem.");
            await english.GetByLabel("Approve", new() { Exact = true }).CheckAsync();
            await english.GetByLabel("Comment (optional)").FillAsync("The export is fast enough now.");
            await BrowserSession.ScreenshotAsync(english, "task-en");
            await english.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
            await english.WaitForURLAsync("**/tasks");
            await Assertions.Expect(english.Locator("#flash")).ToHaveTextAsync("Your answer to \"Review release 5\" was saved: Approve.");
            await Assertions.Expect(english.Locator("#tasks-empty")).ToBeVisibleAsync();

            // Chinese, from a user whose saved language is Chinese: every label of the form is Chinese, the outcomes too.
            var chinese = await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), "tasks-pm-zh@example.test");
            await chinese.GetByRole(AriaRole.Link, new() { Name = "我的任务" }).ClickAsync();
            await chinese.WaitForURLAsync("**/tasks");
            await Assertions.Expect(chinese.Locator("#tasks-caption")).ToContainTextAsync("待答复任务");
            await chinese.GetByRole(AriaRole.Link, new() { Name = "评审版本 5" }).ClickAsync();
            await Assertions.Expect(chinese.Locator("#task-instructions")).ToHaveTextAsync("试用新的导出功能，告诉我们它是否解决了您的问题。");
            await Assertions.Expect(chinese.Locator("#task-outcomes legend")).ToHaveTextAsync("您的答复");
            await chinese.GetByLabel("反对", new() { Exact = true }).CheckAsync();
            await chinese.GetByLabel("备注（可选）").FillAsync("导出仍然太慢。");
            await BrowserSession.ScreenshotAsync(chinese, "task-zh");
            await chinese.GetByRole(AriaRole.Button, new() { Name = "提交答复" }).ClickAsync();
            await chinese.WaitForURLAsync("**/tasks");
            await Assertions.Expect(chinese.Locator("#flash")).ToHaveTextAsync("您对“评审版本 5”的答复已保存：反对。");
            await Assertions.Expect(chinese.Locator("#tasks-empty h2")).ToHaveTextAsync("没有等待您答复的任务");

            var answers = await app.WithDbAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == instance && t.AssigneeUserId != null)
                .OrderBy(t => t.AssigneeEmail).Select(t => new { t.AssigneeEmail, t.Status, t.Outcome, t.Comment }).ToListAsync());
            Assert.Equal(
                [("tasks-pm-zh@example.test", WorkflowTaskStatus.Completed, "object", "导出仍然太慢。"), ("tasks-pm@example.test", WorkflowTaskStatus.Completed, "approve", "The export is fast enough now.")],
                answers.Select(a => (a.AssigneeEmail, a.Status, a.Outcome, a.Comment)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_outside_reviewer_answers_through_the_link_in_the_mail_and_sees_nothing_else()
    {
        using var mail = MailDev.FromEnvironment();
        var reviewer = MailDev.UniqueRecipient("reviewer");
        var folder = FlowTestDefinitions.Folder(("release-review.json", TaskDefinitions.Review(reviewer)));
        try
        {
            using var app = new KestrelAppFactory(settings: new Dictionary<string, string?>
            {
                ["Workflows:Directory"] = folder.FullName,
                // A Chinese organisation: someone without an account gets the mail, and the link's page, in Chinese.
                ["Email:DefaultLanguage"] = "zh-CN",
                ["Email:Outbox:Enabled"] = "true",
                ["Email:Outbox:PollInterval"] = "00:00:00.200",
                ["Email:Smtp:Host"] = "127.0.0.1",
                ["Email:Smtp:Port"] = MailDev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            var baseUrl = app.Start();
            await BrowserSession.CreateUserAsync(app, "link-pm@example.test", Roles.ProductManager, "Pat PM");
            var instance = await StartReviewAsync(app, "browser:link", tasks: 2);

            var message = (await mail.WaitForAsync(reviewer, timeout: TimeSpan.FromSeconds(30))).Single();
            Assert.Equal("需要您的答复：评审版本 5", message.Subject);
            var link = System.Text.RegularExpressions.Regex.Match(message.Text ?? "", @"https?://[^/\s]+(/task-link/[^\s""<]+)");
            Assert.True(link.Success, "The mail has no task link: " + message.Text);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await BrowserSession.LaunchAsync(playwright);
            // A fresh browser: no account, no cookie, an English browser; the task's language decides.
            var page = await (await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "en-GB" })).NewPageAsync();
            page.SetDefaultTimeout(30_000);
            await page.GotoAsync(link.Groups[1].Value);
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "评审版本 5", Level = 1 })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#task-workflow")).ToHaveTextAsync("Release 5 review");
            // The task and nothing else: no navigation, no link out of the page.
            await Assertions.Expect(page.GetByRole(AriaRole.Navigation)).ToHaveCountAsync(0);
            Assert.Equal(["#main"], await page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
            await BrowserSession.ScreenshotAsync(page, "task-link-zh");

            await page.GetByLabel("批准", new() { Exact = true }).CheckAsync();
            await page.GetByLabel("备注（可选）").FillAsync("我们门店可以用了。");
            await page.GetByRole(AriaRole.Button, new() { Name = "提交答复" }).ClickAsync();
            await Assertions.Expect(page.Locator("#task-answered")).ToContainTextAsync("谢谢！您的答复已保存。");
            await Assertions.Expect(page.Locator("#task-answered")).ToContainTextAsync("您的答复：批准。");

            var answered = await app.WithDbAsync(db => db.WorkflowTasks.SingleAsync(t => t.InstanceId == instance && t.AssigneeEmail == reviewer));
            Assert.Equal((WorkflowTaskStatus.Completed, "approve", "我们门店可以用了。", "link:" + reviewer), (answered.Status, answered.Outcome, answered.Comment, answered.CompletedBy));

            // The link is used up: opening it again says so, and in English once the reviewer switches.
            var again = await page.GotoAsync(link.Groups[1].Value);
            Assert.Equal(410, again!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("此任务已经答复过了");
            await page.Locator("form[action='/language'] button[value=en]").ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("This task was answered already");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Starts a review and runs the dispatcher once, which creates the tasks and queues their mails.</summary>
    private static async Task<long> StartReviewAsync(KestrelAppFactory app, string runKey, int tasks)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var started = await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(db, "release-review", runKey, null, 0, null, "browser-test", CancellationToken.None);
        await app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(tasks, await db.WorkflowTasks.CountAsync(t => t.InstanceId == started.InstanceId && t.Status == WorkflowTaskStatus.Open));
        return started.InstanceId;
    }
}
