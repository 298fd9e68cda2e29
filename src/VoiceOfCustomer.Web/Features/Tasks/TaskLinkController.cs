using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>
/// The signed link in a task's e-mail: anyone holding it (an outside reviewer without an account) sees that one task and
/// answers it, and nothing else of the app. The token is checked first (signature, expiry, the task's nonce), then the
/// task's state; the answer itself is the same conditional update as on My tasks, so a link answers once.
/// </summary>
[AllowAnonymous]
[Route("task-link")]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class TaskLinkController(TaskLinks links, WorkflowTasks tasks, VocDbContext db, TimeProvider time, IStringLocalizer<SharedResource> t) : Controller
{
    public const string LinkView = "/Features/Tasks/Link.cshtml";

    [HttpGet("{token}")]
    public async Task<IActionResult> Show(string token, CancellationToken cancellationToken)
    {
        var (view, refusal) = await OpenAsync(token, cancellationToken);
        if (view is null)
            return this.Refused(refusal!);
        return View(LinkView, new TaskPageViewModel { Card = TaskCards.For(view, TaskPages.UiLanguage), Token = token });
    }

    [HttpPost("{token}")]
    public async Task<IActionResult> Answer(string token, [FromForm] TaskAnswerForm form, CancellationToken cancellationToken)
    {
        var (view, refusal) = await OpenAsync(token, cancellationToken);
        if (view is null)
            return this.Refused(refusal!);
        var actor = new TaskActor(null, view.Task.AssigneeEmail, ViaLink: true);
        var answer = await tasks.CompleteAsync(db, view.Task.Id, actor, form.Outcome, form.Comment, cancellationToken);
        switch (answer.Status)
        {
            case TaskAnswerStatus.Completed:
                // The thank-you is this response, not a redirect: the link shows "already answered" from now on.
                return View(LinkView, new TaskPageViewModel { Card = TaskCards.For(view with { Task = answer.Task! }, TaskPages.UiLanguage), JustAnswered = true });
            case TaskAnswerStatus.InvalidOutcome or TaskAnswerStatus.CommentTooLong:
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return View(LinkView, TaskPageViewModel.Invalid(TaskCards.For(view, TaskPages.UiLanguage), form, answer.Status, token, t));
            case TaskAnswerStatus.AlreadyAnswered:
                return this.Refused(TaskPages.LinkUsed(t));
            default:
                return this.Refused(TaskPages.Closed(t, forLink: true));
        }
    }

    /// <summary>The task the token is for, when it may be answered now; else the refusal, which tells nothing about the task.</summary>
    private async Task<(TaskView? View, TaskRefusal? Refusal)> OpenAsync(string token, CancellationToken cancellationToken)
    {
        if (links.Read(token) is not { } claim)
            return (null, TaskPages.InvalidLink(t));
        if (claim.ExpiresAt <= time.GetUtcNow().UtcDateTime)
            return (null, TaskPages.ExpiredLink(t));
        var view = await tasks.ViewAsync(db, claim.TaskId, cancellationToken);
        if (view is null || !TaskLinks.NonceMatches(view.Task, claim.Nonce))
            return (null, TaskPages.InvalidLink(t));
        if (view.Task.Status == WorkflowTaskStatus.Completed)
            return (null, TaskPages.LinkUsed(t));
        if (TaskPages.IsClosed(view, time))
            return (null, TaskPages.Closed(t, forLink: true));
        return (view, null);
    }
}
