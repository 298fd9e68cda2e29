using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.IntegrationTests.Workflows.Flows;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary>
/// A release review waiting for two people: a PM (a user, through the role) and an outside reviewer without an account
/// (by address); everyone must answer, an objection rejects it at once, the deadline is two days. The app runs on a fake
/// clock and its dispatcher is driven pass by pass.
/// </summary>
public sealed class TaskScenario : IAsyncDisposable
{
    public const string ReviewerEmail = "reviewer@outside.test";
    public const string ReviewTitle = "Review release 5";
    public const string Instructions = "Try the new export and tell us whether it solves your problem.";

    public static readonly DateTimeOffset Start = new(2026, 7, 20, 8, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _folder = FlowTestDefinitions.Folder(
        ("release-review.json", TaskDefinitions.Review(ReviewerEmail)), ("open-question.json", TaskDefinitions.Undated));

    private TaskScenario(TestDatabase database, IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Workflows:Directory"] = _folder.FullName };
        App = new VocAppFactory(database, all) { TestServices = services => services.AddSingleton<TimeProvider>(Clock) };
    }

    public FakeTimeProvider Clock { get; } = new(Start);
    public VocAppFactory App { get; }
    public string PmEmail { get; private set; } = "";
    public string PmId { get; private set; } = "";

    /// <summary>A Leadership user, assigned nothing.</summary>
    public string OutsiderEmail { get; private set; } = "";

    public static async Task<TaskScenario> CreateAsync(TestDatabase database, IDictionary<string, string?>? settings = null)
    {
        var scenario = new TaskScenario(database, settings);
        scenario.PmEmail = await WebTestSupport.CreateUserAsync(scenario.App, Roles.ProductManager, "Pat PM");
        scenario.PmId = await scenario.App.WithDbAsync(db => db.Users.Where(u => u.Email == scenario.PmEmail).Select(u => u.Id).SingleAsync());
        scenario.OutsiderEmail = await WebTestSupport.CreateUserAsync(scenario.App, Roles.Leadership, "Lee Leader");
        return scenario;
    }

    /// <summary>Starts a review and runs the dispatcher until its tasks exist: (the PM's, the outside reviewer's).</summary>
    public async Task<(WorkflowTask Pm, WorkflowTask Reviewer)> StartReviewAsync(string runKey)
    {
        var instanceId = await StartAsync("release-review", runKey);
        var tasks = await App.WithDbAsync(db => db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == instanceId).ToListAsync());
        Assert.Equal(2, tasks.Count);
        return (tasks.Single(t => t.AssigneeUserId == PmId), tasks.Single(t => t.AssigneeEmail == ReviewerEmail));
    }

    /// <summary>Starts a run of <paramref name="definition"/> and passes the dispatcher over it; returns the instance's id.</summary>
    public async Task<long> StartAsync(string definition, string runKey)
    {
        await using (var scope = App.Scope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(
                scope.ServiceProvider.GetRequiredService<VocDbContext>(), definition, runKey, null, 0, null, "test", CancellationToken.None);
            await PassAsync();
            return started.InstanceId;
        }
    }

    public Task<DispatchResult> PassAsync() =>
        App.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>().RunOnceAsync(CancellationToken.None);

    public Task<WorkflowTask> TaskAsync(long id) => App.WithDbAsync(db => db.WorkflowTasks.AsNoTracking().SingleAsync(t => t.Id == id));

    /// <summary>The path of the link in the task's assignment mail (as the outbox holds it).</summary>
    public async Task<string> LinkAsync(WorkflowTask task)
    {
        var mail = await App.WithDbAsync(db => db.OutboxEmails.SingleAsync(m => m.Key == $"task:{task.Id}"));
        return WebTestSupport.LinkIn(mail.TextBody, "/task-link/");
    }

    /// <summary>Everything an answer writes: the task's answer columns, and the instance's timers and history.</summary>
    public async Task<TaskState> StateAsync(long taskId)
    {
        var task = await TaskAsync(taskId);
        return await App.WithDbAsync(async db => new TaskState(
            task.Status, task.Outcome, task.Comment, task.CompletedAt, task.CompletedBy,
            await db.WorkflowTimers.CountAsync(t => t.InstanceId == task.InstanceId),
            await db.WorkflowHistory.CountAsync(h => h.InstanceId == task.InstanceId)));
    }

    /// <summary>An API key with <paramref name="scopes"/>, made for <paramref name="userEmail"/> (or for no one).</summary>
    public async Task<HttpClient> KeyClientAsync(string? userEmail, params string[] scopes)
    {
        await using var scope = App.Scope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("tasks-test", scopes, userEmail);
        return App.CreateApiClient(created.Token);
    }

    /// <summary>The PM, signed in through the form.</summary>
    public async Task<HttpClient> PmClientAsync()
    {
        var client = WebTestSupport.Client(App);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, PmEmail, WebTestSupport.Password)).StatusCode);
        return client;
    }

    public ValueTask DisposeAsync()
    {
        App.Dispose(); // drops the test database too
        try { _folder.Delete(recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

public sealed record TaskState(WorkflowTaskStatus Status, string? Outcome, string? Comment, DateTime? CompletedAt, string? CompletedBy, int Timers, int History);
