using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>One app for the coding page tests; each test makes its own customer so queue assertions stay local.</summary>
public sealed class CodingPageFixture : IAsyncLifetime
{
    public VocAppFactory App { get; } = new();

    public async Task InitializeAsync() => await App.EnsureChannelsAsync();

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class CodingPageTests(CodingPageFixture fixture) : IClassFixture<CodingPageFixture>
{
    private VocAppFactory App => fixture.App;

    private sealed record Codes(int MetricId, int GapId, int DomainId, int TagId);

    private async Task<Codes> CodesAsync() => await App.WithDbAsync(async db => new Codes(
        await db.BusinessMetrics.Where(m => !m.IsArchived && m.MergedIntoId == null).Select(m => m.Id).FirstAsync(),
        await db.CapabilityGaps.Where(g => !g.IsArchived && g.MergedIntoId == null).Select(g => g.Id).FirstAsync(),
        await db.OwningDomains.Where(d => !d.IsArchived && d.MergedIntoId == null).Select(d => d.Id).FirstAsync(),
        await db.Tags.Where(t => !t.IsArchived && t.MergedIntoId == null).Select(t => t.Id).FirstAsync()));

    private async Task<(int CustomerId, List<long> Ids)> ArrangeAsync(params (string Channel, double HoursAgo, string Language)[] items)
    {
        var reference = $"CRM-{Guid.NewGuid():N}"[..20];
        var customer = await WebTestSupport.AddCustomerAsync(App, reference, "Coding Co " + reference);
        var now = DateTime.UtcNow;
        var ids = await WebTestSupport.AddFeedbackAsync(App, items.Select((it, i) => new FeedbackItemSpec(
            it.Channel, $"{reference}-{i}", customer.Id, $"Voice {i} of {reference}", now.AddHours(-it.HoursAgo), Language: it.Language)).ToList());
        return (customer.Id, ids);
    }

    private static Dictionary<string, string> Full(Codes codes, int version, string action, string token) => new()
    {
        ["MetricId"] = codes.MetricId.ToString(),
        ["Direction"] = "down",
        ["Magnitude"] = "12.5",
        ["Unit"] = "%",
        ["CapabilityGapId"] = codes.GapId.ToString(),
        ["Hypothesis"] = "Exports time out because the report engine is single-threaded.",
        ["OwningDomainId"] = codes.DomainId.ToString(),
        ["ValueDimension"] = "pain",
        ["VoiceRole"] = "user",
        ["Tags"] = codes.TagId.ToString(),
        ["Version"] = version.ToString(),
        ["Action"] = action,
        ["__RequestVerificationToken"] = token,
    };

    private static async Task<string> TokenAsync(HttpClient client, string url) =>
        WebTestSupport.AntiforgeryToken(await client.GetStringAsync(url));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> fields) =>
        await client.PostAsync(url, new FormUrlEncodedContent(fields));

    [Fact]
    public async Task Queue_lists_soonest_deadline_first_and_filters_narrow_it()
    {
        // Due 3 days after receipt: received 80 h ago is overdue, 40 h ago has 32 h left, 1 h ago has 71 h.
        var (customerId, ids) = await ArrangeAsync(("support", 1, "en"), ("cs-interview", 80, "zh"), ("support", 40, "en"));
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);

        var html = await client.GetStringAsync($"/coding?customer={customerId}");
        Assert.Equal([ids[1], ids[2], ids[0]], WebTestSupport.RowIds(html));
        Assert.Contains("deadline-overdue", html);
        Assert.Contains("overdue by", html);
        Assert.Contains(" left", html);

