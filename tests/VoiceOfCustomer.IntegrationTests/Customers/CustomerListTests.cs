using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>The customer list on SQLite: every sort walked page by page, each filter, bad filters, the CSV export, the empty state.</summary>
public sealed class CustomerListTests(CustomersFixture fixture) : IClassFixture<CustomersFixture>
{
    private Task<HttpClient> SignInAsync(string role = Roles.Csm) => WebTestSupport.SignedInClientAsync(fixture.App, role);

    [Theory]
    [InlineData("clv", "desc")]
    [InlineData("clv", "asc")]
    [InlineData("p-alive", "desc")]
    [InlineData("p-alive", "asc")]
    [InlineData("arr", "desc")]
    [InlineData("arr", "asc")]
    [InlineData("name", "asc")]
    [InlineData("name", "desc")]
    [InlineData("last-activity", "desc")]
    [InlineData("last-activity", "asc")]
    public async Task Pages_walk_every_customer_once_in_the_order_with_the_unvalued_last(string sort, string dir)
    {
        var client = await SignInAsync();
        var expected = await ExpectedAsync(_ => true, sort, dir == "desc");
        Assert.True(expected.Count > 2 * CustomerListViewModelPageSize, "The fixture should fill more than two pages.");

        var seen = await AllRowsAsync(client, $"/customers?sort={sort}&dir={dir}");
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task The_default_order_is_predicted_CLV_highest_first_with_the_count_and_sort_marks()
    {
        var client = await SignInAsync(Roles.Leadership);
        var html = await client.GetStringAsync("/customers");
        var expected = await ExpectedAsync(_ => true, "clv", descending: true);
        Assert.Equal(expected.Take(CustomerListViewModelPageSize), WebTestSupport.RowIds(html).Select(id => (int)id));
        Assert.Contains($"<span class=\"muted\" id=\"matching\">({expected.Count} match)</span>", html);
        Assert.Matches("aria-sort=\"descending\"><a [^>]*id=\"sort-clv\"", html);
        // The CLV header now links to the other direction; the others to their usual one.
        Assert.Matches("href=\"/customers\\?sort=clv&amp;dir=asc\" id=\"sort-clv\"|id=\"sort-clv\" href=\"/customers\\?sort=clv&amp;dir=asc\"", html);
        Assert.Contains("/customers?sort=name&amp;dir=asc", html);
        Assert.Contains("/customers?sort=p-alive&amp;dir=desc", html);
    }

    [Fact]
    public async Task Each_filter_narrows_the_list_and_the_filters_combine()
    {
        var client = await SignInAsync();
        async Task Check(string query, Func<Customer, bool> match, string sort = "clv")
        {
            var expected = await ExpectedAsync(match, sort, descending: true);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await AllRowsAsync(client, "/customers?" + query));
        }
        await Check("segment=enterprise", c => c.SegmentId == fixture.EnterpriseId);
        await Check("segment=SMB", c => c.SegmentId == fixture.SmbId);
        await Check("stage=ChurnRisk", c => c.LifecycleStage == LifecycleStage.ChurnRisk);
        await Check("tier=Top", c => c.ValueTier == ValueTier.Top);
        await Check("model=Purchases", c => c.ValueModel == ValueModel.Purchases);
        await Check("csm=" + Uri.EscapeDataString(fixture.CsmId), c => c.CsmUserId == fixture.CsmId);
        await Check("q=bulk+01", c => c.Name.StartsWith("Bulk 01", StringComparison.Ordinal));
        await Check("q=detail-1", c => c.Reference == CustomersFixture.DetailReference);
        await Check("segment=enterprise&stage=Prospect&csm=" + Uri.EscapeDataString(fixture.CsmId) + "&sort=arr",
            c => c.SegmentId == fixture.EnterpriseId && c.LifecycleStage == LifecycleStage.Prospect && c.CsmUserId == fixture.CsmId, "arr");
    }

