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

/// <summary>Where an item stands after a status change (awaiting customer, re-open, merge).</summary>
public sealed record CodingStatusResponse(long Id, FeedbackStatus Status, long? DuplicateOfId, string? AwaitingCustomerNote, AttributionSnapshot Attribution);

/// <summary>One change: <c>before</c> is null for the first coding (nothing was there), never left out.</summary>
public sealed record AuditEntryResponse(
    long Id, DateTime ChangedAt, string? ChangedById, string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonNode? After);

/// <summary>
/// Coding voices from integrations and the web app's own scripts: the same <see cref="AttributionService"/> rules
/// as the form. Key callers send a header, not a cookie, and every write takes a JSON body, hence no antiforgery.
/// </summary>
[ApiController]
[Route("api/feedback/{id:long}")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
public sealed class AttributionApiController(AttributionService coding, VocDbContext db) : ControllerBase
{
    /// <summary>
    /// Saves a draft (<c>submit: false</c>) or submits the attribution (every layer required). Send the
    /// <c>version</c> you read (0 for an uncoded item); a stale one answers 409 with the current coding.
    /// </summary>
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

    /// <summary>Parks an open item while the CSM waits for the customer's answer (the SLA clock pauses).</summary>
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

    /// <summary>Opens a submitted, merged or waiting item for coding again; a submitted attribution becomes a draft.</summary>
    [HttpPost("reopen")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [ProducesResponseType<CodingStatusResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Reopen(long id, CancellationToken cancellationToken) =>
        await StatusResultAsync(id, await coding.ReopenAsync(id, ActorId, cancellationToken), cancellationToken);

    /// <summary>Marks the item a duplicate of <c>duplicateOf</c> (or of the item that one was merged into).</summary>
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

    /// <summary>Who changed the item's coding or status, when, and what it looked like before and after; oldest first.</summary>
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
