using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>A customer's page: each coordinate with its why, behaviour, history, contracts, purchases, contacts, voices, pain points; 404.</summary>
public sealed partial class CustomerPageTests(CustomersFixture fixture) : IClassFixture<CustomersFixture>
{
    private async Task<string> PageAsync(string reference, string language = "en", string role = Roles.Csm)
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, role);
        client.DefaultRequestHeaders.Add("Accept-Language", language);
        var response = await client.GetAsync("/customers/" + Uri.EscapeDataString(reference));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task The_header_and_the_stage_panel_say_where_the_customer_is_and_why()
    {
        var html = await PageAsync("detail-1"); // any case
        Assert.Contains($"<h1 id=\"customer-name\">{CustomersFixture.DetailName}</h1>", html);
        Assert.Contains("<p id=\"header-segment\">Segment: <strong>Enterprise</strong></p>", html);
        Assert.Contains("<p id=\"header-stage\">Lifecycle stage: <strong>Churn risk</strong></p>", html);
        Assert.Contains("The probability that the customer is still active is 23%, low (last activity 4 May 2026 10:00).", Section(html, "stage-panel"));
        Assert.Contains("31 Dec 2026", Section(html, "stage-panel")); // the contract that ends last
    }

    [Fact]
    public async Task The_value_panel_names_the_figures_and_the_model()
    {
        var value = Section(await PageAsync(CustomersFixture.DetailReference), "value-panel");
        Assert.Contains("<dd id=\"value-arr\">120,000</dd>", value);
        Assert.Contains("<dd id=\"value-cac\">50,000</dd>", value);
        Assert.Contains("<dd id=\"value-clv\">250,000</dd>", value);
        Assert.Contains("<dd id=\"value-ltv-cac\">5.0×</dd>", value);
        Assert.Contains("<dd id=\"value-tier\">Top tier</dd>", value);
        Assert.Contains(">23%</dd>", value);
        Assert.Contains("<dd id=\"value-expected\">3.46</dd>", value);
        Assert.Contains("Contract renewals (shifted-beta-geometric)", value);
        Assert.Contains("scored 1 May 2026 06:00", value);

        var unscored = Section(await PageAsync(CustomersFixture.BulkReference(1)), "value-panel");
        Assert.Contains("Not scored yet", unscored);
        Assert.DoesNotContain("scored 1", unscored);
    }

    [Fact]
    public async Task The_segment_panel_gives_the_rule_the_owners_and_the_programme()
    {
        var segment = Section(await PageAsync(CustomersFixture.DetailReference), "segment-panel");
        Assert.Contains("it is the first segment whose rule matches: <span lang=\"en\">ARR ≥ 500k or more than 200 stores / sites</span>", segment);
        Assert.Contains($"<dd>{fixture.CsmName}</dd>", segment);
        Assert.Contains("<dd>Sam Sales</dd>", segment);
        Assert.Contains("<dd>Enterprise</dd>", segment); // the plan, in words
        Assert.Contains("<dd>12</dd>", segment);
        Assert.Contains("<dd>Member</dd>", segment);

        var none = Section(await PageAsync(CustomersFixture.BulkReference(2)), "segment-panel");
        Assert.Contains("No segment: no segment&#x27;s rule matches this customer yet.", none);
    }

    [Fact]
    public async Task The_behaviour_panel_shows_the_latest_periods_per_metric_with_unit_and_direction()
    {
        var html = await PageAsync(CustomersFixture.DetailReference);
        var behaviour = Section(html, "behaviour-panel");
        Assert.Contains("Voices in the last 90 days: 7. Community posts in the last 90 days: 2.", behaviour);
        var headers = PeriodHeader().Matches(behaviour).Select(m => m.Groups[1].Value).ToList();
        // Months and quarters together, by start: the latest six columns any metric has.
        Assert.Equal(["2026-04", "2026Q2", "2026-05", "2026-06", "2026-07", "2026-08"], headers);
        Assert.Contains("Test feature adoption", behaviour);
        Assert.Contains("title=\"Higher is better\"", behaviour);
        Assert.Contains("title=\"Lower is better\"", behaviour);
        Assert.Contains("<td>Percent</td>", behaviour);
        Assert.Contains("<td>Count</td>", behaviour);
        Assert.DoesNotContain("Test archived metric", behaviour);
        // One chart per metric with more than one point, fed the same values as the table.
        var chart = WebTestSupport.ChartData(html, "behaviour-test-adoption");
        Assert.Equal(["2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08"], chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal([43.0, 44, 45, 46, 47, 48], chart.GetProperty("series")[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Contains("chart.umd.min.js", html);
    }

    [Fact]
    public async Task The_history_is_newest_first_with_reasons_in_words()
    {
        var history = Section(await PageAsync(CustomersFixture.DetailReference), "history-panel");
        var rows = Regex.Matches(history, "<tr>\\s*<td class=\"nowrap\">.*?</tr>", RegexOptions.Singleline).Select(m => Text(m.Value)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("Lifecycle stage Active customer Churn risk Low probability of being active", rows[0]);
        Assert.Contains("Segment SMB / self-serve Enterprise Segment rules evaluated", rows[1]);
        Assert.Contains("Lifecycle stage At risk Churn risk Upgrade to computed stages", rows[2]);
    }

    [Fact]
    public async Task Contracts_purchases_and_contacts_are_listed()
    {
        var html = await PageAsync(CustomersFixture.DetailReference);
        var contracts = Text(Section(html, "contracts-panel"));
        Assert.Contains("K-2025 2 1 Jan 2025 31 Dec 2026 120,000 Active Value delivered", contracts);
        Assert.Contains("K-2024 1 1 Jan 2024 31 Dec 2024 100,000 Renewed Price", contracts);
        Assert.True(contracts.IndexOf("K-2025", StringComparison.Ordinal) < contracts.IndexOf("K-2024", StringComparison.Ordinal));

        var purchases = Section(html, "transactions-panel");
        Assert.Contains("The latest 20 of 25 purchases, 2,800 in all.", purchases);
        Assert.Equal(20, Regex.Matches(purchases, "<code>ORD-").Count);
        Assert.Contains("<code>ORD-00</code>", purchases);
        Assert.DoesNotContain("<code>ORD-20</code>", purchases);

        var contacts = Section(html, "contacts-panel");
        Assert.Contains("<strong>Ada Buyer</strong> <span class=\"muted\">(Buyer)</span>", contacts);
        Assert.Contains("Head of operations", contacts);
        Assert.Contains("mailto:ada@northwind.test", contacts);
        Assert.Contains("<strong>Bo User</strong>", contacts);
    }

    [Fact]
    public async Task Voices_and_open_pain_points_link_to_the_feedback()
    {
        var html = await PageAsync(CustomersFixture.DetailReference);
        var voices = Section(html, "voices-panel");
        Assert.Contains($"The latest 20 of {fixture.DetailVoices}.", voices);
        Assert.Equal(20, Regex.Matches(voices, "<li data-id=").Count);
        Assert.Contains("Replenishment is late.", voices);
        Assert.Contains("Duplicate", voices);
        Assert.Contains($"href=\"/feedback?customerId={fixture.DetailId}\"", voices);

        var pain = Section(html, "pain-panel");
        var rows = Regex.Matches(pain, "<tr data-gap=\"(\\d+)\">(.*?)</tr>", RegexOptions.Singleline).ToList();
        Assert.Equal([fixture.OpenGap.Id, fixture.OtherGap.Id], rows.Select(r => int.Parse(r.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(">2</td>", rows[0].Groups[2].Value); // the merged duplicate is not counted
        Assert.Contains(">1</td>", rows[1].Groups[2].Value);
        Assert.Contains($"href=\"/feedback?customerId={fixture.DetailId}&amp;gap={fixture.OpenGap.Key}\"", pain);
        Assert.DoesNotContain("Archived gap", pain);
    }

    [Fact]
    public async Task A_customer_with_nothing_yet_gets_the_empty_panels()
    {
        var html = await PageAsync(CustomersFixture.BulkReference(4));
        Assert.Contains("No behaviour measured yet", html);
        Assert.Contains("No changes recorded yet.", html);
        Assert.Contains("No contracts recorded.", html);
        Assert.Contains("No purchases recorded.", html);
        Assert.Contains("No contact recorded.", html);
        Assert.Contains("No voices from this customer yet.", html);
        Assert.Contains("None: no coded voice of this customer names an open capability gap.", html);
        Assert.Contains("The stage has not been computed yet", html);
        Assert.DoesNotContain("chart.umd.min.js", html);
    }

    [Fact]
    public async Task The_page_reads_in_Chinese()
    {
        var html = await PageAsync(CustomersFixture.DetailReference, "zh-CN", Roles.ProductManager);
        Assert.Contains("<p id=\"header-stage\">生命周期阶段: <strong>流失风险</strong></p>", html);
        Assert.Contains("客户仍然活跃的概率为 23%，偏低（最近活动 2026年5月4日 10:00）。", html);
        Assert.Contains("<dd id=\"value-tier\">头部客户</dd>", html);
        Assert.Contains("合同续约（移位贝塔几何模型）", html);
        Assert.Contains("测试功能采用率", html);
        Assert.Contains("<td>百分比</td>", html);
        Assert.Contains("生效中", html);
        Assert.Contains("升级为计算得出的阶段", html);
        Assert.Contains("交付的价值", html);
        Assert.Contains("大型企业客户", html);
    }

    [Fact]
    public async Task An_unknown_reference_is_a_404_page_that_names_it()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Leadership);
        var response = await client.GetAsync("/customers/" + Uri.EscapeDataString("<b>NOPE</b>"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Customer not found", html);
        Assert.Contains("&quot;&lt;b&gt;NOPE&lt;/b&gt;&quot;", html);
        Assert.Contains("href=\"/customers\"", html);
    }

    [Fact]
    public async Task The_feedback_and_coding_pages_link_the_customer_to_its_page()
    {
        var itemId = await fixture.App.WithDbAsync(db => db.FeedbackItems.Where(f => f.CustomerId == fixture.DetailId).Select(f => f.Id).FirstAsync());
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Csm);
        var link = $"<a href=\"/customers/{CustomersFixture.DetailReference}\" id=\"customer-link\">{CustomersFixture.DetailName}</a>";
        Assert.Contains(link, await client.GetStringAsync($"/feedback/{itemId}"));
        Assert.Contains(link, await client.GetStringAsync($"/coding/{itemId}"));
    }

    /// <summary>The markup of the section with this id.</summary>
    private static string Section(string html, string id)
    {
        var match = Regex.Match(html, $"<section [^>]*id=\"{id}\">(.*?)</section>", RegexOptions.Singleline);
        Assert.True(match.Success, $"The page has no section #{id}.");
        return match.Groups[1].Value;
    }

    /// <summary>Text with tags dropped and whitespace collapsed.</summary>
    private static string Text(string html) => Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " ")), "\\s+", " ").Trim();

    [GeneratedRegex("<th scope=\"col\" class=\"number\">(20[0-9Q-]+)</th>")]
    private static partial Regex PeriodHeader();
}