    [Fact]
    public async Task Next_links_keep_the_filters_and_the_sort()
    {
        var client = await SignInAsync();
        var first = await client.GetStringAsync("/customers?q=bulk&sort=name&dir=desc");
        var next = WebTestSupport.NextLink(first);
        Assert.NotNull(next);
        Assert.Contains("q=bulk", next);
        Assert.Contains("sort=name", next);
        Assert.Contains("dir=desc", next);
        var second = await client.GetStringAsync(next);
        Assert.Contains("id=\"first-page\"", second);
        Assert.Empty(WebTestSupport.RowIds(first).Intersect(WebTestSupport.RowIds(second)));
    }

    [Fact]
    public async Task A_filter_that_cannot_be_used_is_named_and_ignored()
    {
        var client = await SignInAsync();
        var response = await client.GetAsync("/customers?segment=nope&stage=Soon&tier=7&model=%3Cb%3E&csm=ghost&sort=colour&dir=up&cursor=zzz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is no segment &quot;nope&quot;", html);
        Assert.Contains("&quot;Soon&quot; is not a lifecycle stage", html);
        Assert.Contains("&quot;7&quot; is not a value tier", html);
        Assert.Contains("&quot;&lt;b&gt;&quot; is not a value model", html);
        Assert.Contains("There is no CSM with the id &quot;ghost&quot;", html);
        Assert.Contains("&quot;colour&quot; is not a column the list sorts by", html);
        Assert.Contains("&quot;up&quot; is not a sort direction", html);
        Assert.Contains("The page link is not valid", html);
        Assert.DoesNotContain("<b>", html);
        var expected = await ExpectedAsync(_ => true, "clv", descending: true);
        Assert.Equal(expected.Take(CustomerListViewModelPageSize), WebTestSupport.RowIds(html).Select(id => (int)id));
    }

    [Fact]
    public async Task Nothing_matching_says_so_and_offers_to_clear_the_filters()
    {
        var client = await SignInAsync();
        var html = await client.GetStringAsync("/customers?q=nobody-is-called-this");
        Assert.Empty(WebTestSupport.RowIds(html));
        Assert.Contains("No customers match these filters", html);
        Assert.Contains("<a href=\"/customers\">clear filters</a>", html);
    }

    [Fact]
    public async Task The_export_is_the_filtered_list_in_its_order()
    {
        var client = await SignInAsync(Roles.ProductManager);
        var response = await client.GetAsync("/customers/export.csv?segment=enterprise&sort=arr&dir=asc");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"customers-", response.Content.Headers.ContentDisposition?.ToString() ?? response.Headers.GetValues("Content-Disposition").First());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var rows = Csv(Encoding.UTF8.GetString(bytes[3..]));
        Assert.Equal(["reference", "name", "segment", "lifecycle_stage", "predicted_clv", "p_alive", "value_tier", "value_model", "arr", "ltv_to_cac", "csm", "last_activity_utc"], rows[0]);

        var expected = await ExpectedAsync(c => c.SegmentId == fixture.EnterpriseId, "arr", descending: false);
        var references = await fixture.App.WithDbAsync(db => db.Customers.ToDictionaryAsync(c => c.Id, c => c.Reference));
        Assert.Equal(expected.Select(id => references[id]), rows.Skip(1).Select(r => r[0]));

