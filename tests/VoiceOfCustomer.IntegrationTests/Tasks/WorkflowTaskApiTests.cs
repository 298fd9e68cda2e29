using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary>
/// <c>GET /api/workflow-tasks/mine</c> and <c>POST /api/workflow-tasks/{id}/complete</c>: a key acts for the user it was made
/// for, a key for no one is refused, and every refusal (not assigned, unknown, twice, after the deadline, decided without
/// it, bad input) changes nothing. On SQLite here, on PostgreSQL below.
/// </summary>
public class WorkflowTaskApiTests : IAsyncLifetime
{
    private TaskScenario _scenario = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync() => _scenario = await TaskScenario.CreateAsync(CreateDatabase());

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Mine_lists_the_users_open_tasks_soonest_deadline_first_then_undated_keyset_paged()
    {
        var undated = await _scenario.StartAsync("open-question", "question:a"); // the oldest, but without a deadline: last
        var (sooner, _) = await _scenario.StartReviewAsync("review:a");
        _scenario.Clock.Advance(TimeSpan.FromHours(1));
        var (later, _) = await _scenario.StartReviewAsync("review:b");
        var undatedTask = await _scenario.App.WithDbAsync(db => db.WorkflowTasks.SingleAsync(t => t.InstanceId == undated));
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");

        var ids = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(api, "/api/workflow-tasks/mine?limit=1" + (cursor is null ? "" : "&cursor=" + cursor));
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 10);

        Assert.Equal([sooner.Id, later.Id, undatedTask.Id], ids);
        var first = (await GetJsonAsync(api, "/api/workflow-tasks/mine")).GetProperty("items")[0];
        Assert.Equal("Release 5 review", first.GetProperty("workflow").GetString());
        Assert.Equal(TaskScenario.ReviewTitle, first.GetProperty("title").GetString());
        Assert.Equal("review", first.GetProperty("step").GetString());
        Assert.Equal("open", first.GetProperty("status").GetString());
        Assert.Equal(sooner.DueAt, first.GetProperty("dueAt").GetDateTime().ToUniversalTime());
        Assert.Equal(TaskScenario.Start.UtcDateTime, first.GetProperty("createdAt").GetDateTime().ToUniversalTime());
        Assert.Equal("""[{"key":"approve","label":"Approve"},{"key":"object","label":"Object"}]""", first.GetProperty("outcomes").GetRawText());

        // The signed-in PM sees the same list with the session cookie.
        using var pm = await _scenario.PmClientAsync();
        Assert.Equal(3, (await GetJsonAsync(pm, "/api/workflow-tasks/mine")).GetProperty("items").GetArrayLength());
        // Someone with no tasks: an empty page, not an error.
        using var outsider = await _scenario.KeyClientAsync(_scenario.OutsiderEmail, "tasks");
        Assert.Equal(0, (await GetJsonAsync(outsider, "/api/workflow-tasks/mine")).GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    public async Task Mine_names_a_bad_parameter(string query, string field)
    {
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");
        var response = await api.GetAsync("/api/workflow-tasks/mine?" + query);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task A_key_for_the_user_answers_once_and_a_second_answer_is_409_and_changes_nothing()
    {
        var (pmTask, _) = await _scenario.StartReviewAsync("review:twice");
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");

        var response = await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve", comment = "  Export works for us.  " });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var answered = JsonDocument.Parse(body).RootElement;
        Assert.Equal(pmTask.Id, answered.GetProperty("id").GetInt64());
        Assert.Equal("completed", answered.GetProperty("status").GetString());
        Assert.Equal("approve", answered.GetProperty("outcome").GetString());
        Assert.Equal("Export works for us.", answered.GetProperty("comment").GetString());
        var stored = await _scenario.TaskAsync(pmTask.Id);
        Assert.Equal((WorkflowTaskStatus.Completed, "approve"), (stored.Status, stored.Outcome));
        Assert.StartsWith(_scenario.PmEmail + " (apikey:", stored.CompletedBy);
        Assert.DoesNotContain(pmTask.Id, await OpenIdsAsync(api));

        var before = await _scenario.StateAsync(pmTask.Id);
        var again = await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "object" });
        await ProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Equal(before, await _scenario.StateAsync(pmTask.Id));
    }

