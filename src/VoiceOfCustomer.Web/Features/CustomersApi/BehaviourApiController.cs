using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.CustomersApi;

/// <summary>Segments' behaviour: external measurements (a survey's NPS per segment) and the success-path targets. Scope <c>customers</c>.</summary>
[ApiController]
[Tags("Customers")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit(BodyLimit.Batch)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class BehaviourApiController(BehaviourDataService behaviour, CustomerApiQueries queries) : ControllerBase
{
    /// <summary>Store external measurements per segment</summary>
    /// <remarks>
    /// One measurement or an array (all-or-nothing) of a metric marked external (measured outside, e.g. a survey's
    /// NPS) for a segment and period (<c>2026Q3</c> or <c>2026-09</c>). The same metric, segment and period again
    /// replaces the value. A metric measured per customer is refused here (it goes to
    /// <c>POST /api/customers/{reference}/metrics</c>). Scope <c>customers</c> (or a signed-in Admin).
    /// </remarks>
    /// <param name="body">A measurement, or an array of them.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one measurement was new.</response>
    /// <response code="200">Every measurement was stored already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong, named in <c>errors</c>; nothing is stored.</response>
    [HttpPost("api/behaviour-measurements")]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> SaveMeasurements([FromBody, ValidateNever] OneOrMany<SegmentMeasurementInput> body, CancellationToken cancellationToken)
    {
        if (CustomersApiController.Refuse(body) is { } refused)
            return refused;
        return CustomersApiController.Answer(body, await behaviour.SaveSegmentMeasurementsAsync(body.Items, WriteMode.AllOrNothing, cancellationToken), null);
    }

    /// <summary>Create or update behaviour targets</summary>
    /// <remarks>
    /// One target or an array (all-or-nothing): a segment's key success factor for a quarter (<c>2026Q3</c>): the
    /// metric, its baseline and target, the owner (a user's e-mail address), optionally the lifecycle stage of the
    /// segment's success path it belongs to, and a note. Upsert by segment, metric, quarter and stage. Scope
    /// <c>customers</c> (or a signed-in Admin).
    /// </remarks>
    /// <param name="body">A target, or an array of them.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one target was new.</response>
    /// <response code="200">Every target was stored already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong (no owner, no baseline, an unknown segment, …), named in <c>errors</c>; nothing is stored.</response>
    [HttpPost("api/behaviour-targets")]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> SaveTargets([FromBody, ValidateNever] OneOrMany<TargetInput> body, CancellationToken cancellationToken)
    {
        if (CustomersApiController.Refuse(body) is { } refused)
            return refused;
        return CustomersApiController.Answer(body, await behaviour.UpsertTargetsAsync(body.Items, WriteMode.AllOrNothing, cancellationToken), null);
    }

    /// <summary>List behaviour targets</summary>
    /// <remarks>By segment (in rule order), quarter, metric and stage; at most 1,000. Scope <c>customers</c> (or a signed-in Admin or CSM).</remarks>
    /// <param name="segment">Only this segment's (its key).</param>
    /// <param name="quarter">Only this quarter's, e.g. <c>2026Q3</c>.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The targets that match, at most 1,000.</response>
    /// <response code="400">A <c>quarter</c> that is not written like 2026Q3.</response>
    [HttpGet("api/behaviour-targets")]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<IReadOnlyList<TargetDetail>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Targets(string? segment, string? quarter, CancellationToken cancellationToken)
    {
        Period? parsed = null;
        if (!string.IsNullOrWhiteSpace(quarter))
        {
            if (!Period.TryParse(quarter, out var period) || !period.IsQuarter)
                return IntakeResponses.ValidationFailed([new FieldError("quarter", $"'{quarter}' is not a quarter: write it as 2026Q3.")]);
            parsed = period;
        }
        return Ok(await queries.TargetsAsync(segment, parsed?.Text, cancellationToken));
    }
}
