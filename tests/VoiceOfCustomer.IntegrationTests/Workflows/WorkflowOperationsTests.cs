using System.Net;
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

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>
/// The operations pages through the real app: an Admin retries a faulted instance and cancels live ones (with their tasks,
/// timers and for-each children), each audited in the instance's history; refusals are a 409 page that changes nothing;
/// the instances list filters by definition, state and subject and pages newest first.
/// </summary>
public class WorkflowOperationsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly OpsTestFlows _flows = new();
    private VocAppFactory _app = null!;
    private HttpClient _admin = null!;
    private string _adminEmail = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync()
    {
        _app = new VocAppFactory(CreateDatabase(), _flows.Settings())
        {
            TestServices = services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<IFlowActivity>(_flows.Activity);
            },
        };
        _adminEmail = await WebTestSupport.CreateUserAsync(_app, Roles.Admin);
        _admin = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(_admin, _adminEmail, WebTestSupport.Password)).StatusCode);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        _flows.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_faulted_instance_is_retried_from_its_page_and_then_moves_on()
    {
        var id = await StartAsync("ops-review:faulty", new JsonObject { ["fail"] = true });
        await PassAsync();
        var faulted = await InstanceAsync(id);
        Assert.Equal(WorkflowInstanceStatus.Faulted, faulted.Status);
        Assert.Contains(OpsTestFlows.FlakyActivity.FailureMessage, faulted.LastError);
        Assert.Equal(WorkflowTimerState.Faulted, Assert.Single(await TimersAsync(id)).State);
        var page = await _admin.GetStringAsync($"/admin/workflows/instances/{id}");
        Assert.Contains("The release notes service did not answer &lt;in time&gt; &amp; gave up", page);
        Assert.Contains("id=\"retry-form\"", page);

        _flows.Activity.Healed = true;
        _clock.Advance(TimeSpan.FromMinutes(5));
        var response = await WebTestSupport.SubmitFormAsync(_admin, $"/admin/workflows/instances/{id}", $"/admin/workflows/instances/{id}/retry", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/workflows/instances/{id}", response.Headers.Location?.OriginalString);

        var retried = await InstanceAsync(id);
        Assert.Equal((WorkflowInstanceStatus.Running, 0, null), (retried.Status, retried.Attempts, retried.LastError));
        var timer = Assert.Single(await TimersAsync(id));
        Assert.Equal((WorkflowTimerState.Pending, _clock.GetUtcNow().UtcDateTime), (timer.State, timer.ResumeAt));
        var audit = (await HistoryAsync(id)).Last();
        Assert.Equal((WorkflowOperations.RetriedEvent, _adminEmail), (audit.Event, audit.Actor));
        Assert.Contains(OpsTestFlows.FlakyActivity.FailureMessage, audit.Detail);
        Assert.Contains("runs again", await _admin.GetStringAsync($"/admin/workflows/instances/{id}"));

        await PassAsync();
        var moved = await InstanceAsync(id);
        Assert.Equal((WorkflowInstanceStatus.Running, "review"), (moved.Status, moved.CurrentStep));
        Assert.Equal(OpsTestFlows.Reviewer, Assert.Single(await TasksAsync(id)).AssigneeEmail);
    }

    [Fact]
    public async Task Retrying_an_instance_that_is_not_faulted_is_refused_with_409_and_changes_nothing()
    {
        var id = await StartAsync("ops-review:fine");
        await PassAsync();
        var before = await InstanceAsync(id);

        var response = await PostAsync(id, "retry");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Nothing was retried: instance #" + id + " is not faulted (it is Running).", await response.Content.ReadAsStringAsync());
        Assert.Equal(before.Revision, (await InstanceAsync(id)).Revision);
        Assert.DoesNotContain(await HistoryAsync(id), h => h.Event == WorkflowOperations.RetriedEvent);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(id + 1000, "retry")).StatusCode);
    }

    [Fact]
    public async Task Cancelling_withdraws_the_open_tasks_and_timers_is_audited_and_happens_once()
    {
        var id = await StartAsync("ops-review:cancel");
        await PassAsync();
        Assert.Equal(WorkflowTaskStatus.Open, Assert.Single(await TasksAsync(id)).Status);
        Assert.Equal(new[] { "deadline", "reminder" }, (await TimersAsync(id)).Where(t => t.State == WorkflowTimerState.Pending).Select(t => t.Milestone).Order());
        var page = await _admin.GetStringAsync($"/admin/workflows/instances/{id}");
        Assert.Contains("<tr data-id=", page);
        Assert.Contains(">Open</td>", page);
        Assert.Contains("wf-current\" data-step=\"review\"", page);
        Assert.Contains("wf-visited\" data-step=\"prepare\"", page);

        var response = await WebTestSupport.SubmitFormAsync(_admin, $"/admin/workflows/instances/{id}", $"/admin/workflows/instances/{id}/cancel",
            new Dictionary<string, string> { ["reason"] = "Release <postponed>" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var cancelled = await InstanceAsync(id);
        Assert.Equal((WorkflowInstanceStatus.Cancelled, Now.UtcDateTime), (cancelled.Status, cancelled.EndedAt));
        Assert.Equal(WorkflowTaskStatus.Cancelled, Assert.Single(await TasksAsync(id)).Status);
        Assert.DoesNotContain(await TimersAsync(id), t => t.State == WorkflowTimerState.Pending);
        var audit = (await HistoryAsync(id)).Last();
        Assert.Equal((WorkflowOperations.CancelledEvent, _adminEmail, "Reason: Release <postponed>"), (audit.Event, audit.Actor, audit.Detail));
        page = await _admin.GetStringAsync($"/admin/workflows/instances/{id}");
        Assert.Contains("Cancelled by an Admin", page);
        Assert.Contains("Reason: Release &lt;postponed&gt;", page);
        Assert.DoesNotContain("id=\"cancel-form\"", page);

        var again = await PostAsync(id, "cancel");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("has ended already (Cancelled)", await again.Content.ReadAsStringAsync());
        _clock.Advance(TimeSpan.FromDays(3));
        await PassAsync();
        Assert.Equal(WorkflowInstanceStatus.Cancelled, (await InstanceAsync(id)).Status);
        Assert.Single(await HistoryAsync(id), h => h.Event == WorkflowOperations.CancelledEvent);
    }

    [Fact]
    public async Task A_cancelled_child_lets_its_parent_join_and_a_cancelled_parent_ends_its_children()
    {
        var parent = await StartAsync("ops-review:fan", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["name"] = "a" }, new JsonObject { ["name"] = "b" }) });
        await PassAsync();
        var children = await ChildrenAsync(parent);
        Assert.Equal(new[] { "ops-review:fan/fan-out:a", "ops-review:fan/fan-out:b" }, children.Select(c => c.RunKey));
        Assert.All(children, c => Assert.Equal("wait", c.CurrentStep));

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(children[0].Id, "cancel")).StatusCode);
        await PassAsync();
        Assert.Equal("fan-out", (await InstanceAsync(parent)).CurrentStep);
        await using (var scope = _app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            Assert.True(await scope.ServiceProvider.GetRequiredService<FlowStarter>().SignalAsync(db, children[1].RunKey!, "go", "test", default));
            await db.SaveChangesAsync();
        }
        await PassAsync();
        var joined = await InstanceAsync(parent);
        Assert.Equal("review", joined.CurrentStep);
        Assert.Contains("\"outcome\":\"cancelled\"", joined.VariablesJson);

        var second = await StartAsync("ops-review:fan2", new JsonObject { ["items"] = new JsonArray(new JsonObject { ["name"] = "x" }) });
        await PassAsync();
        var response = await PostAsync(second, "cancel");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var child = Assert.Single(await ChildrenAsync(second));
        Assert.Equal(WorkflowInstanceStatus.Cancelled, child.Status);
        Assert.DoesNotContain(await TimersAsync(child.Id), t => t.State == WorkflowTimerState.Pending);
        Assert.Equal($"Its parent instance #{second} was cancelled.", (await HistoryAsync(child.Id)).Last().Detail);
        Assert.Contains("and 1 child instances were cancelled", await _admin.GetStringAsync($"/admin/workflows/instances/{second}"));
    }

    [Fact]
    public async Task An_SLA_clock_shows_its_clock_and_cannot_be_cancelled_by_hand()
    {
        await _app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(_app, "OPS-1", "Acme Ops");
        var item = await WebTestSupport.AddFeedbackAsync(_app, new FeedbackItemSpec("support", "OPS-1", customer.Id, "Exports fail.", Now.UtcDateTime.AddHours(-1)));
        await PassAsync();
        var clock = await _app.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.SubjectId == item && i.DefinitionId == "attribution-sla"));

        var page = await _admin.GetStringAsync($"/admin/workflows/instances/{clock.Id}");
        Assert.Contains("<dd id=\"clock-target\">2.00:00:00</dd>", page);
        Assert.Contains("<dd id=\"fired-milestones\">None yet</dd>", page);
        Assert.Contains("wf-current\" data-step=\"warning\"", page);
        Assert.DoesNotContain("id=\"cancel-form\"", page);

        var response = await PostAsync(clock.Id, "cancel");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("an SLA clock follows its voice", await response.Content.ReadAsStringAsync());
        Assert.Equal(WorkflowInstanceStatus.Running, (await InstanceAsync(clock.Id)).Status);
    }

    [Fact]
    public async Task The_instances_list_filters_by_definition_state_and_subject_newest_first_in_pages()
    {
        var faulty = await StartAsync("ops-review:f", new JsonObject { ["fail"] = true });
        await PassAsync();
        var children = new List<long>();
        for (var i = 0; i < 55; i++)
            children.Add(await StartAsync($"ops-child:{i}", definition: OpsTestFlows.ChildFlow, subjectType: "quarter", subjectId: i % 5));

        var all = await _admin.GetStringAsync("/admin/workflows/instances");
        var first = WebTestSupport.RowIds(all);
        Assert.Equal(50, first.Count);
        Assert.Equal(first.OrderDescending(), first);
        Assert.Contains("Instances that match: 56", all);
        var next = WebTestSupport.NextLink(all);
        Assert.NotNull(next);
        var second = WebTestSupport.RowIds(await _admin.GetStringAsync(next));
        Assert.Equal(children.Append(faulty).OrderDescending(), first.Concat(second));

        Assert.Equal(new[] { faulty }, WebTestSupport.RowIds(await _admin.GetStringAsync("/admin/workflows/instances?definition=ops-review")));
        Assert.Equal(new[] { faulty }, WebTestSupport.RowIds(await _admin.GetStringAsync("/admin/workflows/instances?state=Faulted")));
        Assert.Empty(WebTestSupport.RowIds(await _admin.GetStringAsync("/admin/workflows/instances?definition=ops-child&state=Faulted")));
        var ofSubject = WebTestSupport.RowIds(await _admin.GetStringAsync("/admin/workflows/instances?subjectType=quarter&subjectId=3"));
        Assert.Equal(children.Where((_, i) => i % 5 == 3).OrderDescending(), ofSubject);
        var chinese = new HttpRequestMessage(HttpMethod.Get, "/admin/workflows/instances?state=Faulted");
        chinese.Headers.Add("Accept-Language", "zh-CN");
        var zh = await (await _admin.SendAsync(chinese)).Content.ReadAsStringAsync();
        Assert.Contains(">出错</span>", zh);
        Assert.Contains("<option value=\"Faulted\" selected=\"selected\">出错</option>", zh);

        var bad = await _admin.GetAsync("/admin/workflows/instances?state=Bogus&subjectId=x1&definition=nope");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var warnings = await bad.Content.ReadAsStringAsync();
        Assert.Contains("State: &#x27;Bogus&#x27; is not a state of an instance.", warnings);
        Assert.Contains("Subject id: &#x27;x1&#x27; is not a whole number.", warnings);
        Assert.Contains("Workflow: no definition has the id &#x27;nope&#x27;.", warnings);
        Assert.Equal(50, WebTestSupport.RowIds(warnings).Count);
    }

    [Fact]
    public async Task The_definitions_list_and_pages_draw_each_definition_with_its_live_counts()
    {
        await StartAsync("ops-review:one");
        await StartAsync("ops-review:two", new JsonObject { ["fail"] = true });
        await PassAsync();

        var list = await _admin.GetStringAsync("/admin/workflows");
        foreach (var id in new[] { "attribution-sla", OpsTestFlows.ReviewFlow, OpsTestFlows.ChildFlow })
            Assert.Contains($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wf-diagram\"", list[list.IndexOf($"id=\"definition-{id}\"", StringComparison.Ordinal)..]);
        var review = list[list.IndexOf("data-counts=\"ops-review\"", StringComparison.Ordinal)..];
        Assert.Contains("data-state=\"Running\">Running: <span class=\"count\">1</span>", review);
        Assert.Contains("data-state=\"Faulted\">Faulted: <span class=\"count\">1</span>", review);
        Assert.Contains("<code>{id}:{date}</code>", list);

        var definition = await _admin.GetStringAsync("/admin/workflows/definitions/ops-review");
        Assert.Contains("data-step=\"review\"", definition);
        Assert.Contains("approved → <code>done</code>", definition);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/admin/workflows/definitions/no-such-flow")).StatusCode);

        var chinese = new HttpRequestMessage(HttpMethod.Get, "/admin/workflows/definitions/ops-review");
        chinese.Headers.Add("Accept-Language", "zh-CN");
        var zh = await (await _admin.SendAsync(chinese)).Content.ReadAsStringAsync();
        Assert.Contains(">客户评审</text>", zh);
        Assert.Contains(">人工任务</text>", zh);
        Assert.Contains("通过 → <code>done</code>", zh);
    }

    private async Task<long> StartAsync(string runKey, JsonObject? variables = null, string definition = OpsTestFlows.ReviewFlow, string? subjectType = null, long subjectId = 0)
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var started = await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(db, definition, runKey, subjectType, subjectId, variables, "test", default);
        Assert.Equal(StartOutcome.Started, started.Outcome);
        return started.InstanceId;
    }

    /// <summary>Dispatcher passes until one finds nothing to do (a pass stops after a short batch; what it queued waits for the next).</summary>
    private async Task PassAsync()
    {
        var dispatcher = _app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>();
        for (var i = 0; i < 10 && (await dispatcher.RunOnceAsync(default)).Total > 0; i++)
        {
        }
    }

    /// <summary>Posts straight to an action with the session's token (from a page's form), as a stale page's button would.</summary>
    private async Task<HttpResponseMessage> PostAsync(long id, string action)
    {
        var token = await WebTestSupport.PageAntiforgeryTokenAsync(_admin);
        return await _admin.PostAsync($"/admin/workflows/instances/{id}/{action}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    private Task<WorkflowInstance> InstanceAsync(long id) => _app.WithDbAsync(db => db.WorkflowInstances.AsNoTracking().SingleAsync(i => i.Id == id));

    private Task<List<WorkflowInstance>> ChildrenAsync(long id) =>
        _app.WithDbAsync(db => db.WorkflowInstances.AsNoTracking().Where(i => i.ParentInstanceId == id).OrderBy(i => i.RunKey).ToListAsync());

    private Task<List<WorkflowTimer>> TimersAsync(long id) => _app.WithDbAsync(db => db.WorkflowTimers.AsNoTracking().Where(t => t.InstanceId == id).OrderBy(t => t.Id).ToListAsync());

    private Task<List<WorkflowTask>> TasksAsync(long id) => _app.WithDbAsync(db => db.WorkflowTasks.AsNoTracking().Where(t => t.InstanceId == id).ToListAsync());

    private Task<List<WorkflowHistoryEntry>> HistoryAsync(long id) => _app.WithDbAsync(db => db.WorkflowHistory.AsNoTracking().Where(h => h.InstanceId == id).OrderBy(h => h.Id).ToListAsync());
}

public sealed class WorkflowOperationsPostgresTests : WorkflowOperationsTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class WorkflowOperationsSqlServerTests : WorkflowOperationsTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
