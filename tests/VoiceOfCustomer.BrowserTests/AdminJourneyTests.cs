using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// An Admin in Chromium, in English and in Chinese: invites a colleague and submits every form of the user page (role,
/// invitation again, reset link, deactivate, reactivate); the colleague sets a password from the mailed link; the Admin
/// reads the segments, filters the feedback list by gap and customer, and follows a taxonomy count to the voices.
/// </summary>
public sealed class AdminJourneyTests
{
    private const string AdminPassword = "Correct-horse-1";
    private const string InviteePassword = "Brand-new-42";
    private const string GapKey = "browser-offline-picking";

    /// <summary>What the Admin reads and clicks, in the UI's language.</summary>
    private sealed record Ui(
        string Locale, string SignIn, string Email, string Password, string Users, string Segments, string FullName, string Role,
        string SendInvitation, string SaveRole, string SendAgain, string SendReset, string Deactivate, string Reactivate,
        string NewPassword, string NewPasswordAgain, string SavePassword, string Feedback, string Gap, string Customer, string Apply,
        string Taxonomy, string Gaps, string Pm, string Csm, string Deactivated, string Hours36);

    private static readonly Ui English = new(
        "en-GB", "Sign in", "Email", "Password", "Users", "Segments", "Full name", "Role",
        "Send invitation", "Save role", "Send the invitation again", "Send a password reset link", "Deactivate", "Reactivate",
        "New password", "New password again", "Save password and sign in", "Feedback", "Capability gap", "Customer", "Apply filters",
        "Taxonomy", "Capability gaps", "PM", "CSM", "Deactivated", "36 hours");

    private static readonly Ui Chinese = new(
        "zh-CN", "登录", "邮箱", "密码", "用户", "客户分层", "姓名", "角色",
        "发送邀请", "保存角色", "重新发送邀请", "发送密码重置链接", "停用", "重新启用",
        "新密码", "再次输入新密码", "保存密码并登录", "反馈", "能力缺口", "客户", "应用筛选",
        "分类体系", "能力缺口", "产品经理", "客户成功经理", "已停用", "36 小时");

    public static TheoryData<string> Languages => ["en", "zh-CN"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task An_Admin_manages_a_colleague_reads_segments_and_filters_feedback(string language)
    {
        var ui = language == "en" ? English : Chinese;
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var (adminEmail, coded) = await ArrangeAsync(app, language);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = ui.Locale });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        await page.GotoAsync("/account/login");
        await page.GetByLabel(ui.Email, new() { Exact = true }).FillAsync(adminEmail);
        await page.GetByLabel(ui.Password, new() { Exact = true }).FillAsync(AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = ui.SignIn, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");

        // Invite. The Admin's pages are in the header's Administration menu.
        await page.Locator("#admin-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui.Users, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/users");
        var invitee = $"colleague-{language}@example.test";
        var form = page.Locator("#invite-form");
        await form.GetByLabel(ui.Email, new() { Exact = true }).FillAsync(invitee);
        await form.GetByLabel(ui.FullName, new() { Exact = true }).FillAsync("Robin Reyes");
        await form.GetByLabel(ui.Role, new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = ui.Pm });
        await form.GetByRole(AriaRole.Button, new() { Name = ui.SendInvitation }).ClickAsync();
        await page.WaitForURLAsync("**/admin/users/*");
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync(invitee);
        await Assertions.Expect(page.Locator("#user-role")).ToHaveTextAsync(ui.Pm);

