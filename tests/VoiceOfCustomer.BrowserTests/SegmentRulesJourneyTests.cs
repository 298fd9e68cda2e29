using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// An Admin in Chromium, in English and in Chinese: reads the segments' rules, previews a wider mid-market rule (who would
/// move in), saves it (and sees who moved), is refused a rule with an unknown operator naming its place, and adds, renames
/// and archives a behaviour metric.
/// </summary>
public sealed class SegmentRulesJourneyTests
{
    private const string Password = "Correct-horse-1";

    private sealed record Ui(string Locale, string SignIn, string Email, string PasswordLabel, string Segments, string EditRule, string Conditions,
        string Preview, string Save, string ReadRule, string WouldMove, string Moved, string MetricsPage, string Key, string Name, string ChineseName,
        string Unit, string Count, string AddMetric, string Added, string Archived);

    private static readonly Ui English = new("en-GB", "Sign in", "Email", "Password", "Segments", "Edit rule and policy", "Conditions (JSON)",
        "Preview", "Save", "ARR between 100,000 and 500,000", "1 customer(s) would move into Mid-market, 0 would leave it.", "1 customer(s) moved (1 into this segment, 0 out of it)",
        "Behaviour metrics", "Key", "Name", "Chinese name", "Unit", "Count", "Add metric", "was added", "Archived");

    private static readonly Ui Chinese = new("zh-CN", "登录", "邮箱", "密码", "客户分层", "编辑规则与策略", "条件（JSON）",
        "预览", "保存", "年度经常性收入介于 100,000 与 500,000 之间", "1 位客户将移入中型企业客户，0 位将移出。", "1 位客户被移动（1 位移入此客户分层，0 位移出）",
        "行为指标", "键", "名称", "中文名称", "单位", "计数", "添加指标", "已添加指标", "已归档");

    public static TheoryData<string> Languages => ["en", "zh-CN"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task An_Admin_previews_and_saves_a_segment_rule_and_manages_behaviour_metrics(string language)
    {
        var ui = language == "en" ? English : Chinese;
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var adminEmail = await ArrangeAsync(app, language);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = ui.Locale });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("/account/login");
        await page.GetByLabel(ui.Email, new() { Exact = true }).FillAsync(adminEmail);
        await page.GetByLabel(ui.PasswordLabel, new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = ui.SignIn, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");

        await page.Locator("#admin-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui.Segments, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/segments");
        var midMarket = page.Locator("tr[data-key='mid-market']");
        await Assertions.Expect(midMarket.Locator(".rule-conditions")).ToHaveTextAsync(ui.ReadRule);
        await Assertions.Expect(midMarket.Locator(".members")).ToHaveTextAsync("1");
        // No coordinate's JSON name on the page: every condition is read in the UI's language.
        await Assertions.Expect(page.Locator("#segments")).Not.ToContainTextAsync("coordinate");
        await Assertions.Expect(page.Locator("tr[data-key='efficiency-dependent'] .rule-conditions")).Not.ToContainTextAsync("metric:");

        // Widen mid-market down to 40k: the preview names who would come in, nothing is saved yet.
        await midMarket.GetByRole(AriaRole.Link, new() { Name = ui.EditRule }).ClickAsync();
        await page.WaitForURLAsync("**/admin/segments/mid-market/edit");
        await page.GetByLabel(ui.Conditions).FillAsync("""{"coordinate": "arr", "op": "between", "value": [40000, 500000]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Preview, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-counts")).ToHaveTextAsync(ui.WouldMove);
        await Assertions.Expect(page.Locator("#preview-in")).ToContainTextAsync("Tiny Shop");
        Assert.Equal("smb", await SegmentOfAsync(app, "TINY"));

        await page.GetByRole(AriaRole.Button, new() { Name = ui.Save, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/segments#segment-mid-market");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync(ui.Moved);
        await Assertions.Expect(midMarket.Locator(".members")).ToHaveTextAsync("2");
        Assert.Equal("mid-market", await SegmentOfAsync(app, "TINY"));

        // A rule with an unknown operator is refused, naming where it is; nothing moves.
        await page.GotoAsync("/admin/segments/mid-market/edit");
        await page.GetByLabel(ui.Conditions).FillAsync("""{"all": [{"coordinate": "arr", "op": "~", "value": 1}]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Save, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-errors")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#seg-when-error")).ToContainTextAsync("when.all[0].op");
        Assert.Equal("mid-market", await SegmentOfAsync(app, "TINY"));

        // Behaviour metrics: add one, rename and archive it.
        await page.Locator("#admin-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui.MetricsPage, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/behaviour-metrics");
        await Assertions.Expect(page.Locator("tr[data-key='nps']")).ToBeVisibleAsync();
        var form = page.Locator("#metric-form");
        await form.GetByLabel(ui.Key, new() { Exact = true }).FillAsync("store-visits");
        await form.GetByLabel(ui.Name, new() { Exact = true }).FillAsync("Store visits");
        await form.GetByLabel(ui.ChineseName, new() { Exact = true }).FillAsync("到店次数");
        await form.GetByLabel(ui.Unit, new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = ui.Count });
        await form.GetByRole(AriaRole.Button, new() { Name = ui.AddMetric }).ClickAsync();
        await page.WaitForURLAsync("**/admin/behaviour-metrics#metric-store-visits");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync(ui.Added);
        var row = page.Locator("tr[data-key='store-visits']");
        await Assertions.Expect(row).ToContainTextAsync(language == "en" ? "Store visits" : "到店次数");

        await row.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync("**/admin/behaviour-metrics/store-visits/edit");
        await page.Locator("#metric-edit-form").GetByLabel(ui.Name, new() { Exact = true }).FillAsync("Store visits a month");
        await page.Locator("#metric-archived").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Save, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/behaviour-metrics#metric-store-visits");
        await Assertions.Expect(row).ToContainTextAsync(ui.Archived);
        var stored = await app.WithDbAsync(db => db.BehaviourMetrics.SingleAsync(m => m.Key == "store-visits"));
        Assert.Equal(("Store visits a month", "到店次数", Behaviour.MetricUnit.Count, true), (stored.Name, stored.NameZh, stored.Unit, stored.IsArchived));
    }

    private static Task<string?> SegmentOfAsync(KestrelAppFactory app, string reference) =>
        app.WithDbAsync(db => db.Customers.Where(c => c.Reference == reference).Select(c => c.Segment == null ? null : c.Segment.Key).SingleAsync());

    /// <summary>An Admin in the test's language; Northwind (150k ARR) in mid-market and Tiny Shop (50k) in smb, by the rules.</summary>
    private static async Task<string> ArrangeAsync(KestrelAppFactory app, string language)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var email = $"segments-admin-{language}@example.test";
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var admin = new AppUser { UserName = email, Email = email, DisplayName = "Ada Admin", PreferredLanguage = language };
        Assert.True((await users.CreateAsync(admin, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(admin, Roles.Admin)).Succeeded);
        var db = services.GetRequiredService<VocDbContext>();
        db.Customers.AddRange(
            new Customer { Reference = "NORTH", ReferenceNormalized = "NORTH", Name = "Northwind", LifecycleStage = LifecycleStage.Active, AnnualRecurringRevenue = 150_000m, CreatedAt = DateTime.UtcNow },
            new Customer { Reference = "TINY", ReferenceNormalized = "TINY", Name = "Tiny Shop", LifecycleStage = LifecycleStage.Active, AnnualRecurringRevenue = 50_000m, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        await services.GetRequiredService<SegmentRuleEvaluator>().EvaluateAllAsync();
        return email;
    }
}
