using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>The coding history reads audit rows stored before the snapshots were camelCase exactly like today's.</summary>
public sealed class AuditHistoryTests
{
    [Fact]
    public void Pascal_case_rows_and_camel_case_rows_summarise_the_same()
    {
        using var app = new VocAppFactory();
        var history = new CodingAudit(app.Services.GetRequiredService<IStringLocalizer<SharedResource>>(), TaxonomyNames.AsStored, new Dictionary<string, string>());
        var stored = history.Summarise(
            """{"State":"Draft","Version":1,"MetricId":3,"Metric":"Order fill rate","ValueDimension":"Pain","TagIds":[],"Tags":[],"UpdatedAt":"2026-11-20T09:00:00Z"}""",
            """{"State":"Submitted","Version":2,"MetricId":3,"Metric":"Order fill rate","ValueDimension":"Need","TagIds":[1],"Tags":["Urgent escalation"],"UpdatedAt":"2026-11-21T09:00:00Z"}""");
        var today = history.Summarise(
            """{"state":"draft","version":1,"metricId":3,"metric":"Order fill rate","valueDimension":"pain","tagIds":[],"tags":[],"updatedAt":"2026-11-20T09:00:00Z"}""",
            """{"state":"submitted","version":2,"metricId":3,"metric":"Order fill rate","valueDimension":"need","tagIds":[1],"tags":["Urgent escalation"],"updatedAt":"2026-11-21T09:00:00Z"}""");

        Assert.Equal(stored, today);
        // State, value dimension and tags changed; versions, ids and stamps are left out.
        Assert.Equal(3, today.Count);
        Assert.DoesNotContain(today, change => change.Was.Contains("2026", StringComparison.Ordinal) || change.Field.Contains("version", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(today, change => change is { Field: "Value dimension", Was: "Pain", Now: "Need" });
    }
}
