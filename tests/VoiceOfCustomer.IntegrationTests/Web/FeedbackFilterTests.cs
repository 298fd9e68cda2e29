using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Web;

/// <summary>
/// The feedback list's filters by the coding's layers, segment and customer text, alone and combined, walked page by
/// page (keyset paging must keep every filter), and the taxonomy pages' counts that link to them: on both providers.
/// </summary>
public abstract class FeedbackFilterTests : IAsyncLifetime
{
    private const int Items = 240;
    private static readonly DateTime Newest = new(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private VocAppFactory _app = null!;
    private HttpClient _client = null!;
    private readonly List<Voice> _voices = [];
    private int[] _customers = [];
    private int _archivedGapItems;

    protected abstract TestDatabase CreateDatabase();

    /// <summary>One stored item and what it was coded with (null: not coded).</summary>
    private sealed record Voice(long Id, int Index, int CustomerIndex, string Channel, string? Metric, string? Gap, string? Domain, string[] Tags)
    {
        public DateTime ReceivedAt => Newest.AddMinutes(-(Index / 2)); // pairs share a timestamp: ties for the keyset
    }

    private static readonly (string Reference, string Name, string? Segment)[] CustomerSpecs =
    [
        ("CRM-1001", "Acme Logistics", "filter-seg-a"),
        ("ACME-002", "ACME Retail", "filter-seg-b"),
        ("42", "华东制造有限公司", null),
        ("B-4", "Borealis Foods", "filter-seg-a"),
    ];

    private static string? MetricOf(int i) => i % 3 == 0 ? null : i % 2 == 0 ? "filter-metric-1" : "filter-metric-2";
    private static string? GapOf(int i) => i % 3 == 0 ? null : i % 7 == 0 ? "filter-gap-retired" : (i / 3) % 2 == 0 ? "filter-gap-1" : "filter-gap-2";
    private static string? DomainOf(int i) => i % 3 == 0 ? null : i % 5 < 3 ? "filter-domain-1" : "filter-domain-2";
    private static string[] TagsOf(int i) => i % 3 == 0 ? [] : [.. new[] { i % 4 == 1 ? "filter-tag-1" : null, i % 5 == 2 ? "filter-tag-2" : null }.OfType<string>()];

    public async Task InitializeAsync()
    {
        _app = new VocAppFactory(CreateDatabase());
        await _app.EnsureChannelsAsync();
        var ids = await _app.WithDbAsync(async db =>
        {
            db.Segments.AddRange(
                new Segment { Key = "filter-seg-a", Name = "Filter segment A", NameZh = "筛选分层甲" },
                new Segment { Key = "filter-seg-b", Name = "Filter segment B" });
            var domains = new[] { "filter-domain-1", "filter-domain-2" }.Select(k => new OwningDomain { Key = k, Name = "Domain " + k[^1], OwnerEmail = k + "@example.test" }).ToList();
            db.OwningDomains.AddRange(domains);
            db.BusinessMetrics.AddRange(new BusinessMetric { Key = "filter-metric-1", Name = "Metric one", NameZh = "指标一" }, new BusinessMetric { Key = "filter-metric-2", Name = "Metric two" });
            db.CapabilityGaps.AddRange(
                new CapabilityGap { Key = "filter-gap-1", Name = "Gap one" }, new CapabilityGap { Key = "filter-gap-2", Name = "Gap two" },
                new CapabilityGap { Key = "filter-gap-retired", Name = "Gap retired" });
            db.Tags.AddRange(new Tag { Key = "filter-tag-1", Name = "Tag one" }, new Tag { Key = "filter-tag-2", Name = "Tag two" });
            await db.SaveChangesAsync();
            var segments = await db.Segments.ToDictionaryAsync(s => s.Key, s => s.Id);
            var customers = CustomerSpecs.Select(c => new Customer
            {
                Reference = c.Reference, ReferenceNormalized = Customer.Normalize(c.Reference), Name = c.Name,
                SegmentId = c.Segment is null ? null : segments[c.Segment], CreatedAt = DateTime.UtcNow,
            }).ToList();
            db.Customers.AddRange(customers);
            await db.SaveChangesAsync();
            return customers.Select(c => c.Id).ToArray();
        });
        _customers = ids;

        var specs = Enumerable.Range(0, Items).Select(i => new FeedbackItemSpec(
            TestData.Channels[i % 5].Key, $"flt-{i}", _customers[i % 4], $"Voice {i}", Newest.AddMinutes(-(i / 2)))).ToList();
        var itemIds = await WebTestSupport.AddFeedbackAsync(_app, specs);
        _voices.AddRange(Enumerable.Range(0, Items).Select(i => new Voice(itemIds[i], i, i % 4, specs[i].Channel, MetricOf(i), GapOf(i), DomainOf(i), TagsOf(i))));

        await _app.WithDbAsync(async db =>
        {
            var metrics = await db.BusinessMetrics.ToDictionaryAsync(m => m.Key, m => m.Id);
            var gaps = await db.CapabilityGaps.ToDictionaryAsync(g => g.Key, g => g.Id);
            var domains = await db.OwningDomains.ToDictionaryAsync(d => d.Key, d => d.Id);
            var tags = await db.Tags.ToDictionaryAsync(t => t.Key, t => t.Id);
            foreach (var voice in _voices.Where(v => v.Metric is not null))
            {
                db.Attributions.Add(new Attribution
                {
                    FeedbackItemId = voice.Id,
                    BusinessMetricId = metrics[voice.Metric!], ImpactDirection = ImpactDirection.Down,
                    CapabilityGapId = gaps[voice.Gap!], OwningDomainId = domains[voice.Domain!],
                    // Drafts count too: a filter shows what the coding says so far.
                    State = voice.Index % 2 == 0 ? AttributionState.Submitted : AttributionState.Draft,
                    Version = 1, UpdatedAt = DateTime.UtcNow,
                    Tags = [.. voice.Tags.Select(t => new AttributionTag { TagId = tags[t] })],
                });
            }
            await db.SaveChangesAsync();
            // Retired after coding: it still filters by link, but is no longer offered in the drop-down.
            await db.CapabilityGaps.Where(g => g.Key == "filter-gap-retired").ExecuteUpdateAsync(s => s.SetProperty(g => g.IsArchived, true));
            return 0;
        });
        _archivedGapItems = _voices.Count(v => v.Gap == "filter-gap-retired");
        _client = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
    }

    public Task DisposeAsync()
    {
        _client?.Dispose();
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Every row the list shows for <paramref name="query"/>, following "Next page" to the end.</summary>
    private async Task<List<long>> AllRowsAsync(string query)
    {
        var rows = new List<long>();
        string? next = "/feedback?" + query;
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 20, "The pager does not end.");
            var response = await _client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("id=\"filter-errors\"", html);
            rows.AddRange(WebTestSupport.RowIds(html));
            next = WebTestSupport.NextLink(html);
        }
        return rows;
    }

