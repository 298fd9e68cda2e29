using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

public sealed class LanguageSelectionTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
{
    private HttpClient ClientWithBrowserLanguage(string? acceptLanguage)
    {
        var client = WebTestSupport.Client(fixture.App);
        if (acceptLanguage is not null)
            client.DefaultRequestHeaders.Add("Accept-Language", acceptLanguage);
        return client;
    }

    private static void AssertChinese(string html)
    {
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("登录", html);
    }

    private static void AssertEnglish(string html)
    {
        Assert.Contains("<html lang=\"en\">", html);
        Assert.DoesNotContain("登录", html);
    }

    [Fact]
    public void Shared_string_table_has_the_Chinese_and_falls_back_to_the_English_key()
    {
        var localizer = fixture.App.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            var signIn = localizer["Sign in"];
            Assert.False(signIn.ResourceNotFound, $"Looked for {signIn.SearchedLocation}");
            Assert.Equal("登录", signIn.Value);

            var missing = localizer["A sentence nobody has translated yet"];
            Assert.True(missing.ResourceNotFound);
            Assert.Equal("A sentence nobody has translated yet", missing.Value);

            CultureInfo.CurrentUICulture = new CultureInfo("en");
            Assert.Equal("Sign in", localizer["Sign in"].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh")]
    [InlineData("zh-Hans")]
    [InlineData("zh-Hans-CN,zh;q=0.9,en;q=0.8")]
    [InlineData("fr-FR, zh;q=0.7")]
    public async Task Chinese_browser_gets_the_Chinese_sign_in_page(string acceptLanguage)
    {
        var html = await ClientWithBrowserLanguage(acceptLanguage).GetStringAsync("/account/login");
        AssertChinese(html);
        Assert.Contains("请使用管理员提供的邮箱地址和密码登录。", html);
        Assert.Contains(">邮箱</label>", html); // [Display] names come from the table too
    }

    [Theory]
    [InlineData(null)]
    [InlineData("en-GB")]
    [InlineData("fr-FR")]
    [InlineData("zh-TW")]
    [InlineData("en;q=0.9, zh-CN;q=0.5")]
    public async Task Other_browsers_get_English(string? acceptLanguage)
    {
        var html = await ClientWithBrowserLanguage(acceptLanguage).GetStringAsync("/account/login");
        AssertEnglish(html);
        Assert.Contains(">Sign in</h1>", html);
    }

    [Fact]
    public async Task Validation_and_sign_in_messages_are_translated()
    {
        var client = ClientWithBrowserLanguage("zh-CN");
        var response = await WebTestSupport.PostLoginAsync(client, "", "");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("请输入邮箱地址。", html);
        Assert.Contains("请输入密码。", html);

        response = await WebTestSupport.PostLoginAsync(client, "nobody@example.test", "wrong-password-1");
        Assert.Contains("邮箱或密码不正确。", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Saved_preference_overrides_the_browser()
    {
        var chineseUser = await fixture.CreateUserAsync("zh-CN");
        var client = ClientWithBrowserLanguage("en-US");
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, chineseUser, WebTestSupport.Password)).StatusCode);
        var html = await client.GetStringAsync("/feedback");
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains(">退出登录</button>", html);
        Assert.Contains(">客户成功经理</span>", html); // the role badge

        var englishUser = await fixture.CreateUserAsync("en");
        client = ClientWithBrowserLanguage("zh-CN");
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, englishUser, WebTestSupport.Password)).StatusCode);
        html = await client.GetStringAsync("/feedback");
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains(">Sign out</button>", html);
    }

    [Fact]
    public async Task Switch_sets_the_culture_cookie_for_anonymous_visitors()
    {
        var client = ClientWithBrowserLanguage("en-US");
        var page = await client.GetStringAsync("/account/login");
        AssertEnglish(page);
        var response = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN",
            ["returnUrl"] = "/account/login?returnUrl=%2Ffeedback",
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?returnUrl=%2Ffeedback", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.Contains("c%3Dzh-CN%7Cuic%3Dzh-CN", cookie);

        AssertChinese(await client.GetStringAsync("/account/login"));
    }

    [Fact]
    public async Task Switch_needs_the_anti_forgery_token_and_redirects_only_locally()
    {
        var client = ClientWithBrowserLanguage(null);
        var noToken = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["culture"] = "zh-CN" }));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.False(noToken.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal)));

        var page = await client.GetStringAsync("/account/login");
        var offsite = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN",
            ["returnUrl"] = "https://evil.example/",
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, offsite.StatusCode);
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Switch_saves_the_signed_in_users_preference_and_settings_can_clear_it()
    {
        var email = await fixture.CreateUserAsync(null);
        var client = ClientWithBrowserLanguage("en-US");
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password)).StatusCode);
        var list = await client.GetStringAsync("/feedback");
        Assert.Contains("<html lang=\"en\">", list);

        var response = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN",
            ["returnUrl"] = "/feedback",
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(list),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("zh-CN", await fixture.PreferredLanguageAsync(email));

        // The refreshed sign-in carries the preference: a fresh client (no culture cookie) signing in gets Chinese too.
        var otherDevice = ClientWithBrowserLanguage("en-US");
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(otherDevice, email, WebTestSupport.Password)).StatusCode);
        var settings = await otherDevice.GetStringAsync("/account/settings");
        Assert.Contains("<html lang=\"zh-CN\">", settings);
        Assert.Contains("跟随浏览器", settings);
        Assert.Matches("id=\"lang-zh\"[^>]*checked", settings);

        response = await otherDevice.PostAsync("/account/settings", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Language"] = "",
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(settings),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Null(await fixture.PreferredLanguageAsync(email));
        var after = await otherDevice.GetStringAsync("/account/settings?saved=true");
        Assert.Contains("<html lang=\"en\">", after);
        Assert.Contains("Your settings were saved.", after);
    }

    [Fact]
    public async Task Api_problem_details_stay_English_for_a_Chinese_browser()
    {
        var client = ClientWithBrowserLanguage("zh-CN");
        var response = await client.GetAsync("/api/feedback");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("登录", body);
        Assert.False(response.Headers.TryGetValues("Content-Language", out _));
    }
}