        // Every form of the user's page.
        await page.GetByLabel(ui.Role, new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = ui.Csm });
        await page.GetByRole(AriaRole.Button, new() { Name = ui.SaveRole }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-role")).ToHaveTextAsync(ui.Csm);
        await page.GetByRole(AriaRole.Button, new() { Name = ui.SendAgain }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToBeVisibleAsync();
        Assert.Equal(2, (await MailsToAsync(app, invitee)).Count);

        // The colleague follows the (latest) link, in a browser of their own.
        await using (var theirs = await browser.NewContextAsync(new() { BaseURL = baseUrl, Locale = ui.Locale }))
        {
            var colleague = await theirs.NewPageAsync();
            colleague.SetDefaultTimeout(15_000);
            await colleague.GotoAsync(LinkPath((await MailsToAsync(app, invitee))[^1].TextBody));
            await Assertions.Expect(colleague.Locator("#password-rules")).ToBeVisibleAsync();
            await colleague.GetByLabel(ui.NewPassword, new() { Exact = true }).FillAsync(InviteePassword);
            await colleague.GetByLabel(ui.NewPasswordAgain, new() { Exact = true }).FillAsync(InviteePassword);
            await colleague.GetByRole(AriaRole.Button, new() { Name = ui.SavePassword }).ClickAsync();
            await colleague.WaitForURLAsync("**/feedback");
            await Assertions.Expect(colleague.Locator(".user-name")).ToHaveTextAsync("Robin Reyes");
        }

        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = ui.SendReset }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToBeVisibleAsync();
        Assert.Equal("password-reset", (await MailsToAsync(app, invitee))[^1].Template);
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Deactivate, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-state")).ToContainTextAsync(ui.Deactivated);
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Reactivate, Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#user-state")).Not.ToContainTextAsync(ui.Deactivated);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = ui.Deactivate, Exact = true })).ToBeVisibleAsync();

        // Segments, read-only.
        await page.Locator("#admin-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = ui.Segments, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/admin/segments");
        await Assertions.Expect(page.Locator("tr[data-key='enterprise']")).ToContainTextAsync(ui.Hours36);

        // The feedback list by gap and customer name; then a taxonomy count leads to the same voices.
        await page.GetByRole(AriaRole.Link, new() { Name = ui.Feedback, Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/feedback");
        await page.GetByLabel(ui.Gap, new() { Exact = true }).SelectOptionAsync(GapKey);
        await page.GetByLabel(ui.Customer, new() { Exact = true }).FillAsync("acme");
        await page.GetByRole(AriaRole.Button, new() { Name = ui.Apply }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"/feedback\\?.*gap={GapKey}"));
        Assert.Equal(coded.Count(c => c.Acme), await page.Locator("tbody tr").CountAsync());
        await Assertions.Expect(page.Locator("#customer-matches")).ToContainTextAsync("Acme Retail");

        await page.GetByRole(AriaRole.Link, new() { Name = ui.Taxonomy, Exact = true }).ClickAsync();
        await page.Locator("nav.taxonomy-tabs").GetByRole(AriaRole.Link, new() { Name = ui.Gaps, Exact = true }).ClickAsync();
        var count = page.Locator($"td[data-count] a[href='/feedback?gap={GapKey}']");
        await Assertions.Expect(count).ToHaveTextAsync(coded.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await count.ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"/feedback\\?gap={GapKey}$"));
        Assert.Equal(coded.Count, await page.Locator("tbody tr").CountAsync());
    }

    private static string LinkPath(string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, @"https?://[^/\s]+(/account/set-password\?\S+)");
        Assert.True(match.Success, "The mail has no set-password link.");
        return match.Groups[1].Value;
    }

    private static async Task<List<VoiceOfCustomer.Workflows.Persistence.OutboxEmail>> MailsToAsync(KestrelAppFactory app, string address)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VocDbContext>().OutboxEmails.AsNoTracking()
            .Where(m => m.ToAddress == address).OrderBy(m => m.Id).ToListAsync();
    }

    /// <summary>An Admin (in the test's language), and six voices coded with one gap, four of them from customers named Acme.</summary>
    private static async Task<(string AdminEmail, List<(long Id, bool Acme)> Coded)> ArrangeAsync(KestrelAppFactory app, string language)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var email = $"admin-{language}@example.test";
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var admin = new AppUser { UserName = email, Email = email, DisplayName = "Ada Admin", PreferredLanguage = language };
        Assert.True((await users.CreateAsync(admin, AdminPassword)).Succeeded);
        Assert.True((await users.AddToRoleAsync(admin, Roles.Admin)).Succeeded);

        var db = services.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.FirstAsync(c => c.Key == "support");
        var gap = new CapabilityGap { Key = GapKey, Name = "Offline picking", NameZh = "离线拣货" };
        db.CapabilityGaps.Add(gap);
        var customers = new[] { ("ACME-1", "Acme Retail"), ("ACME-2", "Acme Foods"), ("NORTH-1", "Northwind") }
            .Select(c => new Customer { Reference = c.Item1, ReferenceNormalized = c.Item1, Name = c.Item2, CreatedAt = DateTime.UtcNow }).ToList();
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync();
        var coded = new List<(long, bool)>();
        for (var i = 0; i < 8; i++)
        {
            var customer = customers[i % 3];
            var item = new FeedbackItem
            {
                ChannelId = channel.Id, ExternalId = $"ADM-{i}", CustomerId = customer.Id, Verbatim = $"Picking offline fails, case {i}.",
                ReceivedAt = DateTime.UtcNow.AddHours(-i), IngestedAt = DateTime.UtcNow, Language = "en",
            };
            db.FeedbackItems.Add(item);
            await db.SaveChangesAsync();
            if (i < 6) // two stay uncoded
            {
                db.Attributions.Add(new Attribution { FeedbackItemId = item.Id, CapabilityGapId = gap.Id, Version = 1, UpdatedAt = DateTime.UtcNow });
                coded.Add((item.Id, customer.Name.StartsWith("Acme", StringComparison.Ordinal)));
            }
        }
        await db.SaveChangesAsync();
        return (email, coded);
    }
}
