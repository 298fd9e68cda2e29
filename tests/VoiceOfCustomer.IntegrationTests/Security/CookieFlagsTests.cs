using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// The flags of every cookie the app sets (antiforgery, session, language, a page's one-time flash message): over HTTPS each is <c>Secure</c> and
/// <c>HttpOnly</c>; over plain HTTP (the local quick start) they are not <c>Secure</c>, or the browser would drop them.
/// </summary>
public sealed class CookieFlagsTests : IDisposable
{
    private readonly VocAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Over_https_the_antiforgery_cookie_is_secure_http_only_and_same_site_strict()
    {
        using var client = Client("https://localhost");

        var response = await client.GetAsync("/account/login");

        var csrf = Cookie(response, "voc.csrf");
        Assert.Contains("secure", csrf);
        Assert.Contains("httponly", csrf);
        Assert.Contains("samesite=strict", csrf);
    }

    [Fact]
    public async Task Over_https_every_cookie_the_app_sets_is_secure_and_http_only()
    {
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.Admin);
        using var client = Client("https://localhost");
        var cookies = new List<string>();

        var login = await client.GetAsync("/account/login");
        cookies.AddRange(SetCookies(login));
        var signIn = await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        cookies.AddRange(SetCookies(signIn));
        var language = await client.PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "zh-CN",
            ["__RequestVerificationToken"] = await WebTestSupport.PageAntiforgeryTokenAsync(client),
        }));
        Assert.Equal(HttpStatusCode.Redirect, language.StatusCode);
        cookies.AddRange(SetCookies(language));
        // A flash message for the next page travels in MVC's TempData cookie.
        var flash = await client.PostAsync("/admin/outbox/retry-dead-letters", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await WebTestSupport.PageAntiforgeryTokenAsync(client),
        }));
        Assert.Equal(HttpStatusCode.Redirect, flash.StatusCode);
        cookies.AddRange(SetCookies(flash));

        Assert.Contains(cookies, c => c.StartsWith("voc.auth=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("voc.csrf=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Culture=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith(".AspNetCore.Mvc.CookieTempDataProvider=", StringComparison.Ordinal));
        Assert.All(cookies, c =>
        {
            Assert.True(c.ToLowerInvariant().Contains("; secure", StringComparison.Ordinal), c);
            Assert.True(c.ToLowerInvariant().Contains("; httponly", StringComparison.Ordinal), c);
        });
    }

    [Fact]
    public async Task Over_plain_http_the_antiforgery_cookie_is_not_marked_secure()
    {
        using var client = Client("http://localhost");

        var csrf = Cookie(await client.GetAsync("/account/login"), "voc.csrf");

        Assert.DoesNotContain("secure", csrf);
        Assert.Contains("httponly", csrf);
    }

    private HttpClient Client(string baseAddress) =>
        _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) });

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    /// <summary>The named cookie's Set-Cookie header, lower-cased.</summary>
    private static string Cookie(HttpResponseMessage response, string name)
    {
        var header = SetCookies(response).SingleOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        Assert.True(header is not null, $"No {name} cookie was set; got: {string.Join(" / ", SetCookies(response))}");
        return header.ToLowerInvariant();
    }
}