    private List<long> Expected(Func<Voice, bool> predicate) =>
        _voices.Where(predicate).OrderByDescending(v => v.ReceivedAt).ThenByDescending(v => v.Id).Select(v => v.Id).ToList();

    [Fact]
    public async Task Each_filter_alone_and_combined_lists_exactly_its_items_across_pages()
    {
        var gapOne = Expected(v => v.Gap == "filter-gap-1");
        Assert.True(gapOne.Count > 50, "the test needs more than one page");
        Assert.Equal(gapOne, await AllRowsAsync("gap=filter-gap-1"));
        Assert.Equal(Expected(v => v.Metric == "filter-metric-2"), await AllRowsAsync("metric=FILTER-METRIC-2")); // keys in any case
        Assert.Equal(Expected(v => v.Domain == "filter-domain-2"), await AllRowsAsync("domain=filter-domain-2"));
        Assert.Equal(Expected(v => v.Tags.Contains("filter-tag-2")), await AllRowsAsync("tag=filter-tag-2"));
        Assert.Equal(Expected(v => CustomerSpecs[v.CustomerIndex].Segment == "filter-seg-a"), await AllRowsAsync("segment=filter-seg-a"));
        Assert.Equal(Expected(v => v.Gap == "filter-gap-retired"), await AllRowsAsync("gap=filter-gap-retired"));

        Assert.Equal(Expected(v => v.Gap == "filter-gap-2" && v.Tags.Contains("filter-tag-1")), await AllRowsAsync("gap=filter-gap-2&tag=filter-tag-1"));
        Assert.Equal(Expected(v => v.Metric == "filter-metric-1" && CustomerSpecs[v.CustomerIndex].Segment == "filter-seg-a" && v.Domain == "filter-domain-1"),
            await AllRowsAsync("metric=filter-metric-1&segment=filter-seg-a&domain=filter-domain-1"));
        Assert.Equal(Expected(v => v.Channel == "support" && v.Gap == "filter-gap-1" && v.CustomerIndex == 0),
            await AllRowsAsync("channel=support&gap=filter-gap-1&customer=crm-1001"));
    }

