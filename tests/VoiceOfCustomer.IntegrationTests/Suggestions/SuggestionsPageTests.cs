using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>Counts "retrain now" requests instead of training.</summary>
public sealed class RecordingTrainingTrigger : ISuggestionTrainingTrigger
{
    private int _requests;
    public int Requests => Volatile.Read(ref _requests);
    public void RequestRetrain() => Interlocked.Increment(ref _requests);
}

/// <summary>One app with the scenario around the real clock (the page reads "now" from the app) and a recording trainer trigger.</summary>
public sealed class SuggestionsPageFixture : IAsyncLifetime
{
    public RecordingTrainingTrigger Trigger { get; } = new();
    public VocAppFactory App { get; }
    public SuggestionScenario Scenario { get; private set; } = null!;

    public SuggestionsPageFixture()
    {
        App = new VocAppFactory(TestDatabase.CreateSqlite())
        {
            TestServices = services =>
            {
                services.RemoveAll<ISuggestionTrainingTrigger>();
                services.AddSingleton<ISuggestionTrainingTrigger>(Trigger);
            },
        };
    }

    public async Task InitializeAsync() => Scenario = await SuggestionScenario.ArrangeAsync(App, DateTime.UtcNow);

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed partial class SuggestionsPageTests(SuggestionsPageFixture fixture) : IClassFixture<SuggestionsPageFixture>
{
    private static string RowOf(string html, string attributes)
    {
        var start = html.IndexOf("<tr " + attributes + ">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No row <tr {attributes}>");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static List<string> Cells(string row) => CellText().Matches(row).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    [Fact]
    public async Task The_llm_status_says_off_when_the_refiner_is_not_enabled()
    {
        // The fixture's app has Suggestions:Llm:Enabled false (the default): its refinement loop is not even registered.
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var html = await client.GetStringAsync("/admin/suggestions");
        var status = html[html.IndexOf("id=\"llm-status\"", StringComparison.Ordinal)..];
        status = status[..status.IndexOf("</p>", StringComparison.Ordinal)];
        Assert.Contains("off: Suggestions:Llm:Enabled is false", WebUtility.HtmlDecode(status));
        Assert.DoesNotContain("calls today", status);
    }

    [Fact]
    public async Task Admin_sees_the_model_the_weekly_chart_and_the_tables_with_the_computed_rates()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var html = await client.GetStringAsync("/admin/suggestions");
        var a = SuggestionScenario.Label(fixture.Scenario.WeekA);
        var b = SuggestionScenario.Label(fixture.Scenario.WeekB);
        var c = SuggestionScenario.Label(fixture.Scenario.WeekC);

        Assert.Contains("href=\"/admin/suggestions\" aria-current=\"page\"", html); // the nav link
        Assert.Contains("<dd id=\"model-version\">2</dd>", html);
        Assert.Contains("<dd id=\"model-items\">40</dd>", html);
        Assert.Contains("Trained on coded items", html);
        Assert.Contains(">3.5 s</dd>", html);
        Assert.Contains("<canvas id=\"acceptance-chart\" role=\"img\" aria-label=\"Weekly suggestion acceptance\"", html);
        // Only the weeks with resolved suggestions (A, B, C), a series per field; a week without decided suggestions is a gap, not 0 %.
        var chart = WebTestSupport.ChartData(html, "acceptance-chart");
        Assert.Equal([a, b, c], chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList());
        var metric = chart.GetProperty("series").EnumerateArray().Single(series => series.GetProperty("name").GetString() == "Business metric");
        Assert.Equal(75.0, metric.GetProperty("values")[0].GetDouble(), 6);
        Assert.Equal("3 accepted, 1 corrected", metric.GetProperty("notes")[0].GetString());
        var domain = chart.GetProperty("series").EnumerateArray().Single(series => series.GetProperty("name").GetString() == "Owning domain");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, domain.GetProperty("values")[2].ValueKind); // week C: abstained only

        Assert.Equal(["Business metric", "3", "1", "0", "75.0 %", "0.0 %"], Cells(RowOf(html, $"data-week=\"{a}\" data-field=\"BusinessMetric\"")).Skip(1));
        Assert.Equal(["Tags", "0", "1", "1", "0.0 %", "50.0 %"], Cells(RowOf(html, $"data-week=\"{a}\" data-field=\"Tags\"")).Skip(1));
        Assert.Equal(["Capability gap", "2", "1", "0", "66.7 %", "0.0 %"], Cells(RowOf(html, $"data-week=\"{b}\" data-field=\"CapabilityGap\"")).Skip(1));
        Assert.Equal(["Owning domain", "0", "0", "1", "—", "100.0 %"], Cells(RowOf(html, $"data-week=\"{c}\" data-field=\"OwningDomain\"")).Skip(1));
        Assert.DoesNotContain("data-field=\"ValueDimension\"", html);

        // Per version: shown, resolved, accepted, corrected, abstained, acceptance, then the Local / ColdStart / LLM shares.
        Assert.Equal(["2", "Business metric", "8", "6", "5", "1", "0", "83.3 %", "100.0 %", "0.0 %", "0.0 %"], Cells(RowOf(html, "data-version=\"2\" data-field=\"BusinessMetric\"")));
        Assert.Equal(["2", "Capability gap", "3", "3", "2", "1", "0", "66.7 %", "66.7 %", "0.0 %", "33.3 %"], Cells(RowOf(html, "data-version=\"2\" data-field=\"CapabilityGap\"")));
        Assert.Equal(["1", "Business metric", "5", "5", "4", "1", "0", "80.0 %", "0.0 %", "100.0 %", "0.0 %"], Cells(RowOf(html, "data-version=\"1\" data-field=\"BusinessMetric\"")));

        // Held-out quality from the stored evaluation.
        Assert.Equal(["Business metric", "Local model", "40", "6", "80.0 %", "95.0 %", "1.30"], Cells(RowOf(html, "data-field=\"BusinessMetric\"")));
        Assert.Equal(["Tags", "Cold start (taxonomy)", "0", "12", "—", "—", "1.00"], Cells(RowOf(html, "data-field=\"Tags\"")));
        Assert.Contains("<canvas id=\"reliability-businessmetric-chart\" role=\"img\"", html);
        var reliability = WebTestSupport.ChartData(html, "reliability-businessmetric-chart");
        Assert.Equal(2, reliability.GetProperty("labels").GetArrayLength()); // two bins with items; tags has no table (cold start)
        Assert.Equal("line", reliability.GetProperty("series")[1].GetProperty("type").GetString()); // the calibration line over the bars
        Assert.DoesNotContain("reliability-tags-chart", html);
        Assert.Contains("id=\"reliability-businessmetric-table\"", html);
        Assert.DoesNotContain("id=\"reliability-tags-table\"", html);
        var bins = html[html.IndexOf("id=\"reliability-businessmetric-table\"", StringComparison.Ordinal)..];
        Assert.Equal(["50.0 % – 100.0 %", "30", "80.0 %", "83.0 %"], Cells(bins[bins.IndexOf("<tr>", bins.IndexOf("<tbody>", StringComparison.Ordinal), StringComparison.Ordinal)..]).Skip(4).Take(4).ToList());

        // History, newest first.
        var history = html[html.IndexOf("id=\"history-table\"", StringComparison.Ordinal)..];
        Assert.True(history.IndexOf("data-version=\"2\"", StringComparison.Ordinal) < history.IndexOf("data-version=\"1\"", StringComparison.Ordinal));
        Assert.Contains("href=\"/admin/suggestions/acceptance.csv\"", html);
    }

