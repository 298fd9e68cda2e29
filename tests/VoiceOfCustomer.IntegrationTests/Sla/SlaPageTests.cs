using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;

namespace VoiceOfCustomer.IntegrationTests.Sla;

/// <summary>One app with the March 2026 scenario; "now" is the real clock, later than every deadline in it.</summary>
public sealed class SlaPageFixture : IAsyncLifetime
{
    public VocAppFactory App { get; } = new();
    public SlaScenario Scenario { get; private set; } = null!;

    public async Task InitializeAsync() => Scenario = await SlaScenario.ArrangeAsync(App);

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SlaPageTests(SlaPageFixture fixture) : IClassFixture<SlaPageFixture>
{
    private const string Range = "from=2026-03-02&to=2026-03-18";

    [Fact]
    public async Task Report_shows_the_chart_and_the_three_tables()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Leadership);
        var html = await client.GetStringAsync("/sla?" + Range);
        Assert.Contains("<canvas id=\"compliance-chart\" role=\"img\" aria-label=\"Weekly SLA compliance\"", html);
        var chart = WebTestSupport.ChartData(html, "compliance-chart");
        Assert.Equal("bar", chart.GetProperty("kind").GetString());
        var weeks = chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Contains("2026-W10", weeks);
        var values = chart.GetProperty("series")[0].GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(weeks.Count, values.Count);
        Assert.Equal(3, values.Count(v => v.ValueKind == System.Text.Json.JsonValueKind.Number)); // a bar for each week with concluded items
        Assert.Contains("2026-W10", html);
        Assert.Contains("id=\"csm-table\"", html);
        Assert.Contains("id=\"segment-table\"", html);
        Assert.Contains("Enterprise", html);
        Assert.Contains("href=\"/sla/export/weeks?" + Range.Replace("&", "&amp;", StringComparison.Ordinal) + "\"", html);

