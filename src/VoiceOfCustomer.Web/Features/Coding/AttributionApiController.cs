using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Coding;

public sealed record AwaitingCustomerRequest(string? Note);
public sealed record MergeRequest(long? DuplicateOf);
/// <summary>Why the item is re-opened; required for an attributed or merged item, kept in its audit.</summary>
public sealed record ReopenRequest(string? Reason);

/// <summary>Where an item stands after a status change (awaiting customer, re-open, merge).</summary>
public sealed record CodingStatusResponse(long Id, FeedbackStatus Status, long? DuplicateOfId, string? AwaitingCustomerNote, AttributionSnapshot Attribution);

/// <summary>One change: <c>before</c> is null for the first coding (nothing was there), never left out.</summary>
public sealed record AuditEntryResponse(
    long Id, DateTime ChangedAt, string? ChangedById, string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? After);

/// <summary>
/// Coding voices from integrations and the web app's own scripts: the same <see cref="AttributionService"/> rules
/// as the form. MVC's form-token check is off here: <see cref="ApiRequestGuardMiddleware"/> asks cookie callers for
/// the token in a header instead and takes only JSON bodies.
/// </summary>
[ApiController]
[Route("api/feedback/{id:long}")]
[Tags("Coding")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
public sealed class AttributionApiController(AttributionService coding, VocDbContext db) : ControllerBase
{
    /// <summary>Code a voice: save a draft or submit</summary>
    /// <remarks>
    /// The same rules as the coding form: impact (a metric, its direction and magnitude, or no measurable impact and
    /// why) → root cause (an existing capability gap or a proposed new one, and the hypothesis) → owning domain, plus
    /// value dimension, voice role and tags. <c>submit: false</c> saves a draft (any subset, still validated);
    /// <c>submit: true</c> needs every layer and sets the item's status to <c>attributed</c>. Send the <c>version</c>
    /// you read (<c>attribution.version</c>, 0 for an uncoded item): a stale one answers 409 with the current coding,
    /// never a silent overwrite. A merged item is not codable until re-opened. Scope <c>coding</c>.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <param name="input">The coding; taxonomy ids come from <c>GET /api/taxonomy</c>.</param>
    /// <response code="200">Saved: the stored coding with its new version.</response>
    /// <response code="400">A layer is missing or wrong, an id is unknown, archived or merged, or the item is merged (<c>status</c>); nothing is stored.</response>
    /// <response code="404">There is no item with this id.</response>
    /// <response code="409">Someone saved first: <c>current</c> is their coding and <c>currentVersion</c> the version to send after re-applying your change.</response>
    [HttpPost("attribution")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [Consumes("application/json")]
    [ProducesResponseType<AttributionSnapshot>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> Save(long id, [FromBody, ValidateNever] AttributionInput input, CancellationToken cancellationToken)
    {
        if (input is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        var result = await coding.SaveAsync(id, input, ActorId, cancellationToken);
        return result.Outcome == CodingOutcome.Saved ? Ok(result.Current) : Failure(id, result);
    }

    /// <summary>Wait for the customer</summary>
    /// <remarks>
    /// Parks a <c>new</c> or <c>in-progress</c> item while the CSM waits for the customer's answer; its attribution SLA
    /// clock pauses until the item is re-opened or submitted. Scope <c>coding</c>.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <param name="request">What was asked of the customer (<c>note</c>, required, at most 1,000 characters).</param>
    /// <response code="200">The item's new status and its coding.</response>
    /// <response code="400">No note, or the item is not open (<c>status</c>).</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpPost("awaiting-customer")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [Consumes("application/json")]
    [ProducesResponseType<CodingStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> AwaitingCustomer(long id, [FromBody, ValidateNever] AwaitingCustomerRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        return await StatusResultAsync(id, await coding.MarkAwaitingCustomerAsync(id, request.Note, ActorId, cancellationToken), cancellationToken);
    }

    /// <summary>Re-open an item</summary>
    /// <remarks>
    /// Opens an <c>attributed</c>, <c>duplicate</c> or <c>awaiting-customer</c> item for coding again: a submitted
    /// coding becomes a draft (its version moves on), a merge is undone. An attributed or duplicate item needs <c>{"reason": "…"}</c>, kept in its audit;
    /// a waiting item may be resumed without a body. Scope <c>coding</c>.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="request">Why the item is re-opened (<c>reason</c>, at most 1,000 characters).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The item's new status and its coding.</response>
    /// <response code="400">The item is already open (<c>status</c>), or an attributed or duplicate item has no <c>reason</c>.</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpPost("reopen")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [ProducesResponseType<CodingStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Reopen(long id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow), ValidateNever] ReopenRequest? request, CancellationToken cancellationToken) =>
        await StatusResultAsync(id, await coding.ReopenAsync(id, request?.Reason, ActorId, cancellationToken), cancellationToken);

    /// <summary>Merge an item as a duplicate</summary>
    /// <remarks>
    /// Marks the item a <c>duplicate</c> of <c>duplicateOf</c>; the survivor carries the voice from now on. Merging into
    /// a duplicate points at its survivor, so chains never form; an item cannot be merged into itself or into its own
    /// duplicate. Scope <c>coding</c>.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <param name="request">The id of the item this one duplicates (<c>duplicateOf</c>).</param>
    /// <response code="200">The item's new status, the survivor's id and its coding.</response>
    /// <response code="400">No or an unknown <c>duplicateOf</c>, a merge into itself, or the item is already a duplicate (<c>status</c>).</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpPost("merge")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [Consumes("application/json")]
    [ProducesResponseType<CodingStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Merge(long id, [FromBody, ValidateNever] MergeRequest request, CancellationToken cancellationToken)
    {
        if (request?.DuplicateOf is not { } survivor)
            return IntakeResponses.ValidationFailed([new("duplicateOf", "Give the id of the item this one duplicates.")]);
        return await StatusResultAsync(id, await coding.MergeAsync(id, survivor, ActorId, cancellationToken), cancellationToken);
    }

    /// <summary>Read an item's coding history</summary>
    /// <remarks>
    /// Every change to the item's coding or status, oldest first: who (a user id, or <c>apikey:{id}</c>), when, the
    /// action (<c>draft</c>, <c>submit</c>, <c>awaiting-customer</c>, <c>reopen</c>, <c>merge</c>, <c>assign</c>) and
    /// JSON snapshots before and after. <c>before</c> is null when nothing was there yet. Scope <c>read</c>.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The entries, oldest first (an empty list for an item nobody touched).</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpGet("audit")]
    [Authorize(Policy = AuthorizationPolicies.Read)]
    [ProducesResponseType<IReadOnlyList<AuditEntryResponse>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Audit(long id, CancellationToken cancellationToken)
    {
        if (!await db.FeedbackItems.AnyAsync(f => f.Id == id, cancellationToken))
            return NotFoundProblem(id);
        var entries = await db.AttributionAuditEntries.AsNoTracking()
            .Where(e => e.FeedbackItemId == id)
            .OrderBy(e => e.ChangedAt).ThenBy(e => e.Id)
            .ToListAsync(cancellationToken);
        // The snapshots are stored as JSON text; hand them back as JSON, not as strings to parse twice, in today's
        // spelling even when the row is older.
        return Ok(entries.Select(e => new AuditEntryResponse(e.Id, e.ChangedAt, e.ChangedById, e.Action,
            AttributionAuditJson.Normalize(e.BeforeJson), AttributionAuditJson.Normalize(e.AfterJson))).ToList());
    }

    /// <summary>The user's id for signed-in users; <c>apikey:{id}</c> for integrations (set by the key handler).</summary>
    private string? ActorId => User.FindFirstValue(ClaimTypes.NameIdentifier);

    private async Task<IActionResult> StatusResultAsync(long id, CodingResult result, CancellationToken cancellationToken)
    {
        if (result.Outcome != CodingOutcome.Saved)
            return Failure(id, result);
        var item = await db.FeedbackItems.AsNoTracking().Where(f => f.Id == id)
            .Select(f => new { f.Status, f.DuplicateOfId, f.AwaitingCustomerNote })
            .FirstAsync(cancellationToken);
        return Ok(new CodingStatusResponse(id, item.Status, item.DuplicateOfId, item.AwaitingCustomerNote, result.Current ?? AttributionSnapshot.Uncoded));
    }

    private IActionResult Failure(long id, CodingResult result)
    {
        switch (result.Outcome)
        {
            case CodingOutcome.NotFound:
                return NotFoundProblem(id);
            case CodingOutcome.Conflict:
                var problem = new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "The item was changed by someone else.",
                    Detail = string.Join(" ", result.Errors.Select(e => e.Message)),
                    // What the colleague saved, so the caller can merge by hand and retry with currentVersion.
                    Extensions = { ["current"] = result.Current ?? AttributionSnapshot.Uncoded, ["currentVersion"] = result.Current?.Version ?? 0 },
                };
                return new ObjectResult(problem) { StatusCode = StatusCodes.Status409Conflict, ContentTypes = { "application/problem+json" } };
            default:
                return IntakeResponses.ValidationFailed(result.Errors);
        }
    }

    private ObjectResult NotFoundProblem(long id) =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "Feedback not found.", detail: $"There is no feedback item with id {id}.");
}