        var detail = rows.Single(r => r[0] == CustomersFixture.DetailReference);
        Assert.Equal([CustomersFixture.DetailReference, CustomersFixture.DetailName, "Enterprise", "Churn risk", "250000.00", "0.23", "Top tier",
            "Contract renewals (shifted-beta-geometric)", "120000.00", "5", fixture.CsmName, "2026-05-04T10:00:00Z"], detail);
    }

    [Fact]
    public async Task The_export_defuses_cells_a_spreadsheet_would_run_as_formulas()
    {
        var client = await SignInAsync();
        var text = Encoding.UTF8.GetString((await client.GetByteArrayAsync("/customers/export.csv?sort=name"))[3..]);
        var rows = Csv(text);
        Assert.Contains(rows, r => r[0] == "'=1+2" && r[1] == "'+SUM(A1:A9)");
        Assert.Contains(rows, r => r[0] == "'-X1" && r[1] == "'@cmd");
        Assert.Contains(rows, r => r[0] == "FORMULA-3" && r[1] == "'=HYPERLINK(\"http://evil.test\")");
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.test\"\")\"", text);
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Length > 0 && "=+-@".Contains(cell[0], StringComparison.Ordinal));
        Assert.Equal(await fixture.App.WithDbAsync(db => db.Customers.CountAsync()) + 1, rows.Count);
    }

    [Fact]
    public async Task The_export_refuses_a_filter_it_cannot_use_naming_the_field()
    {
        var client = await SignInAsync();
        var response = await client.GetAsync("/customers/export.csv?stage=Soon&segment=enterprise");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"stage\"", body);
        Assert.Contains("is not a lifecycle stage", body);
        Assert.DoesNotContain("\"segment\"", body);
    }

    [Fact]
    public async Task Without_customers_the_list_says_how_to_get_them_in()
    {
        using var app = new VocAppFactory();
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);
        var html = await client.GetStringAsync("/customers");
        Assert.Contains("No customers yet", html);
        Assert.Contains("<code>POST /api/customers</code>", html);
        Assert.Contains("href=\"/import\"", html);
        Assert.DoesNotContain("id=\"export-csv\"", html);
        Assert.DoesNotContain("id=\"next-page\"", html);
    }

    private const int CustomerListViewModelPageSize = VoiceOfCustomer.Web.Features.Customers.CustomerListViewModel.PageSize;

    private static async Task<List<int>> AllRowsAsync(HttpClient client, string url)
    {
        var seen = new List<int>();
        for (string? next = url; next is not null;)
        {
            var html = await client.GetStringAsync(next);
            var ids = WebTestSupport.RowIds(html);
            Assert.True(ids.Count <= CustomerListViewModelPageSize);
            seen.AddRange(ids.Select(id => (int)id));
            next = WebTestSupport.NextLink(html);
            Assert.True(seen.Count < 10_000, "The pages do not end.");
        }
        return seen;
    }

    /// <summary>The ids in the list's order, from the stored rows: valued by the sort (ties by id the same way), then the unvalued by id.</summary>
    private async Task<List<int>> ExpectedAsync(Func<Customer, bool> match, string sort, bool descending)
    {
        var all = await fixture.App.WithDbAsync(db => db.Customers.AsNoTracking().ToListAsync());
        var rows = all.Where(match).ToList();
        object? Key(Customer c) => sort switch
        {
            "clv" => c.LifetimeValue,
            "p-alive" => c.ProbabilityAlive,
            "arr" => c.AnnualRecurringRevenue,
            "name" => c.Name,
            _ => c.LastActivityAt,
        };
        // Names compare as SQLite's binary collation does.
        IComparer<object?> comparer = Comparer<object?>.Create((a, b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : Comparer<object?>.Default.Compare(a, b));
        var valued = rows.Where(c => Key(c) is not null);
        var ordered = descending ? valued.OrderByDescending(Key, comparer).ThenByDescending(c => c.Id) : valued.OrderBy(Key, comparer).ThenBy(c => c.Id);
        return ordered.Concat(rows.Where(c => Key(c) is null).OrderBy(c => c.Id)).Select(c => c.Id).ToList();
    }

    /// <summary>RFC 4180 rows (quoted cells with doubled quotes, CRLF line ends).</summary>
    private static List<string[]> Csv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString()); cell.Clear(); rows.Add([.. row]); row.Clear(); i++;
            }
            else cell.Append(c);
        }
        Assert.True(cell.Length == 0 && row.Count == 0, "The CSV does not end with a line end.");
        return rows;
    }
}
