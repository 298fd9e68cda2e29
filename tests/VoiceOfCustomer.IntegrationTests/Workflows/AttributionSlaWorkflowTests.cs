using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>
/// The attribution SLA workflow on a real SQLite file, driven pass by pass with a fake clock moved forward:
/// warning at 75%, breach at 100%, leadership at 150%, pause while awaiting the customer, end on completion.
/// </summary>
public class AttributionSlaWorkflowTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private VocAppFactory _app = null!;
    private int _customerId;
    private string _csmEmail = null!;
    private string _leaderEmail = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync()
    {
        _app = new VocAppFactory(CreateDatabase(), new Dictionary<string, string?>
        {
            ["Escalation:CsLeadAddresses:0"] = "cs-lead@example.test",
            ["Escalation:LeadershipAddresses:0"] = "board@example.test",
        })
        { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        await _app.EnsureChannelsAsync();
        _csmEmail = await WebTestSupport.CreateUserAsync(_app, Roles.Csm, "Li Na");
        _leaderEmail = await WebTestSupport.CreateUserAsync(_app, Roles.Leadership, "Director");
        var csmId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == _csmEmail).Select(u => u.Id).FirstAsync());
        _customerId = (await WebTestSupport.AddCustomerAsync(_app, "ACME-SLA", "Acme Retail")).Id;
        await _app.WithDbAsync(async db =>
        {
            var customer = await db.Customers.FirstAsync(c => c.Id == _customerId);
            customer.CsmUserId = csmId;
            return await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Warning_breach_and_leadership_fire_once_each_at_their_share_of_48_hours()
    {
        var id = await NewItemAsync("SLA-1");
        var result = await PassAsync();
        Assert.Equal(1, result.Started);

        var instance = await _app.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.SubjectId == id));
        Assert.Equal(TimeSpan.FromHours(48), instance.Target);
        Assert.Equal(Start.UtcDateTime.AddHours(48), await DueAtAsync(id));
        var timer = await _app.WithDbAsync(db => db.WorkflowTimers.SingleAsync(t => t.InstanceId == instance.Id));
        Assert.Equal(("warning", Start.UtcDateTime.AddHours(36)), (timer.Milestone, timer.ResumeAt));
        Assert.Equal($"attribution-sla:{instance.Id}:warning", timer.Key);

        _clock.Advance(TimeSpan.FromHours(35.9));
        Assert.Equal(0, (await PassAsync()).Fired);
        Assert.Empty(await EscalationsAsync(id));

        _clock.Advance(TimeSpan.FromHours(0.1));
        Assert.Equal(1, (await PassAsync()).Fired);
        Assert.Equal([SlaEscalationLevel.Warning], await EscalationsAsync(id));
        Assert.Equal([_csmEmail], await MailToAsync("sla-warning"));

        _clock.Advance(TimeSpan.FromHours(12));
        await PassAsync();
        Assert.Equal([SlaEscalationLevel.Warning, SlaEscalationLevel.Breach], await EscalationsAsync(id));
        Assert.Equal(["cs-lead@example.test"], await MailToAsync("sla-breach"));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, await _app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.SlaBreachedAt).SingleAsync()));

        _clock.Advance(TimeSpan.FromHours(24));
        await PassAsync();
        Assert.Equal([SlaEscalationLevel.Warning, SlaEscalationLevel.Breach, SlaEscalationLevel.Leadership], await EscalationsAsync(id));
        Assert.Equal(new[] { "board@example.test", _leaderEmail }.Order(), (await MailToAsync("sla-leadership")).Order());

        // Every later pass finds nothing more to do: each level fired once.
        _clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(0, (await PassAsync()).Total);
        Assert.Equal(3, (await EscalationsAsync(id)).Count);
        Assert.Equal(4, await _app.WithDbAsync(db => db.OutboxEmails.CountAsync()));
        var escalation = await _app.WithDbAsync(db => db.SlaEscalations.SingleAsync(e => e.Level == SlaEscalationLevel.Breach));
        Assert.Equal("cs-lead@example.test", escalation.Recipients);
        Assert.Equal(Start.UtcDateTime.AddHours(48), escalation.DueAt);
    }

    [Fact]
    public async Task Escalation_mail_names_the_item_customer_deadline_and_link()
    {
        var id = await NewItemAsync("SLA-MAIL");
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(49));
        await PassAsync();
        await PassAsync();
        var mail = await _app.WithDbAsync(db => db.OutboxEmails.SingleAsync(m => m.Template == "sla-breach"));
        foreach (var text in new[] { mail.Subject, mail.TextBody, mail.HtmlBody })
        {
            Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
            Assert.Contains("Acme Retail", text);
        }
        Assert.Contains("/feedback/" + id, mail.TextBody);
        Assert.Contains("/feedback/" + id, mail.HtmlBody);
        Assert.Contains("2026", mail.TextBody); // the deadline
        Assert.Equal(OutboxEmailState.Pending, mail.State);
    }

    [Fact]
    public async Task Awaiting_customer_pauses_the_clock_and_reopening_resumes_it_with_the_time_left()
    {
        var id = await NewItemAsync("SLA-PAUSE");
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(10));
        await WithCodingAsync(s => s.MarkAwaitingCustomerAsync(id, "Which stores?", null));
        await PassAsync();

        var instance = await InstanceAsync(id);
        Assert.Equal(WorkflowInstanceStatus.Paused, instance.Status);
        Assert.Equal(TimeSpan.FromHours(10), instance.Consumed);
        Assert.Equal(WorkflowTimerState.Cancelled, (await TimersAsync(instance.Id)).Single().State);

        // A week of waiting for the customer does not count.
        _clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal(0, (await PassAsync()).Fired);
        Assert.Empty(await EscalationsAsync(id));

        await WithCodingAsync(s => s.ReopenAsync(id, "The customer wrote again.", null));
        await PassAsync();
        var resumed = _clock.GetUtcNow().UtcDateTime;
        instance = await InstanceAsync(id);
        Assert.Equal(WorkflowInstanceStatus.Running, instance.Status);
        var timer = (await TimersAsync(instance.Id)).Single();
        Assert.Equal((WorkflowTimerState.Pending, resumed.AddHours(26)), (timer.State, timer.ResumeAt));
        Assert.Equal(resumed.AddHours(38), await DueAtAsync(id));

        _clock.Advance(TimeSpan.FromHours(26));
        await PassAsync();
        Assert.Equal([SlaEscalationLevel.Warning], await EscalationsAsync(id));
    }

    [Fact]
    public async Task Completing_the_attribution_ends_the_workflow_and_nothing_fires_later()
    {
        var id = await NewItemAsync("SLA-DONE");
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(40));
        await PassAsync(); // the warning
        await _app.WithDbAsync(async db =>
        {
            var item = await db.FeedbackItems.FirstAsync(f => f.Id == id);
            item.Status = FeedbackStatus.Attributed;
            db.DomainEvents.Add(new Events.DomainEvent { Type = Events.DomainEventTypes.AttributionCompleted, FeedbackItemId = id, OccurredAt = _clock.GetUtcNow().UtcDateTime });
            return await db.SaveChangesAsync();
        });
        await PassAsync();

        var instance = await InstanceAsync(id);
        Assert.Equal((WorkflowInstanceStatus.Completed, "attribution.completed"), (instance.Status, instance.EndReason));
        Assert.DoesNotContain(await TimersAsync(instance.Id), t => t.State == WorkflowTimerState.Pending);
        _clock.Advance(TimeSpan.FromDays(5));
        await PassAsync();
        Assert.Equal([SlaEscalationLevel.Warning], await EscalationsAsync(id));
    }

    [Fact]
    public async Task A_timer_checks_the_item_itself_so_a_completion_whose_signal_is_late_still_wins()
    {
        var id = await NewItemAsync("SLA-RACE");
        await PassAsync();
        // Completed, but the event has not been delivered yet (it is marked delivered without the runtime seeing it).
        await _app.WithDbAsync(async db =>
        {
            var item = await db.FeedbackItems.FirstAsync(f => f.Id == id);
            item.Status = FeedbackStatus.Attributed;
            return await db.SaveChangesAsync();
        });
        _clock.Advance(TimeSpan.FromHours(50));
        await PassAsync();
        Assert.Empty(await EscalationsAsync(id));
        Assert.Equal(WorkflowInstanceStatus.Completed, (await InstanceAsync(id)).Status);
    }

    [Fact]
    public async Task A_stricter_segment_policy_shortens_the_target()
    {
        await _app.WithDbAsync(async db =>
        {
            var segment = new Segments.Segment { Key = "strict-test", Name = "Strict" };
            segment.Policy.AttributionTarget = TimeSpan.FromHours(24);
            db.Segments.Add(segment);
            await db.SaveChangesAsync();
            var customer = await db.Customers.FirstAsync(c => c.Id == _customerId);
            customer.SegmentId = segment.Id;
            return await db.SaveChangesAsync();
        });
        var id = await NewItemAsync("SLA-STRICT");
        await PassAsync();
        Assert.Equal(TimeSpan.FromHours(24), (await InstanceAsync(id)).Target);
        Assert.Equal(Start.UtcDateTime.AddHours(24), await DueAtAsync(id));
        Assert.Equal(Start.UtcDateTime.AddHours(18), (await TimersAsync((await InstanceAsync(id)).Id)).Single().ResumeAt);
    }

    [Fact]
    public async Task Overdue_timers_found_after_downtime_fire_in_order_once()
    {
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await NewItemAsync($"SLA-LATE-{i}"));
        await PassAsync();

        // The app was down for four days: every level of every item is overdue.
        _clock.Advance(TimeSpan.FromDays(4));
        for (var pass = 0; pass < 5; pass++)
            await PassAsync();

        foreach (var id in ids)
        {
            var levels = await _app.WithDbAsync(db => db.SlaEscalations.Where(e => e.FeedbackItemId == id).OrderBy(e => e.Id).Select(e => e.Level).ToListAsync());
            Assert.Equal([SlaEscalationLevel.Warning, SlaEscalationLevel.Breach, SlaEscalationLevel.Leadership], levels);
        }
        Assert.Equal(ids.Count * 4, await _app.WithDbAsync(db => db.OutboxEmails.CountAsync()));
    }

    [Fact]
    public async Task After_downtime_each_level_is_recorded_when_it_was_reached_and_the_mail_says_how_late_it_is_now()
    {
        var id = await NewItemAsync("SLA-DOWN");
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(50)); // down from hour 0 to hour 50: warning and breach both overdue
        await PassAsync();
        await PassAsync();

        var escalations = await _app.WithDbAsync(db => db.SlaEscalations.Where(e => e.FeedbackItemId == id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([(SlaEscalationLevel.Warning, Start.UtcDateTime.AddHours(36)), (SlaEscalationLevel.Breach, Start.UtcDateTime.AddHours(48))],
            escalations.Select(e => (e.Level, e.OccurredAt)));
        Assert.Equal(Start.UtcDateTime.AddHours(48), await _app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.SlaBreachedAt).SingleAsync()));
        var mail = await _app.WithDbAsync(db => db.OutboxEmails.SingleAsync(m => m.Template == "sla-breach"));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, mail.CreatedAt);
        Assert.Contains("overdue by 2 h 0 min", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_pauses_when_the_customer_was_asked_and_resumes_when_reopened_even_if_the_dispatcher_hears_of_it_later()
    {
        var id = await NewItemAsync("SLA-LATE-SIGNAL");
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(10));
        await WithCodingAsync(s => s.MarkAwaitingCustomerAsync(id, "Which stores?", null));
        _clock.Advance(TimeSpan.FromHours(3)); // the dispatcher was away
        await PassAsync();
        Assert.Equal(TimeSpan.FromHours(10), (await InstanceAsync(id)).Consumed);

        _clock.Advance(TimeSpan.FromHours(20));
        await WithCodingAsync(s => s.ReopenAsync(id, reason: null, actorId: null));
        var reopened = _clock.GetUtcNow().UtcDateTime;
        _clock.Advance(TimeSpan.FromHours(2));
        await PassAsync();
        var instance = await InstanceAsync(id);
        Assert.Equal(reopened, instance.RunningSince);
        Assert.Equal(reopened.AddHours(26), (await TimersAsync(instance.Id)).Single().ResumeAt);
        Assert.Equal(reopened.AddHours(38), await DueAtAsync(id));
    }

    private async Task<long> NewItemAsync(string externalId) =>
        await WebTestSupport.AddFeedbackAsync(_app, new FeedbackItemSpec("support", externalId, _customerId,
            "Replenishment orders arrive after the promotion starts.", _clock.GetUtcNow().UtcDateTime.AddMinutes(-1)));

    private async Task<DispatchResult> PassAsync() =>
        await _app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);

    private async Task WithCodingAsync(Func<AttributionService, Task<CodingResult>> action)
    {
        await using var scope = _app.Scope();
        var result = await action(scope.ServiceProvider.GetRequiredService<AttributionService>());
        Assert.Equal(CodingOutcome.Saved, result.Outcome);
    }

    private Task<DateTime?> DueAtAsync(long id) => _app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.AttributionDueAt).SingleAsync());

    private Task<WorkflowInstance> InstanceAsync(long id) => _app.WithDbAsync(db => db.WorkflowInstances.OrderBy(i => i.Id).LastAsync(i => i.SubjectId == id));

    private Task<List<WorkflowTimer>> TimersAsync(long instanceId) => _app.WithDbAsync(db => db.WorkflowTimers.Where(t => t.InstanceId == instanceId).ToListAsync());

    private Task<List<SlaEscalationLevel>> EscalationsAsync(long id) =>
        _app.WithDbAsync(db => db.SlaEscalations.Where(e => e.FeedbackItemId == id).OrderBy(e => e.Id).Select(e => e.Level).ToListAsync());

    private Task<List<string>> MailToAsync(string template) =>
        _app.WithDbAsync(db => db.OutboxEmails.Where(m => m.Template == template).OrderBy(m => m.Id).Select(m => m.ToAddress).ToListAsync());
}

public sealed class AttributionSlaWorkflowPostgresTests : AttributionSlaWorkflowTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class AttributionSlaWorkflowSqlServerTests : AttributionSlaWorkflowTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