    [Fact]
    public async Task Refusals_say_why_and_change_nothing()
    {
        var (pmTask, reviewerTask) = await _scenario.StartReviewAsync("review:refusals");
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");
        using var outsider = await _scenario.KeyClientAsync(_scenario.OutsiderEmail, "tasks");
        var pmBefore = await _scenario.StateAsync(pmTask.Id);
        var reviewerBefore = await _scenario.StateAsync(reviewerTask.Id);

        // Someone else's task: the PM's key may not answer the outside reviewer's, nor the outsider the PM's.
        await ProblemAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{reviewerTask.Id}/complete", new { outcome = "approve" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await outsider.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await api.PostAsJsonAsync("/api/workflow-tasks/987654/complete", new { outcome = "approve" }), HttpStatusCode.NotFound);

        // Bad input names the field.
        var unknown = await ProblemAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "maybe" }), HttpStatusCode.BadRequest);
        Assert.Contains("approve, object", unknown.GetProperty("errors").GetProperty("outcome")[0].GetString());
        await AssertFieldAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { comment = "no outcome" }), "outcome");
        await AssertFieldAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve", comment = new string('x', 4001) }), "comment");
        await AssertFieldAsync(await api.PostAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new StringContent("""{"outcome": 3}""", System.Text.Encoding.UTF8, "application/json")), "outcome");
        await AssertFieldAsync(await api.PostAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new StringContent("null", System.Text.Encoding.UTF8, "application/json")), "body");

        Assert.Equal(pmBefore, await _scenario.StateAsync(pmTask.Id));
        Assert.Equal(reviewerBefore, await _scenario.StateAsync(reviewerTask.Id));
    }

    [Fact]
    public async Task After_the_deadline_an_answer_is_410_before_and_after_the_runtime_closes_the_task()
    {
        var (pmTask, _) = await _scenario.StartReviewAsync("review:late");
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");
        _scenario.Clock.Advance(TimeSpan.FromDays(2));

        var before = await _scenario.StateAsync(pmTask.Id);
        Assert.Equal(WorkflowTaskStatus.Open, before.Status); // the deadline's timer has not run yet
        await ProblemAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" }), HttpStatusCode.Gone);
        Assert.Equal(before, await _scenario.StateAsync(pmTask.Id));

        await _scenario.PassAsync();
        Assert.Equal(WorkflowTaskStatus.Closed, (await _scenario.TaskAsync(pmTask.Id)).Status);
        var closed = await _scenario.StateAsync(pmTask.Id);
        await ProblemAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" }), HttpStatusCode.Gone);
        Assert.Equal(closed, await _scenario.StateAsync(pmTask.Id));
        Assert.DoesNotContain(pmTask.Id, await OpenIdsAsync(api));
    }

    [Fact]
    public async Task A_step_decided_without_the_task_refuses_it_with_410()
    {
        var (pmTask, reviewerTask) = await _scenario.StartReviewAsync("review:objection");
        using var api = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");
        // The outside reviewer objects through the link: the review is rejected at once.
        using var browser = WebTestSupport.Client(_scenario.App);
        var link = await _scenario.LinkAsync(reviewerTask);
        Assert.Equal(HttpStatusCode.OK, (await WebTestSupport.SubmitFormAsync(browser, link, link, new Dictionary<string, string> { ["Outcome"] = "object" })).StatusCode);
        await _scenario.PassAsync();
        Assert.Equal(WorkflowTaskStatus.Closed, (await _scenario.TaskAsync(pmTask.Id)).Status);

        var before = await _scenario.StateAsync(pmTask.Id);
        await ProblemAsync(await api.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" }), HttpStatusCode.Gone);
        Assert.Equal(before, await _scenario.StateAsync(pmTask.Id));
    }

    [Fact]
    public async Task A_key_for_no_user_gets_403_on_both_endpoints_and_a_key_without_the_scope_is_told_so()
    {
        var (pmTask, _) = await _scenario.StartReviewAsync("review:nobody");
        using var nobody = await _scenario.KeyClientAsync(null, "tasks", "read");
        foreach (var response in new[]
                 {
                     await nobody.GetAsync("/api/workflow-tasks/mine"),
                     await nobody.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" }),
                 })
        {
            var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Equal("The API key acts for no user.", problem.GetProperty("title").GetString());
            Assert.Contains("--user", problem.GetProperty("detail").GetString());
            Assert.Equal("X-Api-Key", problem.GetProperty("field").GetString());
        }

        using var reader = await _scenario.KeyClientAsync(_scenario.PmEmail, "read");
        var missing = await ProblemAsync(await reader.GetAsync("/api/workflow-tasks/mine"), HttpStatusCode.Forbidden);
        Assert.Equal("tasks", missing.GetProperty("permission").GetString());
        Assert.Equal(WorkflowTaskStatus.Open, (await _scenario.TaskAsync(pmTask.Id)).Status);
    }

    [Fact]
    public async Task A_signed_in_user_answers_with_the_cookie_and_the_antiforgery_header()
    {
        var (pmTask, _) = await _scenario.StartReviewAsync("review:cookie");
        using var pm = await _scenario.PmClientAsync();
        var withoutToken = await pm.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" });
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(WorkflowTaskStatus.Open, (await _scenario.TaskAsync(pmTask.Id)).Status);

        pm.DefaultRequestHeaders.Add(WebTestSupport.AntiforgeryHeader, await WebTestSupport.PageAntiforgeryTokenAsync(pm));
        var response = await pm.PostAsJsonAsync($"/api/workflow-tasks/{pmTask.Id}/complete", new { outcome = "approve" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_scenario.PmEmail, (await _scenario.TaskAsync(pmTask.Id)).CompletedBy);
    }

    private static async Task<List<long>> OpenIdsAsync(HttpClient api) =>
        (await GetJsonAsync(api, "/api/workflow-tasks/mine")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}

public sealed class WorkflowTaskApiPostgresTests : WorkflowTaskApiTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}
