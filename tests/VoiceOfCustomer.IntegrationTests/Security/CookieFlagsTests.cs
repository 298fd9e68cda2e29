using Microsoft.AspNetCore.Mvc.Testing;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// The antiforgery cookie's flags: over HTTPS <c>Secure</c>, <c>HttpOnly</c> and <c>SameSite=Strict</c>; over plain HTTP (the local
/// quick start) not <c>Secure</c>, or the browser would drop it. Every other cookie's flags: <see cref="SecurityHeadersTests"/>.
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
    public async Task Over_plain_http_the_antiforgery_cookie_is_not_marked_secure()
    {
        using var client = Client("http://localhost");

        var csrf = Cookie(await client.GetAsync("/account/login"), "voc.csrf");

        Assert.DoesNotContain("secure", csrf);
        Assert.Contains("httponly", csrf);
    }

    private HttpClient Client(string baseAddress) =>
        _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(baseAddress) });

    /// <summary>The named cookie's Set-Cookie header, lower-cased.</summary>
    private static string Cookie(HttpResponseMessage response, string name)
    {
        var header = SetCookie.Headers(response).SingleOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal));
        Assert.True(header is not null, $"No {name} cookie was set; got: {string.Join(" / ", SetCookie.Headers(response))}");
        return header.ToLowerInvariant();
    }
}
