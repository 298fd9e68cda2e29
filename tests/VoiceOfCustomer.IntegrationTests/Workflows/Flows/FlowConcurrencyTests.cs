using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;
using System.Text.Json.Nodes;

namespace VoiceOfCustomer.IntegrationTests.Workflows.Flows;

/// <summary>
/// Two app instances on one PostgreSQL database, their dispatchers passing at the same moment: a cron occurrence starts one
/// run, a timer fires once, a quorum is decided once, a fan-out makes one child per item. And an app instance that goes away
/// between steps leaves nothing in memory: another picks the run up where it stood.
/// </summary>
public sealed class FlowConcurrencyTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly DirectoryInfo _folder = FlowTestDefinitions.Folder(
        ("timed.json", FlowConcurrencyDefinitions.Timed), ("quorum.json", FlowConcurrencyDefinitions.Quorum),
        ("fan-out.json", FlowConcurrencyDefinitions.FanOut), ("fan-child.json", FlowConcurrencyDefinitions.FanChild),
        ("hourly.json", FlowConcurrencyDefinitions.Cron));

    public void Dispose() => _folder.Delete(recursive: true);

    private VocAppFactory App(TestDatabase database) => new(database, new Dictionary<string, string?> { ["Workflows:Directory"] = _folder.FullName })
    {
        TestServices = services => services.AddSingleton<TimeProvider>(_clock),
    };

    [Fact]
    public async Task Two_instances_start_a_cron_occurrence_fire_timers_decide_a_quorum_and_fan_out_exactly_once()
    {
        using var database = TestDatabase.CreatePostgres();
        using var first = App(database);
        _ = first.Services; // migrations run once, here
        using var second = App(database);
        _ = second.Services;

        // Timers: 40 runs waiting an hour; both dispatchers pass at once.
        for (var i = 0; i < 40; i++)
            await StartAsync(first, "timed", $"timed:{i}");
        var quorum = await StartAsync(first, "quorum", "quorum:1");
        var items = new JsonArray([.. Enumerable.Range(0, 20).Select(i => (JsonNode)JsonValue.Create(i))]);
        await StartAsync(first, "fan-out", "fan-out:1", new JsonObject { ["items"] = items });
        await BothPassAsync(first, second);
        await BothPassAsync(first, second);

        // The fan-out made one child per item, however the two dispatchers interleaved.
        Assert.Equal(20, await first.WithDbAsync(db => db.WorkflowInstances.CountAsync(i => i.DefinitionId == "fan-child")));
        Assert.Equal(20, await first.WithDbAsync(db => db.WorkflowInstances.Select(i => i.RunKey).Where(k => k!.StartsWith("fan-out:1/")).Distinct().CountAsync()));

        // The quorum: both assignees answer at once; one answer decides, the step is left once.
        var tasks = await first.WithDbAsync(db => db.WorkflowTasks.Where(t => t.InstanceId == quorum.InstanceId).ToListAsync());
        Assert.Equal(2, tasks.Count);
        await Task.WhenAll(AnswerAsync(first, tasks[0].Id), AnswerAsync(second, tasks[1].Id));
        for (var i = 0; i < 3; i++)
            await BothPassAsync(first, second);
        Assert.Equal(1, await first.WithDbAsync(db => db.WorkflowHistory.CountAsync(h => h.InstanceId == quorum.InstanceId && h.Step == "review" && h.Event == "left")));
        Assert.Equal(1, await first.WithDbAsync(db => db.WorkflowHistory.CountAsync(h => h.InstanceId == quorum.InstanceId && h.Step == "note" && h.Event == "entered")));
        Assert.Equal(WorkflowInstanceStatus.Completed, (await first.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.Id == quorum.InstanceId))).Status);

        // An hour later: 40 + 20 timers due, and the hourly cron occurrence; both pass at once, twice.
        _clock.Advance(TimeSpan.FromHours(1));
        await BothPassAsync(first, second);
        await BothPassAsync(first, second);
        await BothPassAsync(first, second);
        Assert.Equal(1, await first.WithDbAsync(db => db.WorkflowInstances.CountAsync(i => i.DefinitionId == "hourly")));
        Assert.Equal(40, await first.WithDbAsync(db => db.WorkflowHistory.CountAsync(h => h.Step == "note" && h.Event == "left"
            && db.WorkflowInstances.Any(i => i.Id == h.InstanceId && i.DefinitionId == "timed"))));
        Assert.Equal(0, await first.WithDbAsync(db => db.WorkflowTimers.CountAsync(t => t.State == WorkflowTimerState.Pending)));
        Assert.Equal(62, await first.WithDbAsync(db => db.WorkflowInstances.CountAsync(i => i.Status == WorkflowInstanceStatus.Completed
            && (i.DefinitionId == "timed" || i.DefinitionId == "fan-child" || i.DefinitionId == "fan-out" || i.DefinitionId == "hourly"))));
        Assert.Equal(0, await first.WithDbAsync(db => db.WorkflowInstances.CountAsync(i => i.Status == WorkflowInstanceStatus.Faulted)));
    }

    [Fact]
    public async Task A_run_left_between_steps_by_one_app_instance_resumes_in_another()
    {
        using var database = TestDatabase.CreateSqlite();
        using var gone = App(database);
        var started = await StartAsync(gone, "timed", "timed:resume");
        await gone.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);
        Assert.Equal("wait", await gone.WithDbAsync(db => db.WorkflowInstances.Where(i => i.Id == started.InstanceId).Select(i => i.CurrentStep).SingleAsync()));
        // The first process stops here for good; nothing of the run is in its memory. A new process on the same file:
        using var next = App(database);
        _clock.Advance(TimeSpan.FromHours(1));
        await next.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);
        var instance = await next.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.Id == started.InstanceId));
        Assert.Equal((WorkflowInstanceStatus.Completed, "done"), (instance.Status, instance.CurrentStep));
    }

    private static async Task BothPassAsync(VocAppFactory first, VocAppFactory second) =>
        await Task.WhenAll(
            Task.Run(() => first.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None)),
            Task.Run(() => second.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None)));

    private static async Task<StartResult> StartAsync(VocAppFactory app, string definition, string key, JsonObject? variables = null)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(
            scope.ServiceProvider.GetRequiredService<VocDbContext>(), definition, key, null, 0, variables, "test", CancellationToken.None);
    }

    private static async Task AnswerAsync(VocAppFactory app, long taskId)
    {
        await using var scope = app.Scope();
        var answer = await scope.ServiceProvider.GetRequiredService<WorkflowTasks>().CompleteAsync(
            scope.ServiceProvider.GetRequiredService<VocDbContext>(), taskId, new TaskActor(null, "reviewer", true), "approve", null, CancellationToken.None);
        Assert.Equal(TaskAnswerStatus.Completed, answer.Status);
    }
}
