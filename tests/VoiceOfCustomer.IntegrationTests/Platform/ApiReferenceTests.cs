using System.Net;
using System.Text.RegularExpressions;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Platform;

public sealed partial class ApiReferenceTests
{
    [Fact]
    public async Task The_api_reference_is_a_page_whose_script_and_document_come_from_the_app_itself()
    {
        using var app = new VocAppFactory();
        var client = app.CreateClient();
        var response = await client.GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("VoiceOfCustomer API", html);

        // Nothing is fetched from a CDN (this machine, like many customers' networks, reaches none): every script is local.
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, src => Assert.False(Uri.TryCreate(src, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal), src));
        var largest = 0;
        foreach (var src in scripts)
        {
            var script = await client.GetAsync(new Uri(new Uri("http://localhost/api-docs/"), src));
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            largest = Math.Max(largest, (await script.Content.ReadAsByteArrayAsync()).Length);
        }
        Assert.True(largest > 100_000, "The reference's own script (the Scalar bundle) is not among the page's scripts.");
        Assert.DoesNotContain("fonts.scalar.com", html);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [GeneratedRegex("<script[^>]*\\bsrc=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
