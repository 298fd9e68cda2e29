using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// Under the app's Content-Security-Policy (enforced by Chromium; Playwright does not bypass it) no page of any role
/// has anything refused: every <c>securitypolicyviolation</c> event and every console message of a refusal fails the
/// test. The scripts that do work on those pages (charts, the import poll, the header menu, the API reference) are
/// checked to have run.
/// </summary>
public sealed class ContentSecurityPolicyTests
{
    private const string AdminEmail = "csp-admin@example.test";
    private const string CsmEmail = "csp-csm@example.test";
    private const string PmEmail = "csp-pm@example.test";
    private const string LeadEmail = "csp-lead@example.test";

    /// <summary>Records what the policy refused, before any script of the page runs (Playwright's init scripts are not subject to the page's policy).</summary>
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e =>
            window.__cspViolations.push(`${e.violatedDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile || location.pathname}:${e.lineNumber}`));
        """;

    [Fact]
    public async Task No_page_of_any_role_has_anything_refused_by_the_policy()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var (itemId, importId) = await ArrangeAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var refused = new List<string>();

        async Task<IPage> SignInAsync(string email)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
            await context.AddInitScriptAsync(ViolationRecorder);
            context.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                    refused.Add($"console on {message.Page?.Url}: {message.Text}");
            };
            return email.Length == 0 ? await context.NewPageAsync() : await BrowserSession.SignInAsync(context, email);
        }

        async Task VisitAsync(IPage page, string path, Func<IPage, Task>? check = null)
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            if (check is not null)
                await check(page);
            refused.AddRange((await page.EvaluateAsync<string[]>("() => window.__cspViolations"))
                .Where(v => !IsScalarEvalProbe(v)).Select(v => $"{path}: {v}"));
        }

        var anonymous = await SignInAsync("");
        anonymous.SetDefaultTimeout(30_000);
        await VisitAsync(anonymous, "/account/login");
        await VisitAsync(anonymous, "/no-such-page");
        await VisitAsync(anonymous, "/account/set-password?user=nobody&token=guess");

        var admin = await SignInAsync(AdminEmail);
        foreach (var path in new[]
        {
            "/feedback", $"/feedback/{itemId}", "/coding", "/import", "/taxonomy", "/taxonomy/metrics", "/taxonomy/gaps",
            "/sla/breached", "/sla/escalations", "/sla/calendars", "/sla/calendars/cn-business", "/admin/users", "/admin/segments",
            "/admin/outbox", "/admin/workflows", "/admin/workflows/instances", "/account/settings",
        })
            await VisitAsync(admin, path);
        await VisitAsync(admin, $"/coding/{itemId}", page => Assertions.Expect(page.Locator("#coding-form")).ToBeVisibleAsync());
        await VisitAsync(admin, "/admin/suggestions");
        await VisitAsync(admin, "/sla", ChartDrawnAsync);
        // The header menu is opened and closed by site.js (Escape closes it).
        await admin.Locator("#admin-menu summary").ClickAsync();
        await admin.Keyboard.PressAsync("Escape");
        await Assertions.Expect(admin.Locator("#admin-menu")).Not.ToHaveAttributeAsync("open", "");
        // The import page's poll (js/import-status.js, an inline script before) shows what the import worker wrote.
        await VisitAsync(admin, $"/import/{importId}", async page =>
        {
            await app.WithDbAsync(db => db.ImportJobs.Where(j => j.Id == importId).ExecuteUpdateAsync(s => s.SetProperty(j => j.RowsRead, 4242)));
            await Assertions.Expect(page.Locator("#rowsRead")).ToHaveTextAsync("4,242", new() { Timeout = 15_000 });
        });
        await VisitAsync(admin, "/api-docs", page => Assertions.Expect(page.GetByText("/api/feedback").First).ToBeVisibleAsync(new() { Timeout = 30_000 }));

        var csm = await SignInAsync(CsmEmail);
        foreach (var path in new[] { "/feedback", $"/feedback/{itemId}", "/coding", $"/coding/{itemId}", "/import", "/account/settings" })
            await VisitAsync(csm, path);

        var pm = await SignInAsync(PmEmail);
        foreach (var path in new[] { "/feedback", "/taxonomy", "/taxonomy/gaps", "/sla/breached" })
            await VisitAsync(pm, path);

        var lead = await SignInAsync(LeadEmail);
        await VisitAsync(lead, "/feedback");
        await VisitAsync(lead, "/sla/escalations");
        await VisitAsync(lead, "/sla", ChartDrawnAsync);
        // In Chinese too: the language switch posts a form and the chart is drawn again.
        await lead.Locator("form[action='/language'] button[value=zh-CN]").ClickAsync();
        await Assertions.Expect(lead.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await VisitAsync(lead, "/sla", ChartDrawnAsync);

        Assert.True(refused.Count == 0, "The policy refused:\n" + string.Join("\n", refused.Distinct()));
    }

    /// <summary>The sign-in rate limit's refusal is a page of its own, in the UI's language, and the policy refuses nothing on it.</summary>
    [Fact]
    public async Task A_refused_sign_in_attempt_shows_the_wait_in_Chinese()
    {
        using var app = new KestrelAppFactory(settings: new Dictionary<string, string?> { ["SignInRateLimit:PermitLimit"] = "2" });
        var baseUrl = app.Start();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = "zh-CN" });
        await context.AddInitScriptAsync(ViolationRecorder);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await page.GotoAsync("/account/login");
            await page.GetByLabel("邮箱", new() { Exact = true }).FillAsync($"someone-{attempt}@example.test");
            await page.GetByLabel("密码", new() { Exact = true }).FillAsync("Whatever-1");
            var response = await page.RunAndWaitForResponseAsync(
                () => page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync(),
                r => r.Request.Method == "POST" && r.Url.EndsWith("/account/login", StringComparison.Ordinal));
            if (attempt <= 2)
                await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("邮箱或密码不正确。");
            else
                Assert.Equal(429, response.Status);
        }
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "尝试次数过多" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#retry-after")).ToContainTextAsync("分钟后可以再试");
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__cspViolations"));
    }

    /// <summary>
    /// Scalar's bundle (its schema library, zod) tries <c>Function("")</c> once, in a try/catch, to learn whether it may
    /// compile validators; refused, it validates without compiling. That probe is the one refusal we accept rather than
    /// grant <c>'unsafe-eval'</c> (see docs/decisions/0006-content-security-policy.md).
    /// </summary>
    private static bool IsScalarEvalProbe(string violation) =>
        violation.StartsWith("script-src refused eval at ", StringComparison.Ordinal) && violation.Contains("/api-docs/scalar.js:", StringComparison.Ordinal);

    private static async Task ChartDrawnAsync(IPage page) =>
        await Assertions.Expect(page.Locator("canvas#compliance-chart")).ToHaveAttributeAsync("data-chart-ready", "true");

    private static async Task<(long ItemId, Guid ImportId)> ArrangeAsync(KestrelAppFactory app)
    {
        await BrowserSession.CreateUserAsync(app, AdminEmail, Roles.Admin, "CSP Admin");
        await BrowserSession.CreateUserAsync(app, CsmEmail, Roles.Csm, "CSP CSM");
        await BrowserSession.CreateUserAsync(app, PmEmail, Roles.ProductManager, "CSP PM");
        await BrowserSession.CreateUserAsync(app, LeadEmail, Roles.Leadership, "CSP Lead");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var (channelId, customer) = await BrowserSession.AddSupportCustomerAsync(db, "CRM-CSP", "Policy Retail");
        var received = DateTime.UtcNow.AddDays(-8);
        var item = new FeedbackItem
        {
            ChannelId = channelId, ExternalId = "CSP-1", CustomerId = customer.Id, Verbatim = "<b onclick=\"alert(1)\">Exports</b> time out.",
            Language = "en", ReceivedAt = received, IngestedAt = received, AttributionDueAt = received.AddHours(48),
        };
        // A concluded item last week, so the SLA page has a chart to draw.
        var coded = new FeedbackItem
        {
            ChannelId = channelId, ExternalId = "CSP-2", CustomerId = customer.Id, Verbatim = "Dashboards are slow.", Language = "en",
            ReceivedAt = received, IngestedAt = received, AttributionDueAt = received.AddHours(48), Status = FeedbackStatus.Attributed,
        };
        db.FeedbackItems.AddRange(item, coded);
        var import = new ImportJob
        {
            Id = Guid.NewGuid(), FileName = "running.csv", ChannelKey = "support", Status = ImportJobStatus.Running,
            FileBytes = 1000, BytesRead = 100, RowsRead = 1, CreatedAt = DateTime.UtcNow,
        };
        db.ImportJobs.Add(import);
        await db.SaveChangesAsync();
        return (item.Id, import.Id);
    }
}