        var empty = await client.GetStringAsync("/sla?from=2020-01-01&to=2020-01-31");
        Assert.Contains("id=\"report-empty\"", empty);
        var bad = await client.GetAsync("/sla?from=yesterday");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("is not a date", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Report_reads_in_Chinese()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.ProductManager);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var html = await client.GetStringAsync("/sla?" + Range);
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("SLA 达成情况", html);
        Assert.Contains("按客户分群统计的达成率", html);
        Assert.Contains("每周 SLA 达成率", html);
        Assert.DoesNotContain("Compliance per CSM", html);
    }

    [Fact]
    public async Task Csv_exports_keep_Chinese_names_and_defuse_formulas()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Csm);
        var response = await client.GetAsync("/sla/export/breached");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("id,customer,segment,channel,owner_csm,status,due_at_utc,breached_at_utc,overdue_hours,paused\r\n", text);
        Assert.Contains("," + SlaScenario.ChineseCustomer + ",", text);

        // The formula customer's only item is a duplicate; it shows up in no breached row, so check the segment table instead.
        var weeks = Encoding.UTF8.GetString((await client.GetByteArrayAsync("/sla/export/weeks?" + Range))[3..]);
        Assert.StartsWith("iso_week,week_start,total,met,breached,open_within_sla,paused,compliance_percent\r\n2026-W10,2026-03-02,3,1,2,0,0,33.3\r\n", weeks);
        Assert.Contains("segment,total", Encoding.UTF8.GetString((await client.GetByteArrayAsync("/sla/export/segments?" + Range))[3..]));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sla/export/nothing")).StatusCode);
    }

    [Fact]
    public async Task A_formula_in_a_customer_name_is_defused_in_the_breached_csv()
    {
        var customer = await WebTestSupport.AddCustomerAsync(fixture.App, "SLA-F", "=cmd|' /C calc'!A0");
        await WebTestSupport.AddFeedbackAsync(fixture.App, new FeedbackItemSpec("support", "sla-formula", customer.Id, "Late", new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc)));
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var text = Encoding.UTF8.GetString((await client.GetByteArrayAsync("/sla/export/breached"))[3..]);
        Assert.Contains(",'=cmd|' /C calc'!A0,", text);
        Assert.DoesNotContain(",=cmd", text);
    }

    [Fact]
    public async Task Breached_and_escalation_lists_render_with_filters()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Csm);
        var breached = await client.GetStringAsync($"/sla/breached?segment={fixture.Scenario.EnterpriseId}");
        var rows = WebTestSupport.RowIds(breached);
        Assert.Equal([fixture.Scenario.Items['C'], fixture.Scenario.Items['D']], rows);
        Assert.Contains("badge-paused", breached);
        Assert.Contains("'abc' is not a segment", WebUtility.HtmlDecode(await client.GetStringAsync("/sla/breached?segment=abc")));

        var escalations = await client.GetStringAsync("/sla/escalations?level=Leadership");
        Assert.Contains("boss@example.com,cto@example.com", escalations);
        Assert.DoesNotContain("lead@example.com", escalations);
        Assert.Contains("id=\"escalations-empty\"", await client.GetStringAsync("/sla/escalations?from=2020-01-01&to=2020-01-02"));
    }

    [Fact]
    public async Task Feedback_page_shows_the_SLA_panel_with_escalations()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.ProductManager);
        var html = await client.GetStringAsync($"/feedback/{fixture.Scenario.Items['C']}");
        Assert.Contains("id=\"sla-panel\"", html);
        Assert.Contains("class=\"deadline deadline-overdue\"", html);
        Assert.Contains("overdue by", html);
        Assert.Contains("boss@example.com,cto@example.com", html);
        Assert.Contains("Leadership escalation", html);

        var paused = await client.GetStringAsync($"/feedback/{fixture.Scenario.Items['D']}");
        Assert.Contains("id=\"sla-paused\"", paused);
        Assert.Contains("id=\"sla-no-escalations\"", paused);
    }

    [Fact]
    public async Task An_invalid_calendar_is_refused_with_field_messages_and_nothing_is_saved()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var page = await client.GetStringAsync("/sla/calendars/eu-business");
        Assert.Contains("Mon 09:00-17:00", page);
        Assert.Contains("id=\"preview\"", page);
        var before = await fixture.App.WithDbAsync(db => db.BusinessCalendars.AsNoTracking().SingleAsync(c => c.Key == "eu-business"));

        var response = await client.PostAsync("/sla/calendars/eu-business", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["name"] = "EU",
            ["timeZone"] = "Mars/Olympus",
            ["hours"] = "Mon 09:00-12:00\nMon 11:00-13:00\nTue 18:00-09:00",
            ["holidays"] = "2026-13-45",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Unknown time zone 'Mars/Olympus'", html);
        Assert.Contains("Working intervals on Monday overlap.", html);
        Assert.Contains("A working interval must end after it starts", html);
        Assert.Contains("Line 1 ('2026-13-45') is not a date", html);
        Assert.Contains("aria-invalid=\"true\" aria-describedby=\"cal-timeZone-hint", html);
        var after = await fixture.App.WithDbAsync(db => db.BusinessCalendars.AsNoTracking().SingleAsync(c => c.Key == "eu-business"));
        Assert.Equal((before.Name, before.TimeZoneId, before.HoursJson, before.HolidaysJson), (after.Name, after.TimeZoneId, after.HoursJson, after.HolidaysJson));
    }

    [Fact]
    public async Task An_Admin_saves_a_valid_calendar_and_the_registry_uses_it_at_once()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        var page = await client.GetStringAsync("/sla/calendars/cn-business");
        var response = await client.PostAsync("/sla/calendars/cn-business", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["name"] = "China business hours",
            ["timeZone"] = "Asia/Shanghai",
            ["hours"] = "Sat 10:00-12:00\n",
            ["holidays"] = "2026-10-01",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var registry = fixture.App.Services.GetRequiredService<BusinessCalendarRegistry>();
        var calendar = Assert.IsType<BusinessCalendar>(registry.Find("cn-business"));
        Assert.Equal([new WorkingHours(DayOfWeek.Saturday, new TimeOnly(10, 0), new TimeOnly(12, 0))], calendar.Hours);
        // Saturday 2026-11-21 10:00 Shanghai = 02:00 UTC; two working hours end at noon there.
        Assert.Equal(new DateTime(2026, 11, 21, 4, 0, 0, DateTimeKind.Utc), calendar.AddWorkingTime(new DateTime(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc), TimeSpan.FromHours(2)));
        Assert.Contains("id=\"flash\"", await client.GetStringAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task Others_read_calendars_but_cannot_edit_them()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Csm);
        var list = await client.GetStringAsync("/sla/calendars");
        Assert.Contains("/sla/calendars/eu-business", list);
        var page = await client.GetStringAsync("/sla/calendars/eu-business");
        Assert.Contains("<fieldset disabled=\"disabled\">", page);
        Assert.DoesNotContain("Save calendar", page);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sla/calendars/no-such")).StatusCode);
    }
}
