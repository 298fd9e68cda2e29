using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Email;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Web.Features.Users;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Users;

/// <summary>
/// The users admin through its pages: invitations (a real mail through maildev, its link followed), roles, the
/// last-Admin guard, deactivation (no sign-in, no open session), reset links. Sessions are checked on every request
/// here (<c>Users:SessionCheckInterval</c> 0), so a change is seen at the next request rather than within a minute.
/// </summary>
public sealed class UserAdminTests : IDisposable
{
    private const string NewPassword = "Fresh-start-42";

    private static readonly Dictionary<string, string?> EveryRequest = new() { ["Users:SessionCheckInterval"] = "00:00:00" };

    private readonly VocAppFactory _app = new(TestDatabase.CreateSqlite(), EveryRequest);

    public void Dispose() => _app.Dispose();

    private static Dictionary<string, string> Invite(string email, string name = "Mei Lin", string role = Roles.Csm, string language = "en") =>
        new() { ["Email"] = email, ["DisplayName"] = name, ["Role"] = role, ["Language"] = language };

    private static async Task<string> IdOfAsync(VocAppFactory app, string email)
    {
        await using var scope = app.Scope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id;
    }

    private static Task<List<OutboxEmail>> MailsToAsync(VocAppFactory app, string address) =>
        app.WithDbAsync(db => db.OutboxEmails.AsNoTracking().Where(m => m.ToAddress == address).OrderBy(m => m.Id).ToListAsync());

