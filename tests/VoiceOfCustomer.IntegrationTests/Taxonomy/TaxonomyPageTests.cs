using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Taxonomy;

/// <summary>The taxonomy pages as a browser uses them: sign in, get the page (and its token), post the forms.</summary>
public sealed class TaxonomyPageTests : IAsyncLifetime
{
    private readonly VocAppFactory _app = new();

    public Task InitializeAsync() => _app.EnsureChannelsAsync();

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string action, Dictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(pagePath);
        fields["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page);
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>Pages answer a forbidden role by sending the browser to the "access denied" page, which is a 403.</summary>
    private static async Task AssertForbiddenAsync(HttpClient client, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith("/account/denied", location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Admin_creates_edits_and_sees_history_with_names_encoded()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var created = await PostFormAsync(admin, "/taxonomy/metrics", "/taxonomy/metrics", new()
        {
            ["Name"] = "<script>alert(1)</script> dwell time",
            ["NameZh"] = "停留时间",
            ["DefaultUnit"] = "hours",
            ["Polarity"] = "LowerIsBetter",
        });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var entryPath = created.Headers.Location!.OriginalString;
        Assert.Matches("^/taxonomy/metrics/\\d+$", entryPath);

        var edited = await PostFormAsync(admin, entryPath, entryPath, new()
        {
            ["Name"] = "<script>alert(1)</script> dwell time",
            ["NameZh"] = "平均停留时间",
            ["DefaultUnit"] = "hours",
            ["Polarity"] = "LowerIsBetter",
        });
        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);

        var html = await admin.GetStringAsync(entryPath);
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; dwell time", html);
        Assert.Contains("平均停留时间", html);
        Assert.Contains(">Renamed<", html);
        Assert.Contains(">Created<", html);
        var list = await admin.GetStringAsync("/taxonomy/metrics");
        Assert.Contains("script-alert-1-script-dwell-time", list);
    }

    [Fact]
    public async Task Invalid_input_is_shown_beside_the_fields_not_a_500()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var response = await PostFormAsync(admin, "/taxonomy/domains", "/taxonomy/domains", new()
        {
            ["Name"] = "",
            ["OwnerEmail"] = "nobody",
            ["OwningDomainId"] = "not-a-number",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<span class=\"field-error\" id=\"new-name-error\">Enter a name.</span>", html);
        Assert.Contains("id=\"new-ownerEmail-error\">Enter a valid e-mail address", html);

        var merge = await PostFormAsync(admin, "/taxonomy/tags", "/taxonomy/tags/999999/merge", new() { ["survivorId"] = "1" });
        Assert.Equal(HttpStatusCode.NotFound, merge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/taxonomy/planets")).StatusCode);
    }

    [Fact]
    public async Task Admin_merges_through_the_form_and_a_bad_survivor_is_a_field_error()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var (source, survivor) = await _app.WithDbAsync(async db =>
        {
            var a = new Tag { Key = "page-merge-source", Name = "Merge source" };
            var b = new Tag { Key = "page-merge-survivor", Name = "Merge survivor" };
            db.Tags.AddRange(a, b);
            await db.SaveChangesAsync();
            return (a.Id, b.Id);
        });
        var path = $"/taxonomy/tags/{source}";

        var refused = await PostFormAsync(admin, path, path + "/merge", new() { ["survivorId"] = source.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("id=\"merge-survivor-error\">An entry cannot be merged into itself.", await refused.Content.ReadAsStringAsync());

        var merged = await PostFormAsync(admin, path, path + "/merge", new() { ["survivorId"] = survivor.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        var html = await admin.GetStringAsync(path);
        Assert.Contains($"<a href=\"/taxonomy/tags/{survivor}\">Merge survivor</a>", html);
        Assert.Contains(">Merged<", html);
    }

    [Fact]
    public async Task PM_proposes_a_gap_but_cannot_create_or_accept_and_Admin_accepts_it()
    {
        var pm = await WebTestSupport.SignedInClientAsync(_app, Roles.ProductManager);
        var gaps = await pm.GetStringAsync("/taxonomy/gaps");
        Assert.Contains("action=\"/taxonomy/gaps/propose\"", gaps);
        Assert.Contains("href=\"/taxonomy\"", gaps); // the nav link

        var proposed = await PostFormAsync(pm, "/taxonomy/gaps", "/taxonomy/gaps/propose", new() { ["Name"] = "Offline picking" });
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        var id = int.Parse(proposed.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(CapabilityGapStatus.Proposed, await _app.WithDbAsync(db => db.CapabilityGaps.Where(g => g.Id == id).Select(g => g.Status).SingleAsync()));

        await AssertForbiddenAsync(pm, await PostFormAsync(pm, "/taxonomy/gaps", "/taxonomy/metrics", new() { ["Name"] = "PM metric" }));
        await AssertForbiddenAsync(pm, await PostFormAsync(pm, "/taxonomy/gaps", "/taxonomy/gaps", new() { ["Name"] = "PM gap" }));
        await AssertForbiddenAsync(pm, await PostFormAsync(pm, "/taxonomy/gaps", $"/taxonomy/gaps/{id}/accept", new()));
        Assert.False(await _app.WithDbAsync(db => db.BusinessMetrics.AnyAsync(m => m.Name == "PM metric")));

        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var accepted = await PostFormAsync(admin, $"/taxonomy/gaps/{id}", $"/taxonomy/gaps/{id}/accept", new());
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal(CapabilityGapStatus.Accepted, await _app.WithDbAsync(db => db.CapabilityGaps.Where(g => g.Id == id).Select(g => g.Status).SingleAsync()));
        var entry = await admin.GetStringAsync($"/taxonomy/gaps/{id}");
        Assert.Contains(">Accepted<", entry);
        Assert.Contains("Proposed by:</span> pm-", entry); // the PM's e-mail, not an Identity id
    }

    [Theory]
    [InlineData(Roles.Csm)]
    [InlineData(Roles.Leadership)]
    public async Task CSM_and_Leadership_are_refused(string role)
    {
        var client = await WebTestSupport.SignedInClientAsync(_app, role);
        await AssertForbiddenAsync(client, await client.GetAsync("/taxonomy/metrics"));
        Assert.DoesNotContain("href=\"/taxonomy\"", await client.GetStringAsync("/feedback"));
    }

    [Fact]
    public async Task Posts_without_the_anti_forgery_token_are_refused()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var response = await admin.PostAsync("/taxonomy/tags", new FormUrlEncodedContent(new Dictionary<string, string> { ["Name"] = "No token" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await _app.WithDbAsync(db => db.Tags.AnyAsync(t => t.Name == "No token")));
    }
}
