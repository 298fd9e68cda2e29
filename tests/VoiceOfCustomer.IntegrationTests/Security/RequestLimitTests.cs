using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Intake;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// The app on a real Kestrel socket in Production (the in-memory test server has no request-line or header limits):
/// a URL or headers over the limit are answered with problem details (issue 15, item 3), not Kestrel's empty body.
/// </summary>
public sealed class KestrelProductionFixture : IAsyncLifetime
{
    public VocAppFactory App { get; } = new(TestDatabase.CreateSqlite()) { Environment = "Production" };
    public HttpClient Client { get; private set; } = null!;
    public string ApiKey { get; private set; } = null!;
    public string IntakeKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
        ApiKey = await App.CreateApiKeyAsync("read");
        IntakeKey = await App.CreateApiKeyAsync("intake");
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class RequestLimitTests(KestrelProductionFixture fixture) : IClassFixture<KestrelProductionFixture>
{
    [Fact]
    public async Task A_10000_character_query_on_the_api_is_414_problem_details()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback?q=" + new string('x', 10_000));
        request.Headers.Add("X-Api-Key", fixture.ApiKey);

        var problem = await IntakeApiTestBase.AssertProblemAsync(await fixture.Client.SendAsync(request), HttpStatusCode.RequestUriTooLong);

        Assert.Equal("url", problem.GetProperty("field").GetString());
        Assert.Contains("8,192", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/feedback")]
    [InlineData("/no-such-page")]
    public async Task A_10000_character_query_on_a_page_is_the_414_error_page(string path)
    {
        var response = await fixture.Client.GetAsync(path + "?q=" + new string('x', 10_000));

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("That address is too long", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var chinese = new HttpRequestMessage(HttpMethod.Get, path + "?q=" + new string('x', 10_000)) { Headers = { { "Accept-Language", "zh-CN" } } };
        Assert.Contains("网址太长", await (await fixture.Client.SendAsync(chinese)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_within_the_limit_is_served()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback?q=" + new string('x', 7_000));
        request.Headers.Add("X-Api-Key", fixture.ApiKey);
        var response = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Headers_over_the_limit_are_431_problem_details_or_the_error_page()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/feedback");
        request.Headers.Add("X-Api-Key", fixture.ApiKey);
        request.Headers.Add("X-Padding", new string('x', 40 * 1024));

        var problem = await IntakeApiTestBase.AssertProblemAsync(await fixture.Client.SendAsync(request), HttpStatusCode.RequestHeaderFieldsTooLarge);

        Assert.Equal("headers", problem.GetProperty("field").GetString());

        using var page = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        page.Headers.Add("X-Padding", new string('x', 40 * 1024));
        var response = await fixture.Client.SendAsync(page);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Contains("The request is too large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_body_over_the_limit_shows_the_error_page_of_its_own_status()
    {
        // The form cannot be read, so neither can its anti-forgery token: a 400 page (it used to be a 404 "Page not found").
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = "a@b.c", ["Password"] = new string('x', 1_100_000) });
        var response = await fixture.Client.PostAsync("/account/login", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The request could not be used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_body_over_the_limit_is_413_problem_details()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback")
        {
            Content = new StringContent("{\"verbatim\": \"" + new string('x', 1_100_000) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", fixture.IntakeKey);

        var problem = await IntakeApiTestBase.AssertProblemAsync(await fixture.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("body", problem.GetProperty("field").GetString());
    }
}
