using System.Text;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Seeding;
using VoiceOfCustomer.Sla;

namespace VoiceOfCustomer.IntegrationTests.Sla;

/// <summary>The SLA queries on every provider: the grouping runs in SQL, so PostgreSQL and SQL Server must translate it as SQLite does.</summary>
public sealed class SlaReportsTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Compliance_is_counted_per_ISO_week_CSM_and_segment(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        await SlaScenario.ArrangeAsync(app);
        await using var scope = app.Scope();

        var report = await SlaScenario.Reports(scope).ComplianceAsync(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 18));

        Assert.Equal(["2026-W10", "2026-W11", "2026-W12"], report.Weeks.Select(w => w.Label));
        Assert.Equal(new ComplianceCounts(3, 1, 2, 0, 0), report.Weeks[0].Counts);
        Assert.Equal(new ComplianceCounts(4, 1, 0, 1, 1), report.Weeks[1].Counts);
        Assert.Equal(new ComplianceCounts(1, 0, 1, 0, 0), report.Weeks[2].Counts);
        Assert.Equal(100.0 / 3, report.Weeks[0].Counts.CompliancePercent!.Value, 6);
        Assert.Equal(100.0, report.Weeks[1].Counts.CompliancePercent);
        Assert.Equal(0.0, report.Weeks[2].Counts.CompliancePercent);
        Assert.Equal(new ComplianceCounts(8, 2, 3, 1, 1), report.Totals);

        var csm1 = report.ByCsm.Single(g => g.Key == SlaScenario.Csm1);
        Assert.Equal(new ComplianceCounts(3, 1, 1, 0, 1), csm1.Counts);
        Assert.Equal(50.0, csm1.Counts.CompliancePercent);
        Assert.Equal(new ComplianceCounts(3, 1, 2, 0, 0), report.ByCsm.Single(g => g.Key == SlaScenario.Csm2).Counts);
        var unowned = report.ByCsm.Single(g => g.Key is null);
        Assert.Equal(new ComplianceCounts(2, 0, 0, 1, 0), unowned.Counts);
        Assert.Null(unowned.Counts.CompliancePercent);
        Assert.Equal(unowned, report.ByCsm[^1]);

        var enterprise = report.BySegment.Single(g => g.Name == "Enterprise");
        Assert.Equal(new ComplianceCounts(4, 1, 2, 0, 1), enterprise.Counts);
        Assert.Equal(new ComplianceCounts(4, 1, 1, 1, 0), report.BySegment.Single(g => g.Key is null).Counts);
    }

    [Fact]
    public async Task A_week_without_items_has_no_percentage_and_the_default_range_is_twelve_ISO_weeks()
    {
        using var app = new VocAppFactory();
        await SlaScenario.ArrangeAsync(app);
        await using var scope = app.Scope();
        var (from, to) = SlaReports.DefaultRange(SlaScenario.Now);
        Assert.Equal(new DateOnly(2025, 12, 29), from); // Monday of ISO week 2026-W01
        Assert.Equal(new DateOnly(2026, 3, 18), to);

        var report = await SlaScenario.Reports(scope).ComplianceAsync(from, to);
        Assert.Equal(12, report.Weeks.Count);
        Assert.Equal("2026-W01", report.Weeks[0].Label);
        Assert.Null(report.Weeks[0].Counts.CompliancePercent);
        Assert.Equal(1, report.Weeks.Single(w => w.Label == "2026-W08").Counts.Met); // H, 20 February
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Breached_list_shows_open_items_past_their_deadline_most_overdue_first_a_page_at_a_time(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        var scenario = await SlaScenario.ArrangeAsync(app);
        await using var scope = app.Scope();
        var reports = SlaScenario.Reports(scope);

        var first = await reports.BreachedAsync(new BreachedFilter(), null, 2);
        Assert.Equal([scenario.Items['C'], scenario.Items['D']], first.Items.Select(i => i.Id));
        Assert.True(first.Items[1].Paused);
        Assert.Equal(TimeSpan.FromHours(12 * 24 + 3), first.Items[0].OverdueBy(SlaScenario.Now));
        Assert.True(SlaCursor.TryDecode(first.NextCursor, out var cursor));
        var second = await reports.BreachedAsync(new BreachedFilter(), cursor, 2);
        Assert.Equal([scenario.Items['I']], second.Items.Select(i => i.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(TimeSpan.Zero, second.Items[0].OverdueBy(SlaScenario.Now));

        Assert.Equal([scenario.Items['C'], scenario.Items['I']],
            (await reports.BreachedAsync(new BreachedFilter { OwnerCsmId = SlaScenario.Csm2 }, null, 50)).Items.Select(i => i.Id));
        Assert.Equal([scenario.Items['C'], scenario.Items['D']],
            (await reports.BreachedAsync(new BreachedFilter { SegmentId = scenario.EnterpriseId }, null, 50)).Items.Select(i => i.Id));
        Assert.Empty((await reports.BreachedAsync(new BreachedFilter { Channel = "survey" }, null, 50)).Items);
        Assert.Equal(3, (await reports.BreachedAsync(new BreachedFilter { Channel = "support" }, null, 50)).Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Escalations_are_listed_newest_first_by_level_and_date(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        var scenario = await SlaScenario.ArrangeAsync(app);
        await using var scope = app.Scope();
        var reports = SlaScenario.Reports(scope);

        var breaches = await reports.EscalationsAsync(new EscalationFilter { Level = SlaEscalationLevel.Breach }, null, 2);
        Assert.Equal([scenario.Items['I'], scenario.Items['C']], breaches.Items.Select(e => e.FeedbackItemId));
        Assert.Equal(SlaScenario.ChineseCustomer, breaches.Items[0].CustomerName);
        Assert.True(SlaCursor.TryDecode(breaches.NextCursor, out var cursor));
        var rest = await reports.EscalationsAsync(new EscalationFilter { Level = SlaEscalationLevel.Breach }, cursor, 2);
        Assert.Equal([scenario.Items['B']], rest.Items.Select(e => e.FeedbackItemId));
        Assert.Null(rest.NextCursor);

        var range = await reports.EscalationsAsync(new EscalationFilter { From = new DateOnly(2026, 3, 6), To = new DateOnly(2026, 3, 7) }, null, 50);
        Assert.Equal([SlaEscalationLevel.Leadership, SlaEscalationLevel.Breach], range.Items.Select(e => e.Level));
        Assert.Equal(2, (await reports.EscalationsAsync(new EscalationFilter { FeedbackItemId = scenario.Items['B'] }, null, 50)).Items.Count);
    }

    [Fact]
    public void Csv_quotes_per_RFC_4180_starts_with_a_BOM_and_defuses_formulas()
    {
        var bytes = SlaCsv.Write([["Customer", "Note"], [SlaScenario.ChineseCustomer, "say \"hi\", then\nleave"], ["=1+1", "-2"], ["@SUM(A1)", "+x"]]);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal("Customer,Note\r\n上海测试零售,\"say \"\"hi\"\", then\nleave\"\r\n'=1+1,'-2\r\n'@SUM(A1),'+x\r\n", text);
    }
}
