using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Coding;

/// <summary>The coding queue for integrations (and the benchmark): open items, soonest attribution deadline first.</summary>
[ApiController]
[Route("api/coding")]
[Tags("Coding")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class CodingQueueApiController(CodingQueueQueries queue) : ControllerBase
{
    public const int DefaultPageSize = 50;

    /// <summary>List the coding queue, soonest deadline first</summary>
    /// <remarks>
    /// Open items (<c>new</c>, <c>in-progress</c>, <c>awaiting-customer</c>) ordered by their attribution deadline, keyset
    /// paged like <c>GET /api/feedback</c>: pass the previous page's <c>nextCursor</c> as <c>cursor</c> until it is null.
    /// Filters combine. Scope <c>read</c>.
    /// </remarks>
    /// <param name="channel">Channel key.</param>
    /// <param name="owner">Owner CSM's user id; <c>mine</c> for the signed-in user, <c>unassigned</c> for items nobody owns.</param>
    /// <param name="segmentId">Customer segment id.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="language">Language as stored, e.g. <c>en</c> or <c>zh</c>.</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of open items and the cursor of the next one (null on the last page).</response>
    /// <response code="400">An invalid <c>cursor</c> or <c>limit</c>, or <c>owner=mine</c> from an API key.</response>
    [HttpGet("queue")]
    [Authorize(Policy = AuthorizationPolicies.Read)]
    [ProducesResponseType<CodingQueuePage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> Queue(
        string? channel, string? owner, int? segmentId, int? customerId, string? language, string? cursor, int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        CodingQueueCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (CodingQueueCursor.TryDecode(cursor, out var decoded))
                after = decoded;
            else
                errors.Add(new("cursor", "The cursor is not valid; pass the nextCursor of the previous page unchanged."));
        }
        if (limit is < 1 or > CodingQueueQueries.MaxPageSize)
            errors.Add(new("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {CodingQueueQueries.MaxPageSize}.")));
        var ownerId = owner?.Trim();
        if (string.Equals(ownerId, "mine", StringComparison.OrdinalIgnoreCase))
        {
            ownerId = User.FindFirstValue(ClaimTypes.NameIdentifier);
            // An API key owns no items; "mine" would silently mean "everyone's".
            if (ownerId is null || ownerId.StartsWith("apikey:", StringComparison.Ordinal))
                errors.Add(new("owner", "'mine' needs a signed-in user; pass the owner's user id instead."));
        }
        if (errors.Count > 0)
            return IntakeResponses.ValidationFailed(errors);

        var unassigned = string.Equals(ownerId, "unassigned", StringComparison.OrdinalIgnoreCase);
        var filter = new CodingQueueFilter
        {
            Channel = channel,
            OwnerCsmId = unassigned ? null : ownerId,
            Unassigned = unassigned,
            SegmentId = segmentId,
            CustomerId = customerId,
            Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim(),
        };
        return Ok(await queue.ListAsync(filter, after, limit ?? DefaultPageSize, cancellationToken));
    }
}