    [Fact]
    public async Task Filters_narrow_the_chart_and_the_csv_matches_the_table()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var html = await client.GetStringAsync("/admin/suggestions?field=businessmetric&version=2&weeks=3");
        var b = SuggestionScenario.Label(fixture.Scenario.WeekB);
        Assert.Contains("<option value=\"BusinessMetric\" selected=\"selected\">", html);
        Assert.Contains("<option value=\"2\" selected=\"selected\">", html);
        Assert.Equal(["Business metric", "1", "1", "0", "50.0 %", "0.0 %"], Cells(RowOf(html, $"data-week=\"{b}\" data-field=\"BusinessMetric\"")).Skip(1));
        Assert.DoesNotContain("data-field=\"Tags\"", html[..html.IndexOf("id=\"held-out\"", StringComparison.Ordinal)]);
        Assert.Contains("href=\"/admin/suggestions/acceptance.csv?field=BusinessMetric&amp;version=2&amp;weeks=3\"", html);

        var response = await client.GetAsync("/admin/suggestions/acceptance.csv?field=BusinessMetric&version=2&weeks=3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith(b + ",", lines[2]);
        Assert.EndsWith(",BusinessMetric,1,1,0,2,50.0,0.0", lines[2]);
        Assert.EndsWith(",BusinessMetric,4,0,0,4,100.0,0.0", lines[3]);

        var all = Encoding.UTF8.GetString((await client.GetByteArrayAsync("/admin/suggestions/acceptance.csv"))[3..]);
        Assert.Contains(SuggestionScenario.Label(fixture.Scenario.WeekA) + "," + fixture.Scenario.WeekA.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ",BusinessMetric,3,1,0,4,75.0,0.0", all);
    }

