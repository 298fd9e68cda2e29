using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.SegmentRules;

/// <summary>
/// The facts win: a customer whose segment the rules change, or whose segment's target an Admin changes, has its open
/// voices' SLA clocks re-targeted by the workflow (deadline, next timer), driven pass by pass on a fake clock.
/// </summary>
public class SegmentSlaRetargetTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    [Fact]
    public async Task A_customer_moved_from_a_48_hour_to_a_24_hour_segment_gets_the_earlier_deadline_and_escalations()
    {
        var clock = new FakeTimeProvider(Start);
        using var app = new VocAppFactory(CreateDatabase()) { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        await app.EnsureChannelsAsync();
        var customer = (await WebTestSupport.AddCustomerAsync(app, "MOVE-1", "Moving Retail")).Id;
        await app.WithDbAsync(db => db.Customers.Where(c => c.Id == customer).ExecuteUpdateAsync(s => s.SetProperty(c => c.AnnualRecurringRevenue, 300_000m)));
        await EvaluateAsync(app);
        Assert.Equal("mid-market", await SegmentOfAsync(app, customer));

        var item = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "MOVE-1-A", customer, "The planogram export fails.", Start.UtcDateTime.AddMinutes(-1)));
        await PassAsync(app);
        Assert.Equal(TimeSpan.FromHours(48), (await InstanceAsync(app, item)).Target);
        Assert.Equal(Start.UtcDateTime.AddHours(48), await DueAtAsync(app, item));

        // Two hours later the customer joins the co-build programme with 3M ARR: strategic co-build, 24 hours.
        clock.Advance(TimeSpan.FromHours(2));
        await app.WithDbAsync(db => db.Customers.Where(c => c.Id == customer).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.AnnualRecurringRevenue, 3_000_000m).SetProperty(c => c.InCoBuildProgramme, true)));
        var moved = await EvaluateAsync(app);
        Assert.Equal((1, 1), (moved.Moved, moved.ClocksToRetarget));
        await PassAsync(app);

        var instance = await InstanceAsync(app, item);
        Assert.Equal(TimeSpan.FromHours(24), instance.Target);
        Assert.Equal(Start.UtcDateTime.AddHours(24), await DueAtAsync(app, item));
        var warning = await app.WithDbAsync(db => db.WorkflowTimers.SingleAsync(t => t.InstanceId == instance.Id && t.State == WorkflowTimerState.Pending));
        Assert.Equal(("warning", Start.UtcDateTime.AddHours(18)), (warning.Milestone, warning.ResumeAt));

        clock.Advance(TimeSpan.FromHours(16)); // Start + 18 h: 75% of the new target
        await PassAsync(app);
        Assert.Equal([SlaEscalationLevel.Warning], await EscalationsAsync(app, item));

        // The Admin tightens strategic co-build to 16 hours: the members' open clocks follow, the breach is due at once
        // (leadership, at 150% = 24 h, is not).
        await using (var scope = app.Scope())
        {
            var saved = await scope.ServiceProvider.GetRequiredService<SegmentPolicyService>().SaveAsync("strategic-cobuild",
                new SegmentEdit("In the co-build programme and ARR ≥ 2M", """{"all": [{"coordinate": "coBuild", "op": "=", "value": true}, {"coordinate": "arr", "op": ">=", "value": 2000000}]}""",
                    16, 3, null, 10));
            Assert.NotNull(saved);
            Assert.True(saved.Saved);
            Assert.Equal(1, saved.ClocksRetargeted);
        }
        await PassAsync(app);
        Assert.Equal(Start.UtcDateTime.AddHours(16), await DueAtAsync(app, item));
        await PassAsync(app);
        Assert.Equal([SlaEscalationLevel.Warning, SlaEscalationLevel.Breach], await EscalationsAsync(app, item));
    }

    private static async Task<SegmentEvaluationResult> EvaluateAsync(VocAppFactory app)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>().EvaluateAllAsync();
    }

    private static Task<string?> SegmentOfAsync(VocAppFactory app, int customer) =>
        app.WithDbAsync(db => db.Customers.Where(c => c.Id == customer).Select(c => c.Segment == null ? null : c.Segment.Key).SingleAsync());

    private static async Task PassAsync(VocAppFactory app) =>
        await app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);

    private static Task<WorkflowInstance> InstanceAsync(VocAppFactory app, long item) => app.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.SubjectId == item));

    private static Task<DateTime?> DueAtAsync(VocAppFactory app, long item) =>
        app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == item).Select(f => f.AttributionDueAt).SingleAsync());

    private static Task<List<SlaEscalationLevel>> EscalationsAsync(VocAppFactory app, long item) =>
        app.WithDbAsync(db => db.SlaEscalations.Where(e => e.FeedbackItemId == item).OrderBy(e => e.Id).Select(e => e.Level).ToListAsync());
}

public sealed class SegmentSlaRetargetPostgresTests : SegmentSlaRetargetTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}
