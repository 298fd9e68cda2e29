using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Workflows;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// An Admin in Chromium, in English and in Chinese: reads the workflow definitions with their diagrams, filters the instances
/// down to the faulted one, retries it, watches it reach its human task on the diagram, and cancels it.
/// </summary>
public sealed class WorkflowOperationsJourneyTests
{
    private sealed record Ui(string Locale, string Workflows, string Instances, string Workflow, string State, string Faulted, string Running,
        string Cancelled, string Apply, string Retry, string Reason, string Cancel, string HumanTask);

    private static readonly Ui English = new("en-GB", "Workflows", "Instances", "Workflow", "State", "Faulted", "Running",
        "Cancelled", "Apply filters", "Retry", "Reason (kept in the history)", "Cancel the instance", "Human task");

    private static readonly Ui Chinese = new("zh-CN", "工作流", "实例", "工作流", "状态", "出错", "进行中",
        "已取消", "应用筛选", "重试", "原因（记入历史）", "取消该实例", "人工任务");

    public static TheoryData<string> Languages => ["en", "zh-CN"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task An_Admin_finds_a_faulted_instance_retries_it_and_cancels_it(string language)
    {
        var ui = language == "en" ? English : Chinese;
        using var flows = new OpsTestFlows();
        using var app = new KestrelAppFactory(settings: flows.Settings())
        {
            TestServices = services => services.AddSingleton<IFlowActivity>(flows.Activity),
        };
        var baseUrl = app.Start();
        var adminEmail = $"ops-admin-{language}@example.test";
        await BrowserSession.CreateUserAsync(app, adminEmail, Roles.Admin, "Olu Ops", language);
        var faulty = await StartAsync(app, "ops-review:browser-faulty", true);
        await StartAsync(app, "ops-review:browser-fine", false);
        await PassesAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = ui.Locale, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await BrowserSession.SignInAsync(context, adminEmail);

        // The definitions, each with its diagram, from the Administration menu.
        await page.Locator("#admin-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui.Workflows, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/workflows");
        var review = page.Locator("#definition-ops-review");
        await Assertions.Expect(review.Locator("svg.wf-diagram")).ToBeVisibleAsync();
        await Assertions.Expect(review.Locator("svg.wf-diagram g[data-step='review']")).ToContainTextAsync(ui.HumanTask);
        await Assertions.Expect(page.Locator("#definition-attribution-sla svg.wf-diagram g[data-step='breach']")).ToBeVisibleAsync();
        await Assertions.Expect(review.Locator("a[data-state='Faulted'] .count")).ToHaveTextAsync("1");

        // The instances, filtered down to the faulted one.
        await page.Locator("#tab-instances").ClickAsync();
        await page.WaitForURLAsync("**/admin/workflows/instances");
        await page.GetByLabel(ui.Workflow, new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Ops review" });
        await page.GetByLabel(ui.State, new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = ui.Faulted });
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Apply, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("state=Faulted", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#instances tbody tr")).ToHaveCountAsync(1);
        await page.Locator($"tr[data-id='{faulty}'] a").First.ClickAsync();
        await page.WaitForURLAsync($"**/admin/workflows/instances/{faulty}");
        await Assertions.Expect(page.Locator("#instance-state")).ToHaveTextAsync(ui.Faulted);
        await Assertions.Expect(page.Locator("#last-error")).ToContainTextAsync(OpsTestFlows.FlakyActivity.FailureMessage);

        // Retry: it runs again and reaches its human task, which the diagram marks.
        flows.Activity.Healed = true;
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Retry, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#instance-state")).ToHaveTextAsync(ui.Running);
        await PassesAsync(app);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("svg.wf-diagram g.wf-current")).ToHaveAttributeAsync("data-step", "review");
        await Assertions.Expect(page.Locator("#tasks tbody tr")).ToHaveCountAsync(1);

        // Cancel it, with a reason the history keeps.
        await page.GetByLabel(ui.Reason, new() { Exact = true }).FillAsync("Release postponed");
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Cancel, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#instance-state")).ToHaveTextAsync(ui.Cancelled);
        await Assertions.Expect(page.Locator("#history tr[data-event='cancelled']")).ToContainTextAsync(adminEmail);
        await Assertions.Expect(page.Locator("#cancel-form")).ToHaveCountAsync(0);

        var stored = await app.WithDbAsync(db => db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == faulty));
        Assert.Equal(WorkflowInstanceStatus.Cancelled, stored.Status);
        Assert.Equal(WorkflowTaskStatus.Cancelled, (await app.WithDbAsync(db => db.WorkflowTasks.SingleAsync(t => t.InstanceId == faulty))).Status);
    }

    private static async Task<long> StartAsync(KestrelAppFactory app, string runKey, bool fail)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var started = await scope.ServiceProvider.GetRequiredService<FlowStarter>()
            .StartAsync(db, OpsTestFlows.ReviewFlow, runKey, null, 0, new System.Text.Json.Nodes.JsonObject { ["fail"] = fail }, "test", default);
        return started.InstanceId;
    }

    /// <summary>The dispatcher is off in browser tests; the test runs its passes until one finds nothing to do.</summary>
    private static async Task PassesAsync(KestrelAppFactory app)
    {
        var dispatcher = app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>();
        for (var i = 0; i < 10 && (await dispatcher.RunOnceAsync(default)).Total > 0; i++)
        {
        }
    }
}