    private static async Task<HttpResponseMessage> SetPasswordAsync(HttpClient client, string link, string password, string? confirm = null)
    {
        var user = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + link).Query);
        return await WebTestSupport.SubmitFormAsync(client, link, SetPasswordController.Path, new Dictionary<string, string>
        {
            ["User"] = user["user"]!, ["Token"] = user["token"]!, ["Password"] = password, ["ConfirmPassword"] = confirm ?? password,
        });
    }

    [Fact]
    public async Task An_invitation_arrives_by_SMTP_and_its_link_sets_the_password_once_and_signs_in()
    {
        using var maildev = MailDev.FromEnvironment();
        using var app = EmailAppFactory.Sqlite(MailDev.SmtpPort);
        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin, "Ada Admin");
        var to = MailDev.UniqueRecipient("invitee");

        var invited = await WebTestSupport.SubmitFormAsync(admin, "/admin/users", "/admin/users/invite", Invite(to, "王芳", Roles.ProductManager, "zh-CN"));
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        var userPage = invited.Headers.Location!.OriginalString;
        Assert.Equal($"/admin/users/{await IdOfAsync(app, to)}", userPage);
        var details = await admin.GetStringAsync(userPage);
        Assert.Contains("was invited", details);
        Assert.Contains("Invited (no password yet)", details);

        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        var mail = Assert.Single(await maildev.WaitForAsync(to));
        Assert.Equal("Ada Admin 邀请您使用 VoiceOfCustomer", mail.Subject);
        Assert.Contains("王芳，您好", mail.Text);
        Assert.Contains("产品经理", mail.Text); // the role, in the invitee's language
        var link = WebTestSupport.LinkIn(mail.Text!, SetPasswordController.Path);
        Assert.Equal(link, WebTestSupport.LinkIn(System.Net.WebUtility.HtmlDecode(mail.Html!), SetPasswordController.Path));

        // The link, followed by someone who is not signed in.
        var invitee = WebTestSupport.Client(app);
        var form = await invitee.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var formHtml = await form.Content.ReadAsStringAsync();
        Assert.Contains("at least 8 characters", formHtml);
        Assert.Contains(to, formHtml);

        var tooShort = await SetPasswordAsync(invitee, link, "Short-1");
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("The password must be at least 8 characters long.", await tooShort.Content.ReadAsStringAsync());
        var mismatch = await SetPasswordAsync(invitee, link, NewPassword, "Something-else-1");
        Assert.Contains("The two passwords are not the same.", await mismatch.Content.ReadAsStringAsync());

        var set = await SetPasswordAsync(invitee, link, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Equal("/feedback", set.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await invitee.GetAsync("/feedback")).StatusCode);

        // Once only.
        var again = await WebTestSupport.Client(app).GetAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("it has expired or was already used", System.Net.WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()));

        // And the password works on the sign-in form; the list now knows the last sign-in.
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(WebTestSupport.Client(app), to, NewPassword)).StatusCode);
        var (state, cells) = Row(await admin.GetStringAsync("/admin/users"), await IdOfAsync(app, to));
        Assert.Equal("Active", state);
        Assert.Contains("<time datetime=", cells);
        Assert.DoesNotContain("not known", cells);
    }

    /// <summary>The state attribute and the cells of a user's row on the list.</summary>
    private static (string State, string Cells) Row(string html, string userId)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"<tr data-id=\"{userId}\" data-state=\"(\\w+)\">(.*?)</tr>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(match.Success, $"No row for {userId}.");
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    [Fact]
    public async Task A_bad_invitation_is_shown_beside_its_fields_and_queues_nothing()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var taken = await WebTestSupport.CreateUserAsync(_app, Roles.Csm);

        var empty = await WebTestSupport.SubmitFormAsync(admin, "/admin/users", "/admin/users/invite", Invite("not an address", "", "Boss", "fr"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync());
        Assert.Contains("id=\"invite-email-error\">\"not an address\" is not an e-mail address.<", html);
        Assert.Contains("id=\"invite-name-error\">Enter the person's name as colleagues should see it.<", html);
        Assert.Contains("id=\"invite-role-error\">Choose one of the four roles.<", html);
        Assert.Contains("id=\"invite-language-error\">Choose English or Chinese", html);

        var duplicate = await WebTestSupport.SubmitFormAsync(admin, "/admin/users", "/admin/users/invite", Invite(taken.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("There is already a user with the e-mail address", await duplicate.Content.ReadAsStringAsync());

        Assert.Equal(0, await _app.WithDbAsync(db => db.OutboxEmails.CountAsync()));
    }

    [Fact]
    public async Task A_role_change_takes_effect_in_the_open_session()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.ProductManager);
        var pm = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(pm, email, WebTestSupport.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pm.GetAsync("/taxonomy/gaps")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await pm.GetAsync("/coding")).StatusCode); // to "access denied"

        var page = $"/admin/users/{await IdOfAsync(_app, email)}";
        var changed = await WebTestSupport.SubmitFormAsync(admin, page, page + "/role", new Dictionary<string, string> { ["role"] = Roles.Csm });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("The role was saved", await admin.GetStringAsync(page));

        Assert.Equal(HttpStatusCode.OK, (await pm.GetAsync("/coding")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await pm.GetAsync("/taxonomy/gaps")).StatusCode);
        await using var scope = _app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.Equal([Roles.Csm], await users.GetRolesAsync((await users.FindByEmailAsync(email))!));

        var unknownRole = await WebTestSupport.SubmitFormAsync(admin, page, page + "/role", new Dictionary<string, string> { ["role"] = "Owner" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
        Assert.Contains("Choose one of the four roles.", await unknownRole.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_Admin_can_neither_demote_nor_deactivate_themselves()
    {
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.Admin);
        var admin = WebTestSupport.Client(_app);
        await WebTestSupport.PostLoginAsync(admin, email, WebTestSupport.Password);
        var page = $"/admin/users/{await IdOfAsync(_app, email)}";
        Assert.Contains("(you)", await admin.GetStringAsync(page));

        var demote = await WebTestSupport.SubmitFormAsync(admin, page, page + "/role", new Dictionary<string, string> { ["role"] = Roles.Leadership });
        Assert.Equal(HttpStatusCode.BadRequest, demote.StatusCode);
        Assert.Contains("You cannot take away your own Admin role", await demote.Content.ReadAsStringAsync());
        var deactivate = await WebTestSupport.SubmitFormAsync(admin, page, page + "/deactivate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, deactivate.StatusCode);
        Assert.Contains("You cannot deactivate yourself", await deactivate.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).StatusCode); // still an Admin, still signed in
    }

    [Fact]
    public async Task A_deactivated_user_loses_the_open_session_cannot_sign_in_and_is_told_so_only_with_the_right_password()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.Csm);
        var csm = WebTestSupport.Client(_app);
        await WebTestSupport.PostLoginAsync(csm, email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.OK, (await csm.GetAsync("/feedback")).StatusCode);
        var page = $"/admin/users/{await IdOfAsync(_app, email)}";
        // A reset link mailed before the deactivation must die with it.
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.SubmitFormAsync(admin, page, page + "/password-link", new Dictionary<string, string>())).StatusCode);
        var resetLink = WebTestSupport.LinkIn(Assert.Single(await MailsToAsync(_app, email)).TextBody, SetPasswordController.Path);

        var deactivated = await WebTestSupport.SubmitFormAsync(admin, page, page + "/deactivate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);
        Assert.Contains("Deactivated", await admin.GetStringAsync(page));

        var open = await csm.GetAsync("/feedback");
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Contains("/account/login", open.Headers.Location!.ToString());

        var right = await WebTestSupport.PostLoginAsync(WebTestSupport.Client(_app), email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("This account has been deactivated.", await right.Content.ReadAsStringAsync());
        var wrong = await WebTestSupport.PostLoginAsync(WebTestSupport.Client(_app), email, "Wrong-password-1");
        var wrongHtml = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("The email or password is incorrect.", wrongHtml);
        Assert.DoesNotContain("deactivated", wrongHtml);
        Assert.Equal(HttpStatusCode.BadRequest, (await WebTestSupport.Client(_app).GetAsync(resetLink)).StatusCode);
        var reactivated = await WebTestSupport.SubmitFormAsync(admin, page, page + "/reactivate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, reactivated.StatusCode);

        var back = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(back, email, WebTestSupport.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync("/feedback")).StatusCode);
    }

    [Fact]
    public async Task A_reset_link_replaces_the_password_and_a_deactivated_account_gets_none()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.Leadership);
        var page = $"/admin/users/{await IdOfAsync(_app, email)}";

        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.SubmitFormAsync(admin, page, page + "/password-link", new Dictionary<string, string>())).StatusCode);
        var mail = Assert.Single(await MailsToAsync(_app, email));
        Assert.Equal(UserAdministration.PasswordResetTemplate, mail.Template);
        Assert.Equal("Choose a new VoiceOfCustomer password", mail.Subject);

        var person = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await SetPasswordAsync(person, WebTestSupport.LinkIn(mail.TextBody, SetPasswordController.Path), NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WebTestSupport.PostLoginAsync(WebTestSupport.Client(_app), email, WebTestSupport.Password)).StatusCode); // the old one: refused
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(WebTestSupport.Client(_app), email, NewPassword)).StatusCode);

        await WebTestSupport.SubmitFormAsync(admin, page, page + "/deactivate", new Dictionary<string, string>());
        var refused = await admin.PostAsync(page + "/password-link", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(await admin.GetStringAsync(page)),
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("reactivate it before sending a link", await refused.Content.ReadAsStringAsync());
        Assert.Single(await MailsToAsync(_app, email));
    }

    [Fact]
    public async Task An_expired_link_is_refused_with_a_message()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["Users:SetPasswordLinkLifetime"] = "00:00:01" });
        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        var to = MailDev.UniqueRecipient("late");
        await WebTestSupport.SubmitFormAsync(admin, "/admin/users", "/admin/users/invite", Invite(to));
        var link = WebTestSupport.LinkIn(Assert.Single(await MailsToAsync(app, to)).TextBody, SetPasswordController.Path);

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // Identity's token provider reads the system clock
        var response = await WebTestSupport.Client(app).GetAsync(link);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("it has expired or was already used", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, (await WebTestSupport.Client(app).GetAsync(SetPasswordController.Path + "?user=nobody&token=abc")).StatusCode);
    }

    [Fact]
    public async Task The_list_pages_through_users_and_only_Admins_reach_it()
    {
        await using (var scope = _app.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            for (var i = 0; i < UserAdministration.PageSize + 5; i++)
            {
                var address = $"bulk-{i:D3}@example.test";
                Assert.True((await users.CreateAsync(new AppUser { UserName = address, Email = address })).Succeeded);
            }
        }
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var first = await admin.GetStringAsync("/admin/users");
        var second = await admin.GetStringAsync("/admin/users?page=2");
        Assert.Equal(UserAdministration.PageSize, WebTestSupport.RowCount(first));
        Assert.Equal(6, WebTestSupport.RowCount(second)); // 55 + the Admin
        Assert.Contains("id=\"next-page\"", first);
        Assert.Contains("Page 2 of 2", second);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users?page=abc")).StatusCode);

        var pm = await WebTestSupport.SignedInClientAsync(_app, Roles.ProductManager);
        Assert.Contains("/account/denied", (await pm.GetAsync("/admin/users")).Headers.Location!.OriginalString);
        Assert.DoesNotContain("href=\"/admin/users\"", await pm.GetStringAsync("/feedback"));
        Assert.Contains("href=\"/admin/users\"", first);
    }
}

