using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary>
/// <c>/task-link/{token}</c>, the link in a task's e-mail: an anonymous visitor sees that one task and answers it once;
/// a tampered, expired, reused or stale link, and a task decided without it, are refused with a plain page, and nothing
/// changes. On SQLite here, on PostgreSQL below.
/// </summary>
public partial class TaskLinkTests : IAsyncLifetime
{
    private TaskScenario _scenario = null!;

    protected virtual TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();

    public async Task InitializeAsync() => _scenario = await TaskScenario.CreateAsync(CreateDatabase());

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task The_link_shows_only_its_task_and_answers_it_once()
    {
        var (_, task) = await _scenario.StartReviewAsync("link:once");
        var link = await _scenario.LinkAsync(task);
        using var visitor = WebTestSupport.Client(_scenario.App);

        var page = await visitor.GetStringAsync(link);
        Assert.Contains(TaskScenario.ReviewTitle, page);
        Assert.Contains(TaskScenario.Instructions, page);
        Assert.Contains("Release 5 review", page);
        Assert.Contains("id=\"outcome-approve\"", page);
        Assert.Contains(">Object</label>", page);
        Assert.Contains("name=\"Comment\"", page);
        // Nothing else of the app: no link anywhere but to the page's own main content.
        Assert.Equal(["#main"], Anchors().Matches(page).Select(m => m.Groups[1].Value).ToList());
        Assert.DoesNotContain("/feedback", page);

        var answered = await WebTestSupport.SubmitFormAsync(visitor, link, link, new Dictionary<string, string> { ["Outcome"] = "approve", ["Comment"] = "导出终于够快了" });
        var thanks = await answered.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("id=\"task-answered\"", thanks);
        var stored = await _scenario.TaskAsync(task.Id);
        Assert.Equal((WorkflowTaskStatus.Completed, "approve", "导出终于够快了", "link:" + TaskScenario.ReviewerEmail),
            (stored.Status, stored.Outcome, stored.Comment, stored.CompletedBy));

        // Used: the page says so, and a second answer changes nothing.
        await AssertRefusedAsync(visitor, link, WebTestSupport.AntiforgeryToken(thanks), HttpStatusCode.Gone, "This task was answered already", task.Id);
    }

    [Fact]
    public async Task A_tampered_or_made_up_link_is_403_and_changes_nothing()
    {
        var (task, link, visitor, form) = await OpenLinkAsync("link:tampered");
        using var _ = visitor;
        var token = link["/task-link/".Length..];
        var flipped = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];

