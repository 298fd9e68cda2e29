using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Features.Users;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

/// <summary>An answer to a task: one of its outcome keys, and an optional comment (at most 4,000 characters).</summary>
public sealed record CompleteTaskRequest(string? Outcome, string? Comment);

public sealed record TaskOutcomeResponse(string Key, string Label);

/// <summary>A human task. <c>title</c> and the outcome labels are in the assignee's language (<c>language</c>).</summary>
public sealed record WorkflowTaskResponse(
    long Id,
    string Workflow,
    string Title,
    string Step,
    string Language,
    WorkflowTaskStatus Status,
    DateTime? DueAt,
    DateTime CreatedAt,
    IReadOnlyList<TaskOutcomeResponse> Outcomes,
    string? Outcome = null,
    string? Comment = null,
    DateTime? CompletedAt = null)
{
    public static WorkflowTaskResponse From(TaskCard card) => new(
        card.Task.Id, card.Workflow, card.Title, card.Task.Step, card.Task.Language, card.Task.Status, card.Task.DueAt, card.Task.CreatedAt,
        [.. card.Outcomes.Select(o => new TaskOutcomeResponse(o.Key, o.Label))], card.Task.Outcome, card.Task.Comment, card.Task.CompletedAt);
}

public sealed record WorkflowTaskPage(
    IReadOnlyList<WorkflowTaskResponse> Items,
    // Always written (null on the last page), like the other lists', so a client can loop "while nextCursor != null".
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>
/// The caller's own human tasks: a signed-in user's, or those of the user an API key was created for
/// (<c>voc apikey create --user</c>). MVC's form-token check is off here: <see cref="ApiRequestGuardMiddleware"/> asks
/// cookie callers for the token in a header instead and takes only JSON bodies.
/// </summary>
[ApiController]
[Route("api/workflow-tasks")]
[Tags("Workflow tasks")]
[IgnoreAntiforgeryToken]
[Authorize(Policy = AuthorizationPolicies.Tasks)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class WorkflowTasksApiController(WorkflowTasks tasks, TaskCards cards, VocDbContext db, UserManager<AppUser> users) : ControllerBase
{
    public const int DefaultPageSize = 50;

    /// <summary>List my open tasks, soonest deadline first</summary>
    /// <remarks>
    /// The open tasks assigned to the caller, soonest deadline first (tasks without one last), keyset paged like
    /// <c>GET /api/feedback</c>: pass the previous page's <c>nextCursor</c> as <c>cursor</c> until it is null. An API key
    /// lists the tasks of the user it was created for; a key created for no one is refused. Scope <c>tasks</c>.
    /// </remarks>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of open tasks and the cursor of the next one (null on the last page).</response>
    /// <response code="400">An invalid <c>cursor</c> or <c>limit</c>.</response>
    /// <response code="403">The scope is missing, or the API key acts for no user (or for a deactivated one).</response>
    [HttpGet("mine")]
    [ProducesResponseType<WorkflowTaskPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Mine(string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await CallerAsync();
        if (caller is null)
            return refusal!;
        var errors = new List<FieldError>();
        OpenTaskCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (OpenTaskCursor.TryDecode(cursor, out var decoded))
                after = decoded;
            else
                errors.Add(new("cursor", "The cursor is not valid; pass the nextCursor of the previous page unchanged."));
        }
        if (limit is < 1 or > OpenTaskPages.MaxPageSize)
            errors.Add(new("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {OpenTaskPages.MaxPageSize}.")));
        if (errors.Count > 0)
            return IntakeResponses.ValidationFailed(errors);

        var (page, more) = await OpenTaskPages.ReadAsync(db, caller.UserId!, after, limit ?? DefaultPageSize, cancellationToken);
        var items = (await cards.ForAsync(db, page, null, cancellationToken)).Select(WorkflowTaskResponse.From).ToList();
        var next = more ? new OpenTaskCursor(page[^1].DueAt, page[^1].Id).Encode() : null;
        return Ok(new WorkflowTaskPage(items, next));
    }

    /// <summary>Answer one of my tasks</summary>
    /// <remarks>
    /// Answers a task assigned to the caller with one of its outcomes (the keys <c>GET /api/workflow-tasks/mine</c> lists) and
    /// an optional comment. A task is answered once: the first answer stands, a second is a 409 and changes nothing. The
    /// workflow decides the step (quorum, objection) in the background. Scope <c>tasks</c>.
    /// </remarks>
    /// <param name="id">The task's id.</param>
    /// <param name="request">The outcome's key and an optional comment.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">Answered: the task with its outcome.</response>
    /// <response code="400">No such outcome for this task (<c>outcome</c>), or a comment over 4,000 characters (<c>comment</c>); nothing is stored.</response>
    /// <response code="403">The task is someone else's, the scope is missing, or the API key acts for no user.</response>
    /// <response code="404">There is no task with this id.</response>
    /// <response code="409">The task was answered already.</response>
    /// <response code="410">The deadline passed, or the step was decided or withdrawn without this answer.</response>
    [HttpPost("{id:long}/complete")]
    [Consumes("application/json")]
    [RequestBodyLimit]
    [ProducesResponseType<WorkflowTaskResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status410Gone, "application/problem+json")]
    public async Task<IActionResult> Complete(long id, [FromBody, ValidateNever] CompleteTaskRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        var (caller, refusal) = await CallerAsync();
        if (caller is null)
            return refusal!;

        var answer = await tasks.CompleteAsync(db, id, caller, request.Outcome, request.Comment, cancellationToken);
        if (answer.Status == TaskAnswerStatus.Completed)
        {
            var card = (await cards.ForAsync(db, [answer.Task!], null, cancellationToken))[0];
            return Ok(WorkflowTaskResponse.From(card));
        }
        if (answer.Status is TaskAnswerStatus.InvalidOutcome or TaskAnswerStatus.CommentTooLong)
        {
            var card = (await cards.ForAsync(db, [answer.Task!], null, cancellationToken))[0];
            return IntakeResponses.ValidationFailed([answer.Status == TaskAnswerStatus.InvalidOutcome
                ? new FieldError("outcome", $"Choose one of this task's outcomes: {string.Join(", ", card.Outcomes.Select(o => o.Key))}.")
                : new FieldError("comment", string.Create(CultureInfo.InvariantCulture, $"The comment may be at most {WorkflowTasks.CommentMaxLength} characters."))]);
        }
        return answer.Status switch
        {
            TaskAnswerStatus.NotFound => TaskProblem(StatusCodes.Status404NotFound, "Task not found.", $"There is no workflow task with id {id}."),
            TaskAnswerStatus.NotAssigned => TaskProblem(StatusCodes.Status403Forbidden, "Not your task.", "This task is assigned to someone else; only its assignee may answer it."),
            TaskAnswerStatus.AlreadyAnswered => TaskProblem(StatusCodes.Status409Conflict, "The task was answered already.",
                $"This task was answered already ({answer.Task!.Outcome}); the first answer stands."),
            _ => TaskProblem(StatusCodes.Status410Gone, "The task is closed.",
                "This task no longer takes answers: its deadline passed, or the step was decided or withdrawn without it."),
        };
    }

    /// <summary>The caller as the one answering: the signed-in user, or the user the API key acts for; else the 403 that says why not.</summary>
    private async Task<(TaskActor? Caller, IActionResult? Refusal)> CallerAsync()
    {
        if (!ScopeOrRoleRequirement.IsKeyCaller(User))
        {
            var signedIn = users.GetUserId(User)!;
            return (new TaskActor(signedIn, User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? signedIn, ViaLink: false), null);
        }
        var keyIdentity = User.Identities.First(i => i.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName);
        var keyName = keyIdentity.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "apikey";
        if (keyIdentity.FindFirst(ApiKeyAuthenticationHandler.UserClaim)?.Value is not { } userId
            || await users.FindByIdAsync(userId) is not { } user)
            return (null, KeyRefusal("The API key acts for no user.",
                "The API key acts for no user, so it has no tasks: create a key for the person (voc apikey create --user EMAIL --scopes tasks)."));
        if (UserStates.IsDeactivated(user))
            return (null, KeyRefusal("The API key's user is deactivated.", "The user this API key acts for is deactivated, so the key may not answer for them."));
        return (new TaskActor(user.Id, $"{user.Email} ({keyName})", ViaLink: false), null);
    }

    private ObjectResult KeyRefusal(string title, string detail)
    {
        var problem = TaskProblem(StatusCodes.Status403Forbidden, title, detail);
        ((ProblemDetails)problem.Value!).Extensions["field"] = ApiKeyAuthenticationHandler.HeaderName;
        return problem;
    }

    private ObjectResult TaskProblem(int status, string title, string detail) => Problem(statusCode: status, title: title, detail: detail);
}