    [Theory]
    [InlineData("field=Nope", "field: 'Nope' is not a suggestion field")]
    [InlineData("field=3", "field: '3' is not a suggestion field")]
    [InlineData("version=99", "version: there is no model version '99'.")]
    [InlineData("version=abc", "version: there is no model version 'abc'.")]
    [InlineData("weeks=0", "weeks: '0' is not a number of weeks from 1 to 104.")]
    [InlineData("weeks=105", "weeks: '105' is not a number of weeks from 1 to 104.")]
    [InlineData("weeks=%3Cscript%3E", "weeks: '<script>' is not a number of weeks")]
    [InlineData("page=-1", "page: '-1' is not a page number.")]
    public async Task A_bad_parameter_gets_a_message_naming_it_not_an_error_page(string query, string message)
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var response = await client.GetAsync("/admin/suggestions?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"filter-errors\"", html);
        Assert.Contains(message, WebUtility.HtmlDecode(html));
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("id=\"acceptance-chart\"", html); // the rest of the page still shows, with the default for the bad value

        var csv = await client.GetAsync("/admin/suggestions/acceptance.csv?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Equal("application/problem+json", csv.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await csv.Content.ReadAsStringAsync());
        var parameter = query[..query.IndexOf('=', StringComparison.Ordinal)];
        Assert.Contains(message, problem.RootElement.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task Retrain_now_calls_the_trigger_and_needs_the_anti_forgery_token()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var before = fixture.Trigger.Requests;
        var refused = await client.PostAsync("/admin/suggestions/retrain", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(before, fixture.Trigger.Requests);

        var page = await client.GetStringAsync("/admin/suggestions");
        Assert.DoesNotContain("id=\"retrain-unavailable\"", page);
        var response = await client.PostAsync("/admin/suggestions/retrain", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page[page.IndexOf("id=\"retrain-form\"", StringComparison.Ordinal)..]),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/suggestions", response.Headers.Location?.OriginalString);
        Assert.Equal(before + 1, fixture.Trigger.Requests);
        var after = await client.GetStringAsync(response.Headers.Location);
        Assert.Contains("<div class=\"alert alert-success\" role=\"status\" id=\"flash\">Retraining requested.", after);
    }

    [Fact]
    public async Task Page_reads_in_Chinese()
    {
        // A pass of the (switched-off) LLM refiner records why it makes no calls; the page says it in Chinese.
        await fixture.App.Services.GetRequiredService<VoiceOfCustomer.Suggestions.Llm.LlmRefinementService>().RunOnceAsync();
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/admin/suggestions"));
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("已关闭：Suggestions:Llm:Enabled 为 false", html);
        Assert.DoesNotContain("Enabled is false", html);
        Assert.Contains("<h1>建议反馈闭环</h1>", html);
        Assert.Contains(">每个 ISO 周的采纳率</h2>", html);
        Assert.Contains(">立即重新训练</button>", html);
        Assert.Contains(">建议模型</a>", html);
        Assert.DoesNotContain("Acceptance per model version", html);
    }

    [GeneratedRegex("<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex CellText();
}

/// <summary>Pages of an app with nothing trained and nothing shown, and without a trainer.</summary>
public sealed class SuggestionsEmptyPageTests
{
    [Fact]
    public async Task Empty_states_and_retrain_without_a_trainer_explain_themselves()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite()) { TestServices = services => services.RemoveAll<ISuggestionTrainingTrigger>() };
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        var response = await client.GetAsync("/admin/suggestions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"no-model\"", html);
        Assert.Contains("No model has been trained yet; suggestions start from the taxonomy", WebUtility.HtmlDecode(html));
        Assert.Contains("id=\"no-resolved\"", html);
        Assert.Contains("id=\"no-shown\"", html);
        Assert.Contains("id=\"retrain-unavailable\"", html);
        Assert.DoesNotContain("id=\"acceptance-chart\"", html);

        var csv = Encoding.UTF8.GetString((await client.GetByteArrayAsync("/admin/suggestions/acceptance.csv?weeks=2"))[3..]);
        Assert.Equal("iso_week,week_start,field,accepted,corrected,abstained,resolved,acceptance_percent,abstained_percent\r\n", csv);

        var post = await client.PostAsync("/admin/suggestions/retrain", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(html[html.IndexOf("id=\"retrain-form\"", StringComparison.Ordinal)..]),
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        var after = await client.GetStringAsync(post.Headers.Location);
        Assert.Contains("id=\"flash-error\">Retraining is not available", after);
    }
}
