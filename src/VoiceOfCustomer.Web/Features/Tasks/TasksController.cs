using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>My tasks: every signed-in person's open workflow tasks, soonest deadline first, and one task's answer form.</summary>
[Authorize]
[Route("tasks")]
public sealed class TasksController(
    WorkflowTasks tasks,
    TaskCards cards,
    VocDbContext db,
    UserManager<AppUser> users,
    TimeProvider time,
    IStringLocalizer<SharedResource> t) : Controller
{
    private const string FlashKey = "TasksFlash";

    // Far beyond any real list; keeps (page - 1) * size from overflowing on a typed-in page number.
    private const int MaxPage = 100_000;

    [HttpGet("")]
    public async Task<IActionResult> Index(string? page, CancellationToken cancellationToken)
    {
        var number = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= MaxPage ? parsed : 1;
        var (mine, total) = await tasks.MineAsync(db, Me, number, MyTasksViewModel.PageSize, cancellationToken);
        return View(new MyTasksViewModel
        {
            Tasks = await cards.ForAsync(db, mine, TaskPages.UiLanguage, cancellationToken),
            Total = total,
            Page = number,
            Now = time.GetUtcNow().UtcDateTime,
        });
    }

    [HttpGet("{id:long}")]
    public async Task<IActionResult> Show(long id, CancellationToken cancellationToken)
    {
        var view = await tasks.ViewAsync(db, id, cancellationToken);
        if (view is null)
            return this.Refused(TaskPages.NotFound(t, id));
        if (view.Task.AssigneeUserId != Me)
            return this.Refused(TaskPages.NotYours(t));
        // An answered task shows its answer; one that can no longer be answered says why.
        if (view.Task.Status != WorkflowTaskStatus.Completed && TaskPages.IsClosed(view, time))
            return this.Refused(TaskPages.Closed(t, forLink: false));
        return View("Task", new TaskPageViewModel { Card = TaskCards.For(view, TaskPages.UiLanguage) });
    }

    [HttpPost("{id:long}")]
    public async Task<IActionResult> Answer(long id, [FromForm] TaskAnswerForm form, CancellationToken cancellationToken)
    {
        var actor = new TaskActor(Me, User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? Me, ViaLink: false);
        var answer = await tasks.CompleteAsync(db, id, actor, form.Outcome, form.Comment, cancellationToken);
        switch (answer.Status)
        {
            case TaskAnswerStatus.Completed:
                var card = (await cards.ForAsync(db, [answer.Task!], TaskPages.UiLanguage, cancellationToken))[0];
                TempData[FlashKey] = t["Your answer to \"{0}\" was saved: {1}.", card.Title, card.OutcomeLabel ?? ""].Value;
                return Redirect("/tasks");
            case TaskAnswerStatus.InvalidOutcome or TaskAnswerStatus.CommentTooLong:
                var again = (await cards.ForAsync(db, [answer.Task!], TaskPages.UiLanguage, cancellationToken))[0];
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return View("Task", TaskPageViewModel.Invalid(again, form, answer.Status, token: null, t));
            case TaskAnswerStatus.NotFound:
                return this.Refused(TaskPages.NotFound(t, id));
            case TaskAnswerStatus.NotAssigned:
                return this.Refused(TaskPages.NotYours(t));
            case TaskAnswerStatus.AlreadyAnswered:
                return this.Refused(TaskPages.AnsweredTwice(t));
            default:
                return this.Refused(TaskPages.Closed(t, forLink: false));
        }
    }

    private string Me => users.GetUserId(User)!;
}
