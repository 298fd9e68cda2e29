using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>What the My tasks pages and the e-mail link's pages share: the refusals, and when a task takes no more answers.</summary>
public static class TaskPages
{
    private const string RefusedView = "/Features/Tasks/Refused.cshtml";

    /// <summary>The plain page of a refusal, with its status code.</summary>
    public static ViewResult Refused(this Controller controller, TaskRefusal refusal)
    {
        controller.Response.StatusCode = refusal.StatusCode;
        return controller.View(RefusedView, refusal);
    }

    /// <summary>The language titles and outcomes are written in on this request's page.</summary>
    public static string UiLanguage => VocCultures.UiIsChinese ? VocCultures.Chinese : VocCultures.English;

    /// <summary>The rule <see cref="WorkflowTasks.CompleteAsync"/> answers <see cref="TaskAnswerStatus.Closed"/> by, for showing a task before anyone answers.</summary>
    public static bool IsClosed(TaskView view, TimeProvider time) =>
        view.Task.Status != WorkflowTaskStatus.Open
        || view.Task.DueAt <= time.GetUtcNow().UtcDateTime
        || view.InstanceStatus != WorkflowInstanceStatus.Running;

    public static TaskRefusal NotFound(IStringLocalizer t, long id) =>
        new(StatusCodes.Status404NotFound, t["Task not found"], t["There is no task with id {0}. The link may be mistyped.", id], ForLink: false);

    public static TaskRefusal NotYours(IStringLocalizer t) =>
        new(StatusCodes.Status403Forbidden, t["This task is someone else's"], t["Only the person a task is assigned to can see and answer it. Your own tasks are on My tasks."], ForLink: false);

    public static TaskRefusal AnsweredTwice(IStringLocalizer t) =>
        new(StatusCodes.Status409Conflict, t["This task was answered already"], t["A task takes one answer, and the first one stands. Nothing was changed."], ForLink: false);

    public static TaskRefusal Closed(IStringLocalizer t, bool forLink) =>
        new(StatusCodes.Status410Gone, t["This task is closed"], t["Its deadline has passed, or the workflow decided the step without this answer, so it takes no answer any more. Nothing was changed."], forLink);

    public static TaskRefusal InvalidLink(IStringLocalizer t) =>
        new(StatusCodes.Status403Forbidden, t["This link is not valid"], t["The link may have been cut short or changed. Open it again from the e-mail, or copy the whole address."], ForLink: true);

    public static TaskRefusal ExpiredLink(IStringLocalizer t) =>
        new(StatusCodes.Status410Gone, t["This link has expired"], t["A task's link works until its deadline, or for a limited time when it has none. If you still want to answer, contact the person who asked you."], ForLink: true);

    public static TaskRefusal LinkUsed(IStringLocalizer t) =>
        new(StatusCodes.Status410Gone, t["This task was answered already"], t["The link answers its task once, and the answer has been given. Nothing was changed."], ForLink: true);
}