/// <summary>Two Admins demoting each other at once: one must win, or nobody is left to administer (every provider).</summary>
public abstract class LastAdminRaceTests
{
    protected abstract TestDatabase CreateDatabase();

    [Fact]
    public async Task Two_Admins_demoting_each_other_at_once_leave_one_Admin()
    {
        using var app = new VocAppFactory(CreateDatabase());
        var ids = new List<string>();
        await using (var scope = app.Scope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var name in new[] { "a", "b" })
            {
                var user = new AppUser { UserName = $"{name}@example.test", Email = $"{name}@example.test" };
                Assert.True((await users.CreateAsync(user, WebTestSupport.Password)).Succeeded);
                Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
                ids.Add(user.Id);
            }
        }

        async Task<UserAdminResult> DemoteAsync(string target, string actor)
        {
            await using var scope = app.Scope();
            return await scope.ServiceProvider.GetRequiredService<UserAdministration>().ChangeRoleAsync(target, Roles.Csm, actor);
        }
        var results = await Task.WhenAll(DemoteAsync(ids[0], ids[1]), DemoteAsync(ids[1], ids[0]));

        Assert.Single(results, r => r.Outcome == UserAdminOutcome.Saved);
        var refused = Assert.Single(results, r => r.Outcome == UserAdminOutcome.Invalid);
        Assert.Contains("last Admin", refused.Errors[0].Message);
        var admins = await app.WithDbAsync(db => (from link in db.UserRoles join role in db.Roles on link.RoleId equals role.Id
                                                  where role.Name == Roles.Admin select link.UserId).CountAsync());
        Assert.Equal(1, admins);
    }

    [Fact]
    public async Task Deactivation_survives_the_round_trip_through_the_database()
    {
        using var app = new VocAppFactory(CreateDatabase());
        var email = await WebTestSupport.CreateUserAsync(app, Roles.Csm);
        var adminEmail = await WebTestSupport.CreateUserAsync(app, Roles.Admin);
        await using (var scope = app.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var actor = (await users.FindByEmailAsync(adminEmail))!.Id;
            var target = (await users.FindByEmailAsync(email))!.Id;
            Assert.Equal(UserAdminOutcome.Saved, (await scope.ServiceProvider.GetRequiredService<UserAdministration>().DeactivateAsync(target, actor)).Outcome);
        }
        await using (var scope = app.Scope())
        {
            var id = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id;
            Assert.Equal(UserState.Deactivated, (await scope.ServiceProvider.GetRequiredService<UserAdministration>().GetAsync(id))!.State);
        }
        Assert.Contains("This account has been deactivated.", await (await WebTestSupport.PostLoginAsync(WebTestSupport.Client(app), email, WebTestSupport.Password)).Content.ReadAsStringAsync());
    }
}

public sealed class LastAdminRaceSqliteTests : LastAdminRaceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();
}

public sealed class LastAdminRacePostgresTests : LastAdminRaceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class LastAdminRaceSqlServerTests : LastAdminRaceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