        Assert.Equal([ids[2], ids[0]], WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&channel=support")));
        Assert.Equal([ids[1]], WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&lang=zh")));
        Assert.Equal(3, WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&unassigned=true")).Count);
        Assert.Empty(WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&mine=true")));

        // A bad filter is a message, not an error page.
        var bad = await client.GetAsync("/coding?customer=abc&channel=nope");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("filter-errors", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Next_page_continues_the_queue_without_overlap_and_keeps_the_filters()
    {
        var (customerId, ids) = await ArrangeAsync(Enumerable.Range(0, 55).Select(i => ("support", 100.0 - i, "en")).ToArray());
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var first = await client.GetStringAsync($"/coding?customer={customerId}");
        var next = WebTestSupport.NextLink(first);
        Assert.NotNull(next);
        Assert.Contains($"customer={customerId}", next);
        var second = await client.GetStringAsync(next);
        Assert.Equal(ids, WebTestSupport.RowIds(first).Concat(WebTestSupport.RowIds(second)).ToList());
        Assert.Null(WebTestSupport.NextLink(second));
        Assert.Contains("id=\"first-page\"", second);
    }

    [Fact]
    public async Task Product_managers_and_leadership_are_refused()
    {
        var (_, ids) = await ArrangeAsync(("support", 1, "en"));
        foreach (var role in new[] { Roles.ProductManager, Roles.Leadership })
        {
            var client = await WebTestSupport.SignedInClientAsync(App, role);
            var queue = await client.GetAsync("/coding");
            Assert.Contains("/account/denied", queue.Headers.Location?.OriginalString ?? "");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(queue.Headers.Location)).StatusCode);
            var form = await client.GetAsync($"/coding/{ids[0]}");
            Assert.Contains("/account/denied", form.Headers.Location?.OriginalString ?? "");
            Assert.DoesNotContain("href=\"/coding\"", await client.GetStringAsync("/feedback"));
        }
    }

    [Fact]
    public async Task Submit_with_a_missing_layer_shows_field_messages_and_stores_nothing()
    {
        var (_, ids) = await ArrangeAsync(("support", 1, "en"));
        var codes = await CodesAsync();
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var fields = Full(codes, 0, "submit", await TokenAsync(client, $"/coding/{ids[0]}"));
        fields.Remove("Hypothesis");
        fields.Remove("OwningDomainId");
        fields["Magnitude"] = "lots";

        var response = await PostAsync(client, $"/coding/{ids[0]}", fields);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"err-impact-magnitude\"", html);
        Assert.Contains("aria-describedby=\"err-impact-magnitude\"", html);
        Assert.Contains("error-summary", html);
        // The user's values stay in the form.
        Assert.Contains("value=\"lots\"", html);

        fields["Magnitude"] = "12.5";
        html = await (await PostAsync(client, $"/coding/{ids[0]}", fields)).Content.ReadAsStringAsync();
        Assert.Contains("id=\"err-rootCause-hypothesis\"", html);
        Assert.Contains("id=\"err-owningDomainId\"", html);
        Assert.DoesNotContain("id=\"err-impact-metricId\"", html);

        Assert.False(await App.WithDbAsync(db => db.Attributions.AnyAsync(a => a.FeedbackItemId == ids[0])));
        Assert.Equal(FeedbackStatus.New, await App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == ids[0]).Select(f => f.Status).SingleAsync()));
    }

    [Fact]
    public async Task Draft_then_submit_moves_the_item_out_of_the_queue_and_keeps_a_history()
    {
        var (customerId, ids) = await ArrangeAsync(("support", 1, "en"), ("support", 2, "en"));
        var codes = await CodesAsync();
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm, "Coder One");
        var url = $"/coding/{ids[0]}";

        var draft = new Dictionary<string, string>
        {
            ["MetricId"] = codes.MetricId.ToString(),
            ["Hypothesis"] = "Half a thought",
            ["Version"] = "0",
            ["Action"] = "draft",
            ["__RequestVerificationToken"] = await TokenAsync(client, url),
        };
        var saved = await PostAsync(client, url, draft);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(url, saved.Headers.Location?.OriginalString);
        var page = await client.GetStringAsync(url);
        Assert.Contains("Draft saved.", page);
        Assert.Contains("name=\"Version\" value=\"1\"", page);
        Assert.Contains("Half a thought", page);