        foreach (var path in new[] { "/task-link/" + flipped, "/task-link/" + token[..^8], "/task-link/made-up", "/task-link/" + new string('x', 3000) })
            await AssertRefusedAsync(visitor, path, form, HttpStatusCode.Forbidden, "This link is not valid", task.Id);
    }

    [Fact]
    public async Task A_link_whose_task_has_another_nonce_is_403()
    {
        var (task, link, visitor, form) = await OpenLinkAsync("link:nonce");
        using var _ = visitor;
        // As if the link had been made for an earlier task that had this id.
        await _scenario.App.WithDbAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LinkNonce, new string('0', 32))));
        await AssertRefusedAsync(visitor, link, form, HttpStatusCode.Forbidden, "This link is not valid", task.Id);
    }

    [Fact]
    public async Task An_expired_link_is_410_and_changes_nothing()
    {
        var (task, link, visitor, form) = await OpenLinkAsync("link:expired");
        using var _ = visitor;

        _scenario.Clock.Advance(TimeSpan.FromDays(2)); // the link lives until the deadline
        await AssertRefusedAsync(visitor, link, form, HttpStatusCode.Gone, "This link has expired", task.Id);
    }

    [Fact]
    public async Task A_link_to_a_task_the_step_decided_without_is_410()
    {
        var (task, link, visitor, form) = await OpenLinkAsync("link:decided");
        using var _ = visitor;
        var pmTask = await _scenario.App.WithDbAsync(db => db.WorkflowTasks.SingleAsync(t => t.InstanceId == task.InstanceId && t.Id != task.Id));
        using var pm = await _scenario.KeyClientAsync(_scenario.PmEmail, "tasks");
        Assert.Equal(HttpStatusCode.OK, (await pm.PostAsync($"/api/workflow-tasks/{pmTask.Id}/complete",
            new StringContent("""{"outcome":"object","comment":"Not before the fix."}""", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await _scenario.PassAsync(); // an objection rejects the review: the reviewer's task closes
        Assert.Equal(WorkflowTaskStatus.Closed, (await _scenario.TaskAsync(task.Id)).Status);
        await AssertRefusedAsync(visitor, link, form, HttpStatusCode.Gone, "This task is closed", task.Id);
    }

    [Fact]
    public async Task A_bad_answer_comes_back_as_the_form_with_the_field_named_and_nothing_saved()
    {
        var (_, task) = await _scenario.StartReviewAsync("link:bad");
        var link = await _scenario.LinkAsync(task);
        using var visitor = WebTestSupport.Client(_scenario.App);
        var before = await _scenario.StateAsync(task.Id);

        var noOutcome = await WebTestSupport.SubmitFormAsync(visitor, link, link, new Dictionary<string, string> { ["Comment"] = "kept" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noOutcome.StatusCode);
        var page = await noOutcome.Content.ReadAsStringAsync();
        Assert.Contains("id=\"outcome-error\"", page);
        Assert.Contains(">kept</textarea>", page);

        var tooLong = await WebTestSupport.SubmitFormAsync(visitor, link, link, new Dictionary<string, string> { ["Outcome"] = "approve", ["Comment"] = new string('长', 4001) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        page = await tooLong.Content.ReadAsStringAsync();
        Assert.Contains("id=\"comment-error\"", page);
        Assert.Matches("id=\"outcome-approve\"[^>]*checked=\"checked\"", page); // the chosen outcome stays chosen
        Assert.Equal(before, await _scenario.StateAsync(task.Id));
    }

    [Fact]
    public async Task The_page_speaks_the_tasks_language_unless_a_culture_cookie_or_query_chose_another()
    {
        var (_, task) = await _scenario.StartReviewAsync("link:language");
        await _scenario.App.WithDbAsync(db => db.WorkflowTasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Language, "zh-CN")));
        var link = await _scenario.LinkAsync(task);

        using var visitor = WebTestSupport.Client(_scenario.App);
        visitor.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB"); // the browser's language loses to the task's
        var chinese = await visitor.GetStringAsync(link);
        Assert.Contains("<html lang=\"zh-CN\">", chinese);
        Assert.Contains("评审版本 5", chinese);
        Assert.Contains(">批准</label>", chinese);
        Assert.Contains("试用新的导出功能", chinese);

        Assert.Contains(">Approve</label>", await visitor.GetStringAsync(link + "?culture=en"));

        // The page's own switch sets the cookie, which then wins.
        var switched = await WebTestSupport.SubmitFormAsync(visitor, link, "/language", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = link });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal(link, switched.Headers.Location?.OriginalString);
        var english = await visitor.GetStringAsync(link);
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains(TaskScenario.ReviewTitle, english);
    }

    /// <summary>A new review's outside reviewer task, its mailed link, an anonymous visitor and the antiforgery token of the link's page.</summary>
    private async Task<(WorkflowTask Task, string Link, HttpClient Visitor, string Form)> OpenLinkAsync(string runKey)
    {
        var (_, task) = await _scenario.StartReviewAsync(runKey);
        var link = await _scenario.LinkAsync(task);
        var visitor = WebTestSupport.Client(_scenario.App);
        return (task, link, visitor, WebTestSupport.AntiforgeryToken(await visitor.GetStringAsync(link)));
    }

    /// <summary>The link's page and its post are both refused with <paramref name="status"/>, the page says why and nothing else, and the task stays as it was.</summary>
    private async Task AssertRefusedAsync(HttpClient visitor, string path, string antiforgeryToken, HttpStatusCode status, string heading, long taskId)
    {
        var before = await _scenario.StateAsync(taskId);
        var shown = await visitor.GetAsync(path);
        var page = await shown.Content.ReadAsStringAsync();
        Assert.True(shown.StatusCode == status, $"GET {path[..Math.Min(60, path.Length)]}: {(int)shown.StatusCode}");
        Assert.Contains($"<h1 id=\"refused-heading\">{heading}</h1>", page);
        Assert.DoesNotContain(TaskScenario.Instructions, page);
        var posted = await visitor.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["Outcome"] = "approve", ["__RequestVerificationToken"] = antiforgeryToken }));
        Assert.True(posted.StatusCode == status, $"POST {path[..Math.Min(60, path.Length)]}: {(int)posted.StatusCode}");
        Assert.Equal(before, await _scenario.StateAsync(taskId));
    }

    [GeneratedRegex("<a [^>]*href=\"([^\"]*)\"")]
    private static partial Regex Anchors();
}

public sealed class TaskLinkPostgresTests : TaskLinkTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}
