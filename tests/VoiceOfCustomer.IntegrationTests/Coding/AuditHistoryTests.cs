using VoiceOfCustomer.Web.Features.Coding;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>The coding history reads audit rows stored before the snapshots were camelCase exactly like today's.</summary>
public sealed class AuditHistoryTests
{
    [Fact]
    public void Pascal_case_rows_and_camel_case_rows_summarise_the_same()
    {
        var stored = CodingPageViewModel.Summarise(
            """{"State":"Draft","Version":1,"MetricId":3,"Metric":"Order fill rate","ValueDimension":"Pain","TagIds":[],"Tags":[],"UpdatedAt":"2026-11-20T09:00:00Z"}""",
            """{"State":"Submitted","Version":2,"MetricId":3,"Metric":"Order fill rate","ValueDimension":"Need","TagIds":[1],"Tags":["Urgent escalation"],"UpdatedAt":"2026-11-21T09:00:00Z"}""");
        var today = CodingPageViewModel.Summarise(
            """{"state":"draft","version":1,"metricId":3,"metric":"Order fill rate","valueDimension":"pain","tagIds":[],"tags":[],"updatedAt":"2026-11-20T09:00:00Z"}""",
            """{"state":"submitted","version":2,"metricId":3,"metric":"Order fill rate","valueDimension":"need","tagIds":[1],"tags":["Urgent escalation"],"updatedAt":"2026-11-21T09:00:00Z"}""");

        Assert.Equal(stored, today);
        // State, value dimension and tags changed; versions, ids and stamps are left out.
        Assert.Equal(3, today.Count);
        Assert.DoesNotContain(today, line => line.Contains("2026", StringComparison.Ordinal) || line.Contains("version", StringComparison.OrdinalIgnoreCase));
    }
}
