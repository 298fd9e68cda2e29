using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary>/tasks and /tasks/{id}: the signed-in person's open tasks and one task's answer form, with every refusal a plain page.</summary>
public sealed class MyTasksPageTests : IAsyncLifetime
{
    private TaskScenario _scenario = null!;

    public async Task InitializeAsync() => _scenario = await TaskScenario.CreateAsync(TestDatabase.CreateSqlite());

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task Someone_with_nothing_to_answer_sees_a_helpful_empty_state_and_the_navigation_link()
    {
        await _scenario.StartReviewAsync("page:empty");
        using var leader = WebTestSupport.Client(_scenario.App);
        await WebTestSupport.PostLoginAsync(leader, _scenario.OutsiderEmail, WebTestSupport.Password);
        var page = await leader.GetStringAsync("/tasks");
        Assert.Contains("id=\"tasks-empty\"", page);
        Assert.Contains("Nothing waits for your answer", page);
        Assert.Contains("<a href=\"/tasks\" aria-current=\"page\">My tasks</a>", page);
        Assert.Equal(0, WebTestSupport.RowCount(page));
    }

    [Fact]
    public async Task The_list_shows_the_workflow_title_and_deadline_in_the_users_time_zone_soonest_first_25_a_page()
    {
        var (first, _) = await _scenario.StartReviewAsync("page:list");
        await _scenario.App.WithDbAsync(db => db.Users.Where(u => u.Email == _scenario.PmEmail).ExecuteUpdateAsync(s => s.SetProperty(u => u.TimeZoneId, "Asia/Shanghai")));
        // 26 more of the PM's tasks in the same run, all due later than the first.
        await _scenario.App.WithDbAsync(async db =>
        {
            db.WorkflowTasks.AddRange(Enumerable.Range(1, 26).Select(i => new WorkflowTask
            {
                InstanceId = first.InstanceId, DefinitionId = first.DefinitionId, Step = first.Step, StepEntry = first.StepEntry,
                Key = $"extra:{i}", AssigneeUserId = _scenario.PmId, AssigneeEmail = _scenario.PmEmail, AssigneeKind = "pm", Language = "en",
                Title = first.Title, Status = WorkflowTaskStatus.Open, CreatedAt = first.CreatedAt, DueAt = first.DueAt!.Value.AddHours(i), LinkNonce = "n" + i,
            }));
            return await db.SaveChangesAsync();
        });
        using var pm = await _scenario.PmClientAsync();

        var page = await pm.GetStringAsync("/tasks");
        var rows = WebTestSupport.RowIds(page);
        Assert.Equal(25, rows.Count);
        Assert.Equal(first.Id, rows[0]);
        Assert.Contains("Release 5 review", page);
        Assert.Contains($"<a href=\"/tasks/{first.Id}\" id=\"task-{first.Id}\">{TaskScenario.ReviewTitle}</a>", page);
        Assert.Contains("datetime=\"2026-07-22T08:00:00Z\"", page);
        Assert.Contains("22 Jul 2026 16:00", page); // 08:00 UTC in Shanghai
        Assert.Contains("27 in all", page);
        Assert.Contains("Page 1 of 2", page);

        var second = await pm.GetStringAsync(WebTestSupport.NextLink(page)!);
        Assert.Equal(2, WebTestSupport.RowIds(second).Count);
        Assert.Empty(WebTestSupport.RowIds(second).Intersect(rows));
        Assert.Equal(rows, WebTestSupport.RowIds(await pm.GetStringAsync("/tasks?page=not-a-number")));
        var beyond = await pm.GetStringAsync("/tasks?page=99");
        Assert.Contains("No more tasks", beyond);
        Assert.Contains("<a href=\"/tasks\">", beyond);
    }

