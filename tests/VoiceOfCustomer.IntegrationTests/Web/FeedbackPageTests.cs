using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Web;

public sealed class FeedbackPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private Task<HttpClient> SignInAsync(string role = Roles.ProductManager) => WebTestSupport.SignedInClientAsync(fixture.App, role);

    [Fact]
    public async Task Keyset_pages_cover_every_item_once_newest_first()
    {
        var client = await SignInAsync();
        var seen = new List<long>();
        var url = "/feedback";
        var pages = 0;
        while (url is not null)
        {
            var html = await client.GetStringAsync(url);
            var ids = WebTestSupport.RowIds(html);
            Assert.NotEmpty(ids);
            if (pages > 0)
                Assert.Contains("id=\"first-page\"", html);
            seen.AddRange(ids);
            url = WebTestSupport.NextLink(html);
            if (url is not null)
                Assert.Contains("cursor=", url);
            pages++;
        }

        // Other tests in this class may add an item or two; tests in one class never run at the same time.
        var stored = await fixture.App.WithDbAsync(db => db.FeedbackItems.CountAsync());
        Assert.True(stored >= WebAppFixture.TotalItems);
        Assert.Equal((stored + 49) / 50, pages);
        Assert.Equal(stored, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Next_link_keeps_the_filters()
    {
        var client = await SignInAsync();
        var first = await client.GetStringAsync("/feedback?status=New");
        var next = WebTestSupport.NextLink(first);
        Assert.NotNull(next);
        Assert.Contains("status=New", next);

        var second = await client.GetStringAsync(next);
        var expectedNew = Enumerable.Range(0, WebAppFixture.OrdinaryItems).Count(i => WebAppFixture.StatusOf(i) == FeedbackStatus.New) + 2;
        Assert.Equal(expectedNew - 50, WebTestSupport.RowIds(second).Count);
        Assert.Empty(WebTestSupport.RowIds(first).Intersect(WebTestSupport.RowIds(second)));
        Assert.Null(WebTestSupport.NextLink(second));
    }

    [Fact]
    public async Task List_filters_by_channel_status_search_and_customer()
    {
        var client = await SignInAsync();
        var range = Enumerable.Range(0, WebAppFixture.OrdinaryItems).ToList();

        var support = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?channel=support"));
        Assert.Equal(range.Count(i => WebAppFixture.ChannelOf(i) == "support") + 1, support.Count); // + the script item
        Assert.Contains(fixture.ScriptItemId, support);

        var inProgress = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?status=InProgress"));
        Assert.Equal(range.Count(i => WebAppFixture.StatusOf(i) == FeedbackStatus.InProgress), inProgress.Count);

        // Case-insensitive for Latin letters.
        var export = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?q=export+is+slow"));
        Assert.Equal(range.Count(WebAppFixture.MentionsExport), export.Count);

        var chinese = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?q=" + Uri.EscapeDataString("导出报表")));
        Assert.Equal([fixture.ChineseItemId], chinese);

        var combined = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?channel=presales&status=InProgress&q=export"));
        Assert.Equal(range.Count(i => WebAppFixture.ChannelOf(i) == "presales" && WebAppFixture.StatusOf(i) == FeedbackStatus.InProgress && WebAppFixture.MentionsExport(i)), combined.Count);

        var zh = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?lang=zh"));
        Assert.Equal([fixture.ChineseItemId], zh);

        var oneDay = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?from=2025-02-19&to=2025-02-19"));
        Assert.Equal([fixture.ScriptItemId], oneDay);

        var customerPage = await client.GetStringAsync($"/feedback?customer={fixture.OtherCustomerId}");
        Assert.Equal(range.Count(i => i % 3 == 0) + 1, WebTestSupport.RowIds(customerPage).Count);
        Assert.Contains("华东制造有限公司", customerPage);
    }

    [Fact]
    public async Task Filter_form_shows_channels_from_the_catalog_and_keeps_the_selection()
    {
        var client = await SignInAsync();
        var html = await client.GetStringAsync("/feedback?channel=survey&q=%3Cb%3E");
        foreach (var (key, _) in TestData.Channels)
            Assert.Contains($"<option value=\"{key}\"", html);
        // The options read as the channels' names, never their keys.
        Assert.Contains("<option value=\"survey\" selected=\"selected\">Survey (NPS / CSAT)</option>", html);
        Assert.Contains("value=\"&lt;b&gt;\"", html);
        Assert.Contains("No feedback matches these filters", html);
        Assert.Contains("clear filters", html);
    }

    [Fact]
    public async Task Invalid_filter_values_give_a_message_not_an_error()
    {
        var client = await SignInAsync();

        var badCursor = await client.GetAsync("/feedback?cursor=not-a-real-cursor!!");
        Assert.Equal(HttpStatusCode.OK, badCursor.StatusCode);
        var html = await badCursor.Content.ReadAsStringAsync();
        Assert.Contains("The page link is not valid", html);
        Assert.Equal(50, WebTestSupport.RowIds(html).Count);

        var bad = await client.GetAsync("/feedback?status=Bogus&customer=abc&from=yesterday&lang=%3Cx%3E&channel=nope");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        html = await bad.Content.ReadAsStringAsync();
        Assert.Contains("&quot;Bogus&quot; is not a status", html);
        Assert.Contains("No customer&#x27;s name or reference contains &quot;abc&quot;", html);
        Assert.Contains("&quot;yesterday&quot; is not a date", html);
        Assert.Contains("&quot;&lt;x&gt;&quot; is not a language tag", html);
        Assert.Contains("There is no channel &quot;nope&quot;", html);
        Assert.DoesNotContain("<x>", html);

        var reversed = await client.GetStringAsync("/feedback?from=2025-03-01&to=2025-01-01");
        Assert.Contains("after the", reversed);
    }

    [Fact]
    public async Task Detail_encodes_markup_and_keeps_whitespace_exactly()
    {
        var client = await SignInAsync();
        var response = await client.GetAsync($"/feedback/{fixture.ScriptItemId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("<blockquote class=\"verbatim\" id=\"verbatim\" lang=\"en\">&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;", html);
        // Line breaks may be written as character references; decoded, the text is exactly what was received.
        Assert.Equal(WebAppFixture.ScriptVerbatim, WebTestSupport.VerbatimText(html));
        // Metadata is pretty-printed and encoded too.
        Assert.Contains("&quot;ticket&quot;: &quot;&lt;b&gt;T-1&lt;/b&gt;&quot;", html);
        Assert.DoesNotContain("<b>T-1</b>", html);
        Assert.Contains("Not coded yet", html);
        Assert.Contains("Acme Logistics", html);
        Assert.Contains("CRM-1001", html);
        Assert.Contains("<dd id=\"touchpoint\">Support ticket</dd>", html);
        Assert.DoesNotContain("SupportTicket", html);
        Assert.Contains("ext-script", html);
    }

    [Fact]
    public async Task Detail_shows_chinese_exactly_with_its_language()
    {
        var client = await SignInAsync(Roles.Leadership);
        var response = await client.GetAsync($"/feedback/{fixture.ChineseItemId}");
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<blockquote class=\"verbatim\" id=\"verbatim\" lang=\"zh\">导出报表太慢了，", html);
        Assert.Equal(WebAppFixture.ChineseVerbatim, WebTestSupport.VerbatimText(html));
        Assert.Contains("华东制造有限公司", html);
        Assert.Contains("&quot;来源&quot;: &quot;访谈&quot;", html);
    }

    [Fact]
    public async Task Detail_shows_the_attribution_chain_and_the_contact()
    {
        var id = await WebTestSupport.AddFeedbackAsync(fixture.App, new FeedbackItemSpec(
            "survey", "ext-coded", fixture.CustomerId, "Renewal is at risk because reports are slow.", WebAppFixture.Newest.AddDays(-30)));
        await fixture.App.WithDbAsync(async db =>
        {
            var contact = new Contact { CustomerId = fixture.CustomerId, Name = "Dana Buyer", Email = "dana@acme.test", Role = ContactRole.Buyer };
            var domain = new OwningDomain { Key = "reporting", Name = "Reporting team", OwnerEmail = "lead@voc.test" };
            var metric = new BusinessMetric { Key = "nrr", Name = "Net revenue retention" };
            var gap = new CapabilityGap { Key = "slow-export", Name = "Slow report export", OwningDomain = domain };
            var tag = new Tag { Key = "perf", Name = "performance" };
            db.AddRange(contact, domain, metric, gap, tag);
            await db.SaveChangesAsync();
            var item = await db.FeedbackItems.SingleAsync(f => f.Id == id);
            item.ContactId = contact.Id;
            item.Status = FeedbackStatus.Attributed;
            db.Attributions.Add(new Attribution
            {
                FeedbackItemId = id,
                BusinessMetricId = metric.Id,
                ImpactDirection = ImpactDirection.Down,
                ImpactMagnitude = 2.5m,
                ImpactUnit = "%",
                CapabilityGapId = gap.Id,
                RootCauseHypothesis = "Exports run <synchronously>.",
                OwningDomainId = domain.Id,
                ValueDimension = ValueDimension.Pain,
                VoiceRole = VoiceRole.Buyer,
                State = AttributionState.Submitted,
                Version = 2,
                UpdatedAt = WebAppFixture.Newest,
                Tags = [new AttributionTag { TagId = tag.Id }],
            });
            await db.SaveChangesAsync();
            return 0;
        });

        var client = await SignInAsync();
        var html = await client.GetStringAsync($"/feedback/{id}");
        Assert.DoesNotContain("Not coded yet", html);
        Assert.Contains("Net revenue retention", html);
        Assert.Contains("↓ down", html);
        Assert.Contains("by 2.5 %", html);
        Assert.Contains("Slow report export", html);
        Assert.Contains("Exports run &lt;synchronously&gt;.", html);
        Assert.Contains("Reporting team", html);
        Assert.Contains("<li>performance</li>", html);
        Assert.Contains("Dana Buyer", html);
        Assert.Contains("dana@acme.test", html);
        Assert.Contains("Buyer (pays)", html);
        Assert.Contains("125,000.00", html);
    }

    [Fact]
    public async Task Missing_item_and_unknown_pages_are_friendly_404s_while_api_keeps_problem_details()
    {
        var client = await SignInAsync();

        var missing = await client.GetAsync("/feedback/987654321");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Feedback not found", await missing.Content.ReadAsStringAsync());

        var unknown = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("text/html", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Page not found", await unknown.Content.ReadAsStringAsync());

        var api = await WebTestSupport.Client(fixture.App).GetAsync("/api/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Empty_database_explains_how_to_get_feedback_in()
    {
        using var app = new VocAppFactory();
        await app.EnsureChannelsAsync();
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);

        var html = await client.GetStringAsync("/feedback");
        Assert.Contains("No feedback yet", html);
        Assert.Contains("POST /api/feedback", html);
        Assert.Contains("voc seed", html);
        Assert.Empty(WebTestSupport.RowIds(html));
    }
}