        var submitted = await PostAsync(client, url, Full(codes, 1, "submit", WebTestSupport.AntiforgeryToken(page)));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.StartsWith("/coding", submitted.Headers.Location?.OriginalString);
        Assert.Contains("submitted", await client.GetStringAsync(submitted.Headers.Location));

        Assert.Equal([ids[1]], WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}")));
        var actions = await App.WithDbAsync(db => db.AttributionAuditEntries.Where(e => e.FeedbackItemId == ids[0]).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["draft", "submit"], actions);
        Assert.Equal(FeedbackStatus.Attributed, await App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == ids[0]).Select(f => f.Status).SingleAsync()));

        // The history on the page says who did what.
        var history = await client.GetStringAsync(url);
        Assert.Contains("data-action=\"submit\"", history);
        Assert.Contains("Coder One", history);
    }

    [Fact]
    public async Task A_stale_version_shows_the_colleagues_values_and_changes_nothing_until_resubmitted()
    {
        var (_, ids) = await ArrangeAsync(("support", 1, "en"));
        var codes = await CodesAsync();
        var url = $"/coding/{ids[0]}";
        var first = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var second = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var firstToken = await TokenAsync(first, url);
        var secondToken = await TokenAsync(second, url);

        // The colleague saves a draft: a submitted coding would make the item read-only (its own test below).
        var theirs = Full(codes, 0, "draft", firstToken);
        theirs["Hypothesis"] = "Colleague's reasoning";
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(first, url, theirs)).StatusCode);

        var mine = Full(codes, 0, "submit", secondToken);
        mine["Hypothesis"] = "My reasoning";
        var conflict = await PostAsync(second, url, mine);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var html = await conflict.Content.ReadAsStringAsync();
        Assert.Contains("Someone else saved this item (version 1)", html);
        Assert.Contains("Colleague&#x27;s reasoning", html);
        Assert.Contains("name=\"Version\" value=\"1\"", html);
        Assert.Equal("Colleague's reasoning", await App.WithDbAsync(db => db.Attributions.Where(a => a.FeedbackItemId == ids[0]).Select(a => a.RootCauseHypothesis).SingleAsync()));

        // A deliberate second submit with the version shown overwrites.
        mine["Version"] = "1";
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(second, url, mine)).StatusCode);
        Assert.Equal("My reasoning", await App.WithDbAsync(db => db.Attributions.Where(a => a.FeedbackItemId == ids[0]).Select(a => a.RootCauseHypothesis).SingleAsync()));
    }

    [Fact]
    public async Task An_attributed_item_is_read_only_until_it_is_reopened_with_a_reason()
    {
        var (_, ids) = await ArrangeAsync(("support", 1, "en"));
        var codes = await CodesAsync();
        var url = $"/coding/{ids[0]}";
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        var submitted = Full(codes, 0, "submit", await TokenAsync(client, url));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, url, submitted)).StatusCode);

        // The page shows the coding, not the form: no Submit, no Claim, no suggestions, no merge; re-opening asks why.
        var html = await client.GetStringAsync(url);
        Assert.Contains("id=\"coding-readonly\"", html);
        Assert.Contains("id=\"readonly-coding\"", html);
        Assert.DoesNotContain("id=\"coding-form\"", html);
        Assert.DoesNotContain("id=\"submit-coding\"", html);
        Assert.DoesNotContain("id=\"claim\"", html);
        Assert.DoesNotContain("id=\"suggested-codes\"", html);
        Assert.DoesNotContain("id=\"merge\"", html);
        Assert.Contains("id=\"r-reason\"", html);

        // A crafted post is refused too, and changes nothing.
        var edit = Full(codes, 1, "submit", WebTestSupport.AntiforgeryToken(html));
        edit["Hypothesis"] = "Changed behind the read-only page";
        var refused = await PostAsync(client, url, edit);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("read-only", await refused.Content.ReadAsStringAsync());
        Assert.NotEqual("Changed behind the read-only page", await App.WithDbAsync(db => db.Attributions.Where(a => a.FeedbackItemId == ids[0]).Select(a => a.RootCauseHypothesis).SingleAsync()));

        // Without a reason the item stays attributed; with one it opens and the reason is in the history.
        var token = WebTestSupport.AntiforgeryToken(html);
        await PostAsync(client, url + "/reopen", new() { ["__RequestVerificationToken"] = token, ["reason"] = " " });
        Assert.Equal(FeedbackStatus.Attributed, await App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == ids[0]).Select(f => f.Status).SingleAsync()));
        Assert.Contains("Say why the item is re-opened", System.Net.WebUtility.HtmlDecode(await client.GetStringAsync(url)));
        await PostAsync(client, url + "/reopen", new() { ["__RequestVerificationToken"] = token, ["reason"] = "Customer sent new figures" });
        Assert.Equal(FeedbackStatus.InProgress, await App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == ids[0]).Select(f => f.Status).SingleAsync()));
        var reopened = await client.GetStringAsync(url);
        Assert.Contains("id=\"coding-form\"", reopened);
        Assert.Contains("Customer sent new figures", reopened);
    }

    [Fact]
    public async Task Posts_without_a_valid_antiforgery_token_are_refused()
    {
        var (_, ids) = await ArrangeAsync(("support", 1, "en"));
        var codes = await CodesAsync();
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm);
        await client.GetStringAsync($"/coding/{ids[0]}");

        var tampered = Full(codes, 0, "submit", "CfDJ8-not-a-real-token");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"/coding/{ids[0]}", tampered)).StatusCode);
        var missing = Full(codes, 0, "submit", "x");
        missing.Remove("__RequestVerificationToken");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"/coding/{ids[0]}", missing)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, $"/coding/{ids[0]}/claim", new() { ["returnUrl"] = "/coding" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/coding/assign", new() { ["ids"] = ids[0].ToString() })).StatusCode);
        Assert.False(await App.WithDbAsync(db => db.Attributions.AnyAsync(a => a.FeedbackItemId == ids[0])));
        Assert.Null(await App.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == ids[0]).Select(f => f.OwnerCsmId).SingleAsync()));
    }

    [Fact]
    public async Task Waiting_reopen_merge_claim_and_bulk_assign_work_and_user_errors_are_messages()
    {
        var (customerId, ids) = await ArrangeAsync(("support", 1, "en"), ("support", 2, "en"), ("support", 3, "en"));
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Csm, "Claimer");
        var colleagueEmail = await WebTestSupport.CreateUserAsync(App, Roles.Csm, "Colleague");
        var colleagueId = await App.WithDbAsync(db => db.Users.Where(u => u.Email == colleagueEmail).Select(u => u.Id).SingleAsync());
        var url = $"/coding/{ids[0]}";
        var token = await TokenAsync(client, url);
        Dictionary<string, string> F(params (string Key, string Value)[] values) =>
            values.Append(("__RequestVerificationToken", token)).ToDictionary(v => v.Item1, v => v.Item2);
        async Task<FeedbackItem> ItemAsync(long id) => await App.WithDbAsync(db => db.FeedbackItems.AsNoTracking().SingleAsync(f => f.Id == id));

        // Waiting for the customer: a blank note is a message; a real one pauses the item.
        var blank = await PostAsync(client, $"{url}/awaiting-customer", F(("note", " ")));
        Assert.Equal(HttpStatusCode.Redirect, blank.StatusCode);
        Assert.Contains("Say what you asked the customer.", await client.GetStringAsync(url));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, $"{url}/awaiting-customer", F(("note", "Which report?")))).StatusCode);
        Assert.Equal(FeedbackStatus.AwaitingCustomer, (await ItemAsync(ids[0])).Status);
        var queue = await client.GetStringAsync($"/coding?customer={customerId}");
        Assert.Contains("badge-paused", queue);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, $"{url}/reopen", F())).StatusCode);
        Assert.Equal(FeedbackStatus.New, (await ItemAsync(ids[0])).Status);

        // Merge: not a number and itself are messages; a real survivor merges.
        await PostAsync(client, $"{url}/merge", F(("duplicateOf", "abc")));
        Assert.Contains("Give the number of the item", await client.GetStringAsync(url));
        await PostAsync(client, $"{url}/merge", F(("duplicateOf", ids[0].ToString())));
        Assert.Contains("cannot be a duplicate of itself", await client.GetStringAsync(url));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, $"{url}/merge", F(("duplicateOf", "#" + ids[1])))).StatusCode);
        var merged = await ItemAsync(ids[0]);
        Assert.Equal(FeedbackStatus.Duplicate, merged.Status);
        Assert.Equal(ids[1], merged.DuplicateOfId);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "/coding/999999999/reopen", F())).StatusCode);

        // Claim from the queue, then bulk-assign two items to a colleague.
        var claimed = await PostAsync(client, $"/coding/{ids[1]}/claim", F(("returnUrl", $"/coding?customer={customerId}")));
        Assert.Equal($"/coding?customer={customerId}", claimed.Headers.Location?.OriginalString);
        Assert.NotNull((await ItemAsync(ids[1])).OwnerCsmId);
        Assert.Equal([ids[1]], WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&mine=true")));

        var noneTicked = await PostAsync(client, "/coding/assign", F(("csm", colleagueId)));
        Assert.Equal(HttpStatusCode.Redirect, noneTicked.StatusCode);
        Assert.Contains("Tick at least one item", await client.GetStringAsync("/coding"));
        var fields = new List<KeyValuePair<string, string>>
        {
            new("ids", ids[1].ToString()), new("ids", ids[2].ToString()), new("csm", colleagueId),
            new("returnUrl", "/coding"), new("__RequestVerificationToken", token),
        };
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync("/coding/assign", new FormUrlEncodedContent(fields))).StatusCode);
        Assert.Equal(colleagueId, (await ItemAsync(ids[1])).OwnerCsmId);
        Assert.Equal(colleagueId, (await ItemAsync(ids[2])).OwnerCsmId);
        Assert.Equal([ids[2], ids[1]], WebTestSupport.RowIds(await client.GetStringAsync($"/coding?customer={customerId}&owner={colleagueId}")));
        var assigns = await App.WithDbAsync(db => db.AttributionAuditEntries.CountAsync(e => e.Action == "assign" && (e.FeedbackItemId == ids[1] || e.FeedbackItemId == ids[2])));
        Assert.Equal(3, assigns);
    }

    [Fact]
    public async Task The_coding_page_shows_the_verbatim_encoded_with_context_and_an_empty_suggestions_panel()
    {
        var reference = $"CRM-{Guid.NewGuid():N}"[..20];
        var customer = await WebTestSupport.AddCustomerAsync(App, reference, "Context Co");
        var now = DateTime.UtcNow;
        var ids = await WebTestSupport.AddFeedbackAsync(App, [
            new FeedbackItemSpec("support", reference + "-a", customer.Id, "<b>bold</b> 导出太慢", now.AddHours(-1), Language: "zh"),
            new FeedbackItemSpec("support", reference + "-b", customer.Id, "An older voice", now.AddHours(-5)),
        ]);
        var client = await WebTestSupport.SignedInClientAsync(App, Roles.Admin);
        var html = await client.GetStringAsync($"/coding/{ids[0]}");
        Assert.Equal("<b>bold</b> 导出太慢", WebTestSupport.VerbatimText(html));
        Assert.Contains("lang=\"zh\"", html);
        Assert.Contains("id=\"suggested-codes\"", html);
        Assert.Contains($"href=\"/coding/{ids[1]}\"", html);
        Assert.Contains("Active customer", html);
        Assert.Contains("Medium", html);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/coding/999999999")).StatusCode);

        // The feedback detail page links here for coders.
        Assert.Contains($"href=\"/coding/{ids[0]}\"", await client.GetStringAsync($"/feedback/{ids[0]}"));
    }
}