    [Fact]
    public async Task The_customer_filter_takes_a_name_or_a_reference_and_still_the_old_id_links()
    {
        Assert.Equal(Expected(v => v.CustomerIndex == 0), await AllRowsAsync("customer=CRM-1001"));
        Assert.Equal(Expected(v => v.CustomerIndex is 0 or 1), await AllRowsAsync("customer=acme")); // name, any case
        Assert.Equal(Expected(v => v.CustomerIndex == 2), await AllRowsAsync("customer=" + Uri.EscapeDataString("华东")));
        Assert.Equal(Expected(v => v.CustomerIndex == 2), await AllRowsAsync("customer=42")); // a reference that looks like an id
        Assert.Equal(Expected(v => v.CustomerIndex == 3), await AllRowsAsync($"customerId={_customers[3]}"));
        Assert.Equal(Expected(v => v.CustomerIndex == 3), await AllRowsAsync($"customer={_customers[3]}")); // the old link

        var html = await _client.GetStringAsync($"/feedback?customerId={_customers[0]}");
        Assert.Contains("value=\"CRM-1001\"", html); // the text box shows the reference, so "Apply" keeps the filter
        Assert.Contains("Acme Logistics (CRM-1001)", html);
        Assert.Contains($"href=\"/feedback?customerId={_customers[0]}\"", html); // the rows' customer links

        var none = await _client.GetAsync("/feedback?customer=nobody-like-this");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        var noneHtml = await none.Content.ReadAsStringAsync();
        Assert.Empty(WebTestSupport.RowIds(noneHtml));
        Assert.Contains("No customer&#x27;s name or reference contains &quot;nobody-like-this&quot;", noneHtml);

        await _app.WithDbAsync(async db =>
        {
            db.Customers.AddRange(Enumerable.Range(0, 201).Select(i => new Customer
            {
                Reference = $"BULK-{i}", ReferenceNormalized = $"BULK-{i}", Name = $"Bulk buyer {i}", CreatedAt = DateTime.UtcNow,
            }));
            return await db.SaveChangesAsync();
        });
        var many = await _client.GetStringAsync("/feedback?customer=bulk");
        Assert.Contains("More than 200 customers match &quot;bulk&quot;", many);
        Assert.Equal(50, WebTestSupport.RowIds(many).Count); // ignored, so the whole list

        var bad = await _client.GetStringAsync("/feedback?customerId=abc");
        Assert.Contains("&quot;abc&quot; is not a customer id", bad);
        Assert.Contains("There is no customer with the id 999999", await _client.GetStringAsync("/feedback?customerId=999999"));
    }

    [Fact]
    public async Task Unknown_filter_values_are_named_and_ignored_never_a_500()
    {
        var response = await _client.GetAsync("/feedback?gap=nope&metric=%3Cx%3E&domain=d&tag=t&segment=s&customer=" + new string('x', 300));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is no capability gap &quot;nope&quot;", html);
        Assert.Contains("There is no business metric &quot;&lt;x&gt;&quot;", html);
        Assert.Contains("There is no owning domain &quot;d&quot;", html);
        Assert.Contains("There is no tag &quot;t&quot;", html);
        Assert.Contains("There is no segment &quot;s&quot;", html);
        Assert.Contains("The customer text is longer than 200 characters", html);
        Assert.DoesNotContain("<x>", html);
        Assert.Equal(50, WebTestSupport.RowIds(html).Count);

        // The drop-downs offer current entries by name, retired ones only while selected.
        var form = await _client.GetStringAsync("/feedback");
        Assert.Contains("<option value=\"filter-gap-1\">Gap one</option>", form);
        Assert.DoesNotContain("filter-gap-retired", form);
        Assert.Contains("<option value=\"filter-gap-retired\" selected=\"selected\">Gap retired</option>", await _client.GetStringAsync("/feedback?gap=filter-gap-retired"));
    }

    [Fact]
    public async Task Taxonomy_lists_count_the_voices_and_each_count_links_to_them()
    {
        foreach (var (slug, parameter, key, count) in new[]
        {
            ("gaps", "gap", "filter-gap-1", _voices.Count(v => v.Gap == "filter-gap-1")),
            ("gaps", "gap", "filter-gap-retired", _archivedGapItems),
            ("metrics", "metric", "filter-metric-1", _voices.Count(v => v.Metric == "filter-metric-1")),
            ("domains", "domain", "filter-domain-2", _voices.Count(v => v.Domain == "filter-domain-2")),
            ("tags", "tag", "filter-tag-1", _voices.Count(v => v.Tags.Contains("filter-tag-1"))),
        })
        {
            var html = await _client.GetStringAsync($"/taxonomy/{slug}");
            var link = $"/feedback?{parameter}={key}";
            var cell = System.Text.RegularExpressions.Regex.Match(html, $"<td data-count=\"(\\d+)\">\\s*<a href=\"{System.Text.RegularExpressions.Regex.Escape(link)}\"[^>]*>(\\d+)</a>");
            Assert.True(cell.Success, $"/taxonomy/{slug} has no count linking to {link}");
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), cell.Groups[1].Value);
            Assert.Equal(cell.Groups[1].Value, cell.Groups[2].Value);
            Assert.Equal(count, (await AllRowsAsync($"{parameter}={key}")).Count);
        }

        // An entry no voice is coded with shows 0, without a link.
        await _app.WithDbAsync(async db => { db.Tags.Add(new Tag { Key = "filter-tag-unused", Name = "Unused tag" }); return await db.SaveChangesAsync(); });
        var tags = await _client.GetStringAsync("/taxonomy/tags");
        Assert.DoesNotContain("/feedback?tag=filter-tag-unused", tags);
        Assert.Matches("Unused tag</a></td>(.|\\n)*?<td data-count=\"0\">", tags);
    }
}

public sealed class FeedbackFilterSqliteTests : FeedbackFilterTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();
}

public sealed class FeedbackFilterPostgresTests : FeedbackFilterTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class FeedbackFilterSqlServerTests : FeedbackFilterTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