    [Fact]
    public async Task A_task_page_shows_the_task_in_the_ui_language_and_its_answer_saves_once()
    {
        var (task, _) = await _scenario.StartReviewAsync("page:answer");
        using var pm = await _scenario.PmClientAsync();
        pm.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");

        var chinese = await pm.GetStringAsync($"/tasks/{task.Id}");
        Assert.Contains("<h1 id=\"task-title\">评审版本 5</h1>", chinese);
        Assert.Contains("试用新的导出功能", chinese);
        Assert.Contains("<label for=\"outcome-approve\">批准</label>", chinese);
        Assert.Contains("<label for=\"outcome-object\">反对</label>", chinese);
        Assert.Contains("Release 5 review", chinese);
        pm.DefaultRequestHeaders.AcceptLanguage.Clear();

        var saved = await WebTestSupport.SubmitFormAsync(pm, $"/tasks/{task.Id}", $"/tasks/{task.Id}", new Dictionary<string, string> { ["Outcome"] = "approve", ["Comment"] = "Works." });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("/tasks", saved.Headers.Location?.OriginalString);
        var list = await pm.GetStringAsync("/tasks");
        Assert.Contains("Your answer to &quot;Review release 5&quot; was saved: Approve.", list);
        Assert.DoesNotContain(task.Id, WebTestSupport.RowIds(list));
        Assert.Equal((WorkflowTaskStatus.Completed, "approve", "Works.", _scenario.PmEmail), await AnswerOfAsync(task.Id));

        // Its page now shows the answer; a second answer (an old tab) is refused with 409 and changes nothing.
        var shown = await pm.GetStringAsync($"/tasks/{task.Id}");
        Assert.Contains("id=\"task-answered\"", shown);
        Assert.DoesNotContain("id=\"task-form\"", shown);
        var before = await _scenario.StateAsync(task.Id);
        var twice = await pm.PostAsync($"/tasks/{task.Id}", Form(WebTestSupport.AntiforgeryToken(shown), "object"));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("This task was answered already", await twice.Content.ReadAsStringAsync());
        Assert.Equal(before, await _scenario.StateAsync(task.Id));
    }

    [Fact]
    public async Task Someone_elses_unknown_late_and_bad_answers_are_refused_and_change_nothing()
    {
        var (task, reviewerTask) = await _scenario.StartReviewAsync("page:refusals");
        using var pm = await _scenario.PmClientAsync();
        var token = WebTestSupport.AntiforgeryToken(await pm.GetStringAsync($"/tasks/{task.Id}"));
        var before = await _scenario.StateAsync(task.Id);

        var notMine = await pm.GetAsync($"/tasks/{reviewerTask.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, notMine.StatusCode);
        Assert.Contains("This task is someone else&#x27;s", await notMine.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await pm.PostAsync($"/tasks/{reviewerTask.Id}", Form(token, "approve"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pm.GetAsync("/tasks/987654")).StatusCode);

        var bad = await pm.PostAsync($"/tasks/{task.Id}", Form(token, "maybe"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var page = await bad.Content.ReadAsStringAsync();
        Assert.Contains("<span class=\"field-error\" id=\"outcome-error\">Choose one of the answers.</span>", page);
        var tooLong = await pm.PostAsync($"/tasks/{task.Id}", Form(token, "approve", new string('x', 4001)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("id=\"comment-error\"", await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(before, await _scenario.StateAsync(task.Id));

        _scenario.Clock.Advance(TimeSpan.FromDays(2));
        var late = await pm.GetAsync($"/tasks/{task.Id}");
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("This task is closed", await late.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Gone, (await pm.PostAsync($"/tasks/{task.Id}", Form(token, "approve"))).StatusCode);
        Assert.Equal(before, await _scenario.StateAsync(task.Id));
        Assert.Equal(WorkflowTaskStatus.Open, (await _scenario.TaskAsync(reviewerTask.Id)).Status);
    }

    private static FormUrlEncodedContent Form(string token, string outcome, string? comment = null) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token,
        ["Outcome"] = outcome,
        ["Comment"] = comment ?? "",
    });

    private async Task<(WorkflowTaskStatus, string?, string?, string?)> AnswerOfAsync(long id)
    {
        var task = await _scenario.TaskAsync(id);
        return (task.Status, task.Outcome, task.Comment, task.CompletedBy);
    }
}
