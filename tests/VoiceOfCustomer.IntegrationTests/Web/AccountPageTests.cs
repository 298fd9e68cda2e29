using System.Net;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.IntegrationTests.Web;

public sealed class AccountPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string InvalidCredentials = "The email or password is incorrect. After too many failed attempts an account is locked for a while";

    [Fact]
    public async Task Anonymous_visitor_is_redirected_to_sign_in_with_a_return_url()
    {
        var client = WebTestSupport.Client(fixture.App);

        foreach (var path in new[] { "/", "/feedback", $"/feedback/{fixture.ScriptItemId}" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("http://localhost/account/login?ReturnUrl=", response.Headers.Location!.ToString());
        }
        var login = await client.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("<label for=\"Email\">Email</label>", html);
        Assert.Contains("name=\"__RequestVerificationToken\"", html);
    }

    [Fact]
    public async Task Wrong_password_shows_one_message_and_five_failures_lock_the_account()
    {
        var email = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Csm);
        var client = WebTestSupport.Client(fixture.App);

        // An unknown email gets exactly the same message as a wrong password.
        var unknown = await WebTestSupport.PostLoginAsync(client, "nobody@example.test", "Whatever-1");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains(InvalidCredentials, await unknown.Content.ReadAsStringAsync());

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var response = await WebTestSupport.PostLoginAsync(client, email, "Wrong-password-1");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(InvalidCredentials, html);
            Assert.DoesNotContain("Wrong-password-1", html);
        }

        // The fifth locks the account, with the same message (which says that an account can be locked).
        var fifth = await WebTestSupport.PostLoginAsync(client, email, "Wrong-password-1");
        Assert.Contains(InvalidCredentials, await fifth.Content.ReadAsStringAsync());

        // Locked: even the right password does not sign in now.
        var correct = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.OK, correct.StatusCode);
        Assert.Contains(InvalidCredentials, await correct.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/feedback")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_follows_a_local_return_url_and_the_list_renders_items()
    {
        var email = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Csm, displayName: "Chen Jing 陈静");
        var client = WebTestSupport.Client(fixture.App);

        var response = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password, returnUrl: "/feedback?status=New");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/feedback?status=New", response.Headers.Location!.OriginalString);

        var list = await client.GetAsync("/feedback");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var html = await list.Content.ReadAsStringAsync();
        Assert.Equal(50, WebTestSupport.RowIds(html).Count);
        Assert.Contains("Chen Jing 陈静", html);
        Assert.Contains("<span class=\"role-badge\" title=\"Your role\">CSM</span>", html);
        Assert.Contains("href=\"/import\"", html);
        Assert.Contains("href=\"/api-docs\"", html);
        Assert.Contains("Acme Logistics", html);
    }

    [Fact]
    public async Task Sign_in_ignores_a_return_url_to_another_site()
    {
        var email = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Leadership);
        var client = WebTestSupport.Client(fixture.App);

        var response = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password, returnUrl: "https://evil.example/phish");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/feedback", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Navigation_shows_import_only_to_admin_and_csm()
    {
        foreach (var (role, seesImport) in new[] { (Roles.Admin, true), (Roles.Csm, true), (Roles.ProductManager, false), (Roles.Leadership, false) })
        {
            var client = await WebTestSupport.SignedInClientAsync(fixture.App, role);
            var html = await client.GetStringAsync("/feedback");
            Assert.Equal(seesImport, html.Contains("href=\"/import\"", StringComparison.Ordinal));
            Assert.Contains("href=\"/feedback\" aria-current=\"page\"", html);
        }
    }

    [Fact]
    public async Task Posts_without_an_antiforgery_token_are_rejected()
    {
        var client = WebTestSupport.Client(fixture.App);
        await client.GetAsync("/account/login"); // the anti-forgery cookie alone is not enough

        var email = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Admin);
        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = WebTestSupport.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("The request could not be used", await login.Content.ReadAsStringAsync());

        var signedIn = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var logout = await signedIn.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/feedback")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_through_the_header_form_ends_the_session()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.ProductManager);
        var page = await client.GetStringAsync("/feedback");
        Assert.Contains("action=\"/account/logout\"", page);

        var logout = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/feedback")).StatusCode);
    }
}
