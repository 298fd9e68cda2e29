using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Workflows.Flows;

/// <summary>
/// The flow runtime on a real database, pass by pass with a fake clock: every step kind, quorums, reminders, deadlines,
/// for-each children and their join, signals, faults and retries, cron occurrences. Runs on SQLite here and on PostgreSQL below.
/// </summary>
public class FlowRuntimeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly DirectoryInfo _folder = FlowTestDefinitions.Folder(
        ("every-step.json", FlowTestDefinitions.EveryStep), ("every-step-child.json", FlowTestDefinitions.Child),
        ("monthly-check.json", FlowTestDefinitions.Cron), ("failing.json", FlowTestDefinitions.Failing));
    private VocAppFactory _app = null!;
    private string _pmEmail = null!;
    private string _pmId = null!;
    private string _leaderEmail = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync()
    {
        _app = new VocAppFactory(CreateDatabase(), new Dictionary<string, string?>
        {
            ["Workflows:Directory"] = _folder.FullName,
            ["Workflows:Flows:MaxAttempts"] = "3",
            ["Workflows:Flows:RetryDelay"] = "00:01:00",
        })
        {
            TestServices = services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<IFlowActivity, FailingActivity>();
            },
        };
        _pmEmail = await WebTestSupport.CreateUserAsync(_app, Roles.ProductManager, "Pat PM");
        _pmId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == _pmEmail).Select(u => u.Id).FirstAsync());
        _leaderEmail = await WebTestSupport.CreateUserAsync(_app, Roles.Leadership, "Lee Leader");
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_step_kind_runs_in_order_and_the_run_ends_passed()
    {
        var started = await StartAsync("every-step", "every-step:r1");
        Assert.Equal(StartOutcome.Started, started.Outcome);
        Assert.Equal(StartOutcome.AlreadyExists, (await StartAsync("every-step", "every-step:r1")).Outcome);

        await PassAsync();
        var instance = await InstanceAsync(started.InstanceId);
        Assert.True(instance.CurrentStep == "pause", $"at {instance.CurrentStep}: {instance.LastError}");
        Assert.Equal(1, Variables(instance)["round"]!.GetValue<int>());
        Assert.Equal(Start.UtcDateTime.AddHours(1), (await PendingTimersAsync(instance.Id)).Single().ResumeAt);

        _clock.Advance(TimeSpan.FromHours(1));
        await PassAsync();
        Assert.Equal("half-clock", (await InstanceAsync(instance.Id)).CurrentStep);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddHours(5), (await PendingTimersAsync(instance.Id)).Single().ResumeAt); // half of the 10 h clock

        _clock.Advance(TimeSpan.FromHours(5));
        await PassAsync();
        Assert.Equal("wait-go", (await InstanceAsync(instance.Id)).CurrentStep);
        await SignalAsync("every-step:r1", "go");
        await PassAsync();

        instance = await InstanceAsync(instance.Id);
        Assert.True(instance.CurrentStep == "review", $"at {instance.CurrentStep}: {instance.LastError}");
        var tasks = await TasksAsync(instance.Id);
        Assert.Equal(new[] { "customer@example.test", _pmEmail }.Order(), tasks.Select(t => t.AssigneeEmail).Order());
        Assert.Null(tasks.Single(t => t.AssigneeKind == "customer").AssigneeUserId); // no account: answers by link
        Assert.Equal(_pmId, tasks.Single(t => t.AssigneeKind == "pm").AssigneeUserId);
        Assert.All(tasks, t => Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddDays(2), t.DueAt));
        var assignmentMails = await MailsAsync("workflow-task");
        Assert.Equal(2, assignmentMails.Count);
        Assert.All(assignmentMails, m => Assert.Contains("/task-link/", m.TextBody));
        Assert.Single(await _app.WithDbAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == instance.Id).Select(t => t.Title).Distinct().ToListAsync()), "Review the release");

        // Half way to the deadline: a reminder to both.
        _clock.Advance(TimeSpan.FromDays(1));
        await PassAsync();
        Assert.Equal(2, (await MailsAsync("workflow-task-reminder")).Count);

        // The PM approves: one of two answers, and no customer yet: still waiting.
        var pmTask = tasks.Single(t => t.AssigneeKind == "pm");
        Assert.Equal(TaskAnswerStatus.Completed, (await AnswerAsync(pmTask.Id, new TaskActor(_pmId, _pmEmail, false), "approve", "Looks right")).Status);
        Assert.Equal(TaskAnswerStatus.AlreadyAnswered, (await AnswerAsync(pmTask.Id, new TaskActor(_pmId, _pmEmail, false), "object", null)).Status);
        await PassAsync();
        Assert.Equal("review", (await InstanceAsync(instance.Id)).CurrentStep);

        var customerTask = tasks.Single(t => t.AssigneeKind == "customer");
        Assert.Equal(TaskAnswerStatus.NotAssigned, (await AnswerAsync(customerTask.Id, new TaskActor(_pmId, _pmEmail, false), "approve", null)).Status);
        Assert.Equal(TaskAnswerStatus.InvalidOutcome, (await AnswerAsync(customerTask.Id, new TaskActor(null, "customer", true), "maybe", null)).Status);
        Assert.Equal(TaskAnswerStatus.Completed, (await AnswerAsync(customerTask.Id, new TaskActor(null, "customer", true), "approve", "需要导出")).Status);
        await PassAsync();

        // Quorum met → decision → for-each: one child per target, each a task for its owner.
        instance = await InstanceAsync(instance.Id);
        Assert.Equal("audits", instance.CurrentStep);
        Assert.Equal("approved", Variables(instance)["review"]!["result"]!.GetValue<string>());
        await PassAsync(); // the children's start events
        var children = await _app.WithDbAsync(db => db.WorkflowInstances.Where(i => i.ParentInstanceId == instance.Id).OrderBy(i => i.RunKey).ToListAsync());
        Assert.Equal(["every-step:r1/audits:adoption", "every-step:r1/audits:nps"], children.Select(c => c.RunKey));
        Assert.All(children, c => Assert.Equal("report", c.CurrentStep));
        var childTasks = await _app.WithDbAsync(db => db.WorkflowTasks.Where(t => children.Select(c => c.Id).Contains(t.InstanceId)).OrderBy(t => t.AssigneeEmail).ToListAsync());
        Assert.Equal(["owner-a@example.test", "owner-b@example.test"], childTasks.Select(t => t.AssigneeEmail));

        await AnswerAsync(childTasks[0].Id, new TaskActor(null, "owner-a", true), "submit", "Cause: onboarding.");
        await PassAsync();
        await PassAsync();
        Assert.Equal("audits", (await InstanceAsync(instance.Id)).CurrentStep); // one child still open: no join yet
        await AnswerAsync(childTasks[1].Id, new TaskActor(null, "owner-b", true), "submit", null);
        await PassAsync();
        await PassAsync();

        instance = await InstanceAsync(instance.Id);
        Assert.Equal(WorkflowInstanceStatus.Completed, instance.Status);
        Assert.Equal("passed", instance.EndReason);
        Assert.Equal("done", instance.CurrentStep);
        Assert.Equal(2, Variables(instance)["audits"]!["results"]!.AsArray().Count(r => r!["outcome"]!.GetValue<string>() == "reported"));
        Assert.Equal([_leaderEmail], (await MailsAsync("workflow-notice")).Select(m => m.ToAddress));
        Assert.Empty(await PendingTimersAsync(instance.Id));

        var history = await _app.WithDbAsync(db => db.WorkflowHistory.Where(h => h.InstanceId == instance.Id && (h.Event == "entered" || h.Event == "passed")).OrderBy(h => h.Id).Select(h => h.Step).ToListAsync());
        Assert.Equal(["note", "pause", "half-clock", "wait-go", "review", "check", "audits", "tell", "done"], history);
        Assert.Contains(await _app.WithDbAsync(db => db.WorkflowHistory.Where(h => h.InstanceId == instance.Id && h.Event == "task-answered").Select(h => h.Actor).ToListAsync()),
            a => a == "link:customer@example.test");
    }

    [Fact]
    public async Task An_objection_rejects_the_review_at_once_and_closes_the_other_tasks()
    {
        var run = await ToReviewAsync("every-step:objection");
        var tasks = await TasksAsync(run);
        await AnswerAsync(tasks.Single(t => t.AssigneeKind == "customer").Id, new TaskActor(null, "customer", true), "object", "Not yet.");
        await PassAsync();
        var instance = await InstanceAsync(run);
        Assert.Equal(("rejected", WorkflowInstanceStatus.Completed), (instance.EndReason, instance.Status));
        Assert.Equal(WorkflowTaskStatus.Closed, (await TasksAsync(run)).Single(t => t.AssigneeKind == "pm").Status);
        Assert.Equal(TaskAnswerStatus.Closed, (await AnswerAsync(tasks.Single(t => t.AssigneeKind == "pm").Id, new TaskActor(_pmId, _pmEmail, false), "approve", null)).Status);
    }

    [Fact]
    public async Task A_deadline_without_a_quorum_escalates_to_leadership_and_later_answers_are_refused()
    {
        var run = await ToReviewAsync("every-step:timeout");
        var pmTask = (await TasksAsync(run)).Single(t => t.AssigneeKind == "pm");
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(TaskAnswerStatus.Closed, (await AnswerAsync(pmTask.Id, new TaskActor(_pmId, _pmEmail, false), "approve", null)).Status);
        await PassAsync();
        var instance = await InstanceAsync(run);
        Assert.Equal("timed-out", instance.EndReason);
        Assert.Equal("timeout", Variables(instance)["review"]!["result"]!.GetValue<string>());
        Assert.All(await TasksAsync(run), t => Assert.Equal(WorkflowTaskStatus.Closed, t.Status));
        var mail = Assert.Single(await MailsAsync("workflow-notice"));
        Assert.Equal(_leaderEmail, mail.ToAddress);
        Assert.Contains("Nobody reviewed the release in time.", mail.TextBody);
    }

    [Fact]
    public async Task A_signal_that_never_comes_times_out_and_one_for_another_step_is_only_recorded()
    {
        var started = await StartAsync("every-step", "every-step:nosignal");
        await SignalAsync("every-step:nosignal", "go"); // too early: the run is not waiting for it yet
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(5));
        await PassAsync();
        Assert.Equal("wait-go", (await InstanceAsync(started.InstanceId)).CurrentStep);
        _clock.Advance(TimeSpan.FromDays(1));
        await PassAsync();
        Assert.Equal("no-signal", (await InstanceAsync(started.InstanceId)).EndReason);
        Assert.True(await _app.WithDbAsync(db => db.WorkflowHistory.AnyAsync(h => h.InstanceId == started.InstanceId && h.Event == "signal-ignored")));
    }

    [Fact]
    public async Task A_failing_activity_is_retried_with_a_backoff_then_faulted_and_nothing_else_in_its_batch_is_lost()
    {
        var failing = await StartAsync("failing", "failing:1");
        var healthy = await StartAsync("every-step", "every-step:healthy");
        await PassAsync();
        Assert.Equal("pause", (await InstanceAsync(healthy.InstanceId)).CurrentStep); // moved on despite the failure beside it
        var instance = await InstanceAsync(failing.InstanceId);
        Assert.Equal((WorkflowInstanceStatus.Running, 1), (instance.Status, instance.Attempts));
        Assert.Contains("the test activity failed", instance.LastError);
        var timer = await _app.WithDbAsync(db => db.WorkflowTimers.SingleAsync(t => t.InstanceId == failing.InstanceId));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime.AddMinutes(1), timer.ResumeAt);

        _clock.Advance(TimeSpan.FromMinutes(1));
        await PassAsync();
        Assert.Equal(2, (await InstanceAsync(failing.InstanceId)).Attempts);
        _clock.Advance(TimeSpan.FromMinutes(2)); // doubled
        await PassAsync();
        instance = await InstanceAsync(failing.InstanceId);
        Assert.Equal(WorkflowInstanceStatus.Faulted, instance.Status);
        Assert.Equal(WorkflowTimerState.Faulted, (await _app.WithDbAsync(db => db.WorkflowTimers.SingleAsync(t => t.InstanceId == failing.InstanceId))).State);
        Assert.Equal(["attempt-failed", "attempt-failed", "faulted"], await _app.WithDbAsync(db =>
            db.WorkflowHistory.Where(h => h.InstanceId == failing.InstanceId && h.Event != "entered" && h.Event != "passed").OrderBy(h => h.Id).Select(h => h.Event).ToListAsync()));
    }

    [Fact]
    public async Task A_cron_occurrence_starts_once_on_the_first_working_day_on_or_after_it()
    {
        // 1 August 2026 is a Saturday: the monthly run starts on Monday 3 August at 09:00 (UTC here), once.
        _clock.SetUtcNow(new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero));
        await PassAsync();
        Assert.False(await _app.WithDbAsync(db => db.WorkflowInstances.AnyAsync(i => i.DefinitionId == "monthly-check")));
        _clock.SetUtcNow(new DateTimeOffset(2026, 8, 3, 9, 0, 0, TimeSpan.Zero));
        await PassAsync();
        await PassAsync();
        var runs = await _app.WithDbAsync(db => db.WorkflowInstances.Where(i => i.DefinitionId == "monthly-check").ToListAsync());
        var run = Assert.Single(runs);
        Assert.Equal(("monthly-check:2026-08", "cron", WorkflowInstanceStatus.Completed), (run.RunKey, run.StartedBy, run.Status));

        // Two months with no app instance running: both missed occurrences start at the next pass, each once.
        _clock.SetUtcNow(new DateTimeOffset(2026, 10, 5, 12, 0, 0, TimeSpan.Zero));
        await PassAsync();
        await PassAsync();
        Assert.Equal(["monthly-check:2026-08", "monthly-check:2026-09", "monthly-check:2026-10"],
            await _app.WithDbAsync(db => db.WorkflowInstances.Where(i => i.DefinitionId == "monthly-check").OrderBy(i => i.RunKey).Select(i => i.RunKey!).ToListAsync()));
    }

    private async Task<long> ToReviewAsync(string runKey)
    {
        var started = await StartAsync("every-step", runKey);
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await PassAsync();
        _clock.Advance(TimeSpan.FromHours(5));
        await PassAsync();
        await SignalAsync(runKey, "go");
        await PassAsync();
        Assert.Equal("review", (await InstanceAsync(started.InstanceId)).CurrentStep);
        return started.InstanceId;
    }

    private async Task<StartResult> StartAsync(string definition, string runKey)
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(
            scope.ServiceProvider.GetRequiredService<VocDbContext>(), definition, runKey, null, 0, null, "test", CancellationToken.None);
    }

    private async Task SignalAsync(string runKey, string signal)
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        Assert.True(await scope.ServiceProvider.GetRequiredService<FlowStarter>().SignalAsync(db, runKey, signal, Guid.NewGuid().ToString("N"), CancellationToken.None));
        await db.SaveChangesAsync();
    }

    private async Task<TaskAnswer> AnswerAsync(long taskId, TaskActor actor, string outcome, string? comment)
    {
        await using var scope = _app.Scope();
        return await scope.ServiceProvider.GetRequiredService<WorkflowTasks>().CompleteAsync(
            scope.ServiceProvider.GetRequiredService<VocDbContext>(), taskId, actor, outcome, comment, CancellationToken.None);
    }

    private Task<DispatchResult> PassAsync() =>
        _app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);

    private Task<WorkflowInstance> InstanceAsync(long id) => _app.WithDbAsync(db => db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id));

    private Task<List<WorkflowTimer>> PendingTimersAsync(long instanceId) =>
        _app.WithDbAsync(db => db.WorkflowTimers.Where(t => t.InstanceId == instanceId && t.State == WorkflowTimerState.Pending).ToListAsync());

    private Task<List<WorkflowTask>> TasksAsync(long instanceId) =>
        _app.WithDbAsync(db => db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == instanceId).OrderBy(t => t.Id).ToListAsync());

    private Task<List<OutboxEmail>> MailsAsync(string template) =>
        _app.WithDbAsync(db => db.OutboxEmails.Where(m => m.Template == template).OrderBy(m => m.Id).ToListAsync());

    private static JsonObject Variables(WorkflowInstance instance) => JsonNode.Parse(instance.VariablesJson!)!.AsObject();

    private sealed class FailingActivity : IFlowActivity
    {
        public string Name => "test-fail";
        public IReadOnlyList<(string Setting, string Message)> Validate(JsonObject settings) => [];
        public Task<string?> ExecuteAsync(FlowActivityContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the test activity failed");
    }
}

public sealed class FlowRuntimePostgresTests : FlowRuntimeTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}
