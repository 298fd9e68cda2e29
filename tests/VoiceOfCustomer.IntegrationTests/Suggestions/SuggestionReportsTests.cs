using System.Text;
using System.Text.Json;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Seeding;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>The feedback-loop queries on every provider: the grouping runs in SQL, so PostgreSQL and SQL Server must translate it as SQLite does.</summary>
public sealed class SuggestionReportsTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    /// <summary>A Wednesday in ISO week 2026-W12.</summary>
    private static readonly DateTime Now = new(2026, 3, 18, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Acceptance_is_counted_per_ISO_week_field_and_model_version(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        var scenario = await SuggestionScenario.ArrangeAsync(app, Now);
        await using var scope = app.Scope();
        var reports = SuggestionScenario.Reports(scope, Now);

        var report = await reports.AcceptanceAsync(SuggestionReports.DefaultWeeks, new SuggestionFilter());
        Assert.Equal(new DateOnly(2025, 12, 29), report.From); // Monday of 2026-W01
        Assert.Equal(new DateOnly(2026, 3, 18), report.To);
        Assert.Equal(12, report.WeekRows.Count);
        Assert.Equal(["2026-W10", "2026-W11", "2026-W12"], report.WeekRows.Skip(9).Select(w => w.Label));
        Assert.Equal([SuggestionField.BusinessMetric, SuggestionField.CapabilityGap, SuggestionField.OwningDomain, SuggestionField.Tags], report.Fields);

        var a = report.WeekRows[^3];
        Assert.Equal(new AcceptanceCounts(3, 1, 0), a.For(SuggestionField.BusinessMetric));
        Assert.Equal(75.0, a.For(SuggestionField.BusinessMetric).AcceptancePercent);
        Assert.Equal(new AcceptanceCounts(0, 1, 1), a.For(SuggestionField.Tags));
        Assert.Equal(0.0, a.For(SuggestionField.Tags).AcceptancePercent);
        Assert.Equal(50.0, a.For(SuggestionField.Tags).AbstainedPercent);
        var b = report.WeekRows[^2];
        Assert.Equal(50.0, b.For(SuggestionField.BusinessMetric).AcceptancePercent);
        Assert.Equal(new AcceptanceCounts(2, 1, 0), b.For(SuggestionField.CapabilityGap));
        var c = report.WeekRows[^1];
        Assert.Equal(new AcceptanceCounts(4, 0, 0), c.For(SuggestionField.BusinessMetric));
        Assert.Null(c.For(SuggestionField.OwningDomain).AcceptancePercent); // abstained only: nothing to accept
        Assert.Equal(100.0, c.For(SuggestionField.OwningDomain).AbstainedPercent);
        Assert.Null(report.WeekRows[0].For(SuggestionField.BusinessMetric).AcceptancePercent);

        // The old row (13 weeks before) and the pending ones are not in the default range's totals.
        Assert.Equal(new AcceptanceCounts(8, 2, 0), report.Total(SuggestionField.BusinessMetric));
        Assert.Equal(80.0, report.Total(SuggestionField.BusinessMetric).AcceptancePercent);
        Assert.Equal(new AcceptanceCounts(10, 4, 2), report.Totals);
        var longer = await reports.AcceptanceAsync(14, new SuggestionFilter());
        Assert.Equal(new AcceptanceCounts(9, 2, 0), longer.Total(SuggestionField.BusinessMetric));

        var filtered = await reports.AcceptanceAsync(3, new SuggestionFilter(SuggestionField.BusinessMetric, 2));
        Assert.Equal([SuggestionField.BusinessMetric], filtered.Fields);
        Assert.Equal([null, 50.0, 100.0], filtered.WeekRows.Select(w => w.For(SuggestionField.BusinessMetric).AcceptancePercent));

        var versions = await reports.ByVersionAsync(new SuggestionFilter());
        Assert.Equal([(2, SuggestionField.BusinessMetric), (2, SuggestionField.CapabilityGap), (2, SuggestionField.OwningDomain), (1, SuggestionField.BusinessMetric), (1, SuggestionField.Tags)],
            versions.Select(v => (v.ModelVersion, v.Field)));
        var v2Metric = versions[0];
        Assert.Equal(8, v2Metric.Shown);
        Assert.Equal(2, v2Metric.Pending);
        Assert.Equal(new AcceptanceCounts(5, 1, 0), v2Metric.Counts);
        Assert.Equal(100.0, v2Metric.SharePercent(SuggestionSource.Local));
        var v2Gap = versions[1];
        Assert.Equal(2.0 / 3 * 100, v2Gap.SharePercent(SuggestionSource.Local)!.Value, 6);
        Assert.Equal(1.0 / 3 * 100, v2Gap.SharePercent(SuggestionSource.Llm)!.Value, 6);
        var v1Metric = versions[3];
        Assert.Equal(new AcceptanceCounts(4, 1, 0), v1Metric.Counts);
        Assert.Equal(80.0, v1Metric.Counts.AcceptancePercent);
        Assert.Equal(100.0, v1Metric.SharePercent(SuggestionSource.ColdStart));
        Assert.Single(await reports.ByVersionAsync(new SuggestionFilter(SuggestionField.Tags)));

        Assert.Equal([2, 1], await reports.KnownVersionsAsync());
        var current = await reports.CurrentModelAsync();
        Assert.NotNull(current);
        Assert.Equal(2, current.Summary.Version);
        Assert.Equal(40, current.Summary.TrainingItems);
        Assert.False(current.EvaluationUnreadable);
        Assert.Equal(0.8, current.Evaluation!.Fields[0].HeldOutTop1);
        Assert.Equal(30, current.Evaluation.Fields[0].Reliability[1].Count);
        Assert.Equal(SuggestionSource.ColdStart, current.Evaluation.Fields[1].Source);
        Assert.Null(current.Evaluation.Fields[1].HeldOutTop1);
    }

    [Fact]
    public async Task Csv_has_a_row_per_week_and_field_with_a_BOM()
    {
        using var app = new VocAppFactory();
        var scenario = await SuggestionScenario.ArrangeAsync(app, Now);
        await using var scope = app.Scope();
        var report = await SuggestionScenario.Reports(scope, Now).AcceptanceAsync(3, new SuggestionFilter());

        var bytes = SuggestionReports.AcceptanceCsv(report);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("iso_week,week_start,field,accepted,corrected,abstained,resolved,acceptance_percent,abstained_percent", lines[0]);
        Assert.Equal(1 + 3 * 4 + 1, lines.Length); // header, 3 weeks × 4 fields, the empty string after the last CRLF
        Assert.Contains("2026-W10,2026-03-02,BusinessMetric,3,1,0,4,75.0,0.0", lines);
        Assert.Contains("2026-W10,2026-03-02,Tags,0,1,1,2,0.0,50.0", lines);
        Assert.Contains("2026-W12,2026-03-16,OwningDomain,0,0,1,1,,100.0", lines);
        Assert.Equal(scenario.WeekA, new DateOnly(2026, 3, 2));
    }

    [Fact]
    public void Csv_cells_that_a_spreadsheet_would_run_are_defused()
    {
        var bytes = SuggestionReports.WriteCsv([["=1+1", "-2", "@SUM(A1)", "+x", "plain", "上海"]]);
        var cells = Encoding.UTF8.GetString(bytes[3..]).TrimEnd('\r', '\n').Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal(["'=1+1", "'-2", "'@SUM(A1)", "'+x", "plain", "上海"], cells);
    }

    [Fact]
    public async Task Model_history_is_newest_first_twenty_a_page()
    {
        using var app = new VocAppFactory();
        await app.WithDbAsync(async db =>
        {
            db.SuggestionModels.AddRange(Enumerable.Range(1, 45).Select(v => new SuggestionModelRecord
            {
                Version = v, TrainedAt = Now.AddHours(v), TrainingItems = v * 10, TrainSeconds = 1, Payload = [],
                // The newest has an evaluation that does not parse: the page must say so rather than fail.
                EvaluationJson = v == 45 ? "{not json" : null,
            }));
            await db.SaveChangesAsync();
            return 0;
        });
        await using var scope = app.Scope();
        var reports = SuggestionScenario.Reports(scope, Now);

        var first = await reports.ModelsAsync(1);
        Assert.Equal(45, first.Total);
        Assert.Equal(3, first.PageCount);
        Assert.Equal(Enumerable.Range(26, 20).Reverse(), first.Items.Select(m => m.Version));
        var last = await reports.ModelsAsync(99);
        Assert.Equal(3, last.Page);
        Assert.Equal([5, 4, 3, 2, 1], last.Items.Select(m => m.Version));

        var current = await reports.CurrentModelAsync();
        Assert.True(current!.EvaluationUnreadable);
        Assert.Null(current.Evaluation);
    }

    [Fact]
    public void Evaluation_json_is_camel_case_with_enum_names_and_round_trips()
    {
        var json = JsonSerializer.Serialize(SuggestionScenario.Evaluation, SuggestionJson.Options);
        Assert.Contains("\"field\":\"BusinessMetric\"", json);
        Assert.Contains("\"source\":\"ColdStart\"", json);
        Assert.Contains("\"heldOutTop1\":0.8", json);
        var back = SuggestionReports.ReadEvaluation(json, out var unreadable);
        Assert.False(unreadable);
        Assert.Equal(SuggestionScenario.Evaluation.Fields[0].Reliability, back!.Fields[0].Reliability);
        Assert.Null(SuggestionReports.ReadEvaluation(null, out unreadable));
        Assert.False(unreadable);
        Assert.Null(SuggestionReports.ReadEvaluation("[]", out unreadable));
        Assert.True(unreadable);
    }
}
