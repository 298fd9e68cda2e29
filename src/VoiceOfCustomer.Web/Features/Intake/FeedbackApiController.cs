using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Reporting;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// Feedback intake and reads for integrations (an API key) and the web app (the session cookie). MVC's form-token
/// check is off here: <see cref="ApiRequestGuardMiddleware"/> asks cookie callers for the token in a header instead
/// and takes only JSON bodies.
/// </summary>
[ApiController]
[Route("api/feedback")]
[Tags("Feedback")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class FeedbackApiController(FeedbackIntakeService intake, FeedbackQueries queries, IOptions<JsonOptions> json) : ControllerBase
{
    public const int DefaultPageSize = 50;

    /// <summary>Store one voice</summary>
    /// <remarks>
    /// Validates the voice (each problem is named by the field's JSON path), stores it with its customer and contact
    /// and starts its attribution SLA. An unknown customer reference becomes a prospect customer rather than a refusal.
    /// The same <c>(channel, externalId)</c> again answers 200 with the stored item and changes nothing, so a retry is
    /// always safe. Scope <c>intake</c> (or a signed-in CSM or Admin).
    /// </remarks>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <param name="submission">The voice as the source has it; only channel, customer and verbatim are required.</param>
    /// <response code="201">Stored; <c>Location</c> is the item's path.</response>
    /// <response code="200">Already stored under this (channel, externalId): the stored item, unchanged.</response>
    /// <response code="400">A field is missing or wrong (named in <c>errors</c>), or the body is not a JSON object; nothing is stored.</response>
    /// <response code="413">The body is larger than <c>Web:MaxRequestBodyBytes</c> (1 MB).</response>
    [HttpPost]
    [Authorize(Policy = AuthorizationPolicies.Intake)]
    [Consumes("application/json")]
    [ProducesResponseType<FeedbackItemSummary>(StatusCodes.Status201Created)]
    [ProducesResponseType<FeedbackItemSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> Create([FromBody, ValidateNever] FeedbackSubmission submission, CancellationToken cancellationToken)
    {
        // [ValidateNever]: intake validates; MVC's implicit [Required] would name a "null" body a second time.
        if (submission is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        var result = await intake.SubmitAsync(submission, cancellationToken);
        return IntakeResponses.ToActionResult(this, result);
    }

    /// <summary>Store up to 1,000 voices</summary>
    /// <remarks>
    /// Each item is validated and stored on its own, exactly as <c>POST /api/feedback</c> would: one bad item does not
    /// sink the others. The answer counts what happened and has one result per item, in order. Scope <c>intake</c>.
    /// </remarks>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <param name="request">An <c>items</c> array of objects shaped like the body of <c>POST /api/feedback</c>.</param>
    /// <response code="200">One result per item: <c>created</c> or <c>exists</c> with its id, or <c>invalid</c> with its errors.</response>
    /// <response code="400">No <c>items</c> array, more than 1,000 items, or the body is not a JSON object.</response>
    /// <response code="413">The body is larger than <c>Web:MaxBatchRequestBodyBytes</c> (16 MB).</response>
    [HttpPost("batch")]
    [Authorize(Policy = AuthorizationPolicies.Intake)]
    [RequestBodyLimit(BodyLimit.Batch)]
    [Consumes("application/json")]
    [ProducesResponseType<FeedbackBatchResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> CreateBatch([FromBody, ValidateNever] FeedbackBatchRequest request, CancellationToken cancellationToken)
    {
        if (request is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        if (request.Items is not { Count: > 0 } items)
            return IntakeResponses.ValidationFailed([new("items", "The batch needs an 'items' array with at least one item.")]);
        if (items.Count > FeedbackBatchRequest.MaxItems)
            return IntakeResponses.ValidationFailed([new("items", $"A batch holds at most {FeedbackBatchRequest.MaxItems:N0} items; this one has {items.Count:N0}.")]);

        // Items that do not even deserialise are answered as invalid; the others go to intake together.
        var results = new FeedbackBatchItemResult?[items.Count];
        var submissions = new List<(int Index, FeedbackSubmission Submission)>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            if (TryDeserialize(items[index], out var submission, out var error))
                submissions.Add((index, submission));
            else
                results[index] = new(index, BatchItemStatus.Invalid, null, new[] { error }.ToErrorDictionary());
        }

        var outcomes = await intake.SubmitBatchAsync(submissions.Select(s => s.Submission).ToList(), cancellationToken);
        for (var i = 0; i < submissions.Count; i++)
        {
            var (index, outcome) = (submissions[i].Index, outcomes[i]);
            results[index] = outcome.Outcome switch
            {
                IntakeOutcome.Created => new(index, BatchItemStatus.Created, outcome.Item!.Id, null),
                IntakeOutcome.AlreadyExists => new(index, BatchItemStatus.Exists, outcome.Item!.Id, null),
                _ => new(index, BatchItemStatus.Invalid, null, outcome.Errors.ToErrorDictionary()),
            };
        }

        var all = results.Select(r => r!).ToList();
        return Ok(new FeedbackBatchResponse(
            all.Count(r => r.Status == BatchItemStatus.Created),
            all.Count(r => r.Status == BatchItemStatus.Exists),
            all.Count(r => r.Status == BatchItemStatus.Invalid),
            all));
    }

    /// <summary>Read one voice</summary>
    /// <remarks>
    /// The verbatim exactly as received, with its customer, contact, metadata (as the JSON object it was sent as) and
    /// attribution. <c>attribution.version</c> is what a coding save must send; an uncoded item answers
    /// <c>{"version": 0, "state": "none"}</c>. Scope <c>read</c> (or any signed-in role).
    /// </remarks>
    /// <param name="id">The item's id, as intake answered it.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The item with its customer, contact and attribution.</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpGet("{id:long}")]
    [Authorize(Policy = AuthorizationPolicies.Read)]
    [ProducesResponseType<FeedbackDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(long id, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(id, cancellationToken);
        return detail is null
            ? Problem(statusCode: StatusCodes.Status404NotFound, title: "Feedback not found.", detail: $"There is no feedback item with id {id}.")
            : Ok(detail with { Attribution = detail.Attribution ?? AttributionSnapshot.Uncoded });
    }

    /// <summary>List voices, newest first</summary>
    /// <remarks>
    /// Ordered by <c>receivedAt</c> descending (ties by id) and keyset paged: pass the previous page's
    /// <c>nextCursor</c> as <c>cursor</c> until it is null. Pages stay consistent while new items arrive. Filters
    /// combine. Scope <c>read</c>.
    /// </remarks>
    /// <param name="channel">Channel key, e.g. <c>support</c>; an unknown one gives an empty page.</param>
    /// <param name="customerId">Customer id.</param>
    /// <param name="status">Item status: <c>new</c>, <c>in-progress</c>, <c>awaiting-customer</c>, <c>attributed</c> or <c>duplicate</c> (the C# names, e.g. <c>InProgress</c>, are read too).</param>
    /// <param name="language">BCP 47 tag as stored, e.g. <c>en</c> or <c>zh</c>.</param>
    /// <param name="from">Received at or after (ISO 8601), between 1900-01-01 and 2999-12-31.</param>
    /// <param name="to">Received before (ISO 8601), between 1900-01-01 and 2999-12-31.</param>
    /// <param name="q">Text the verbatim contains.</param>
    /// <param name="cursor">The previous page's <c>nextCursor</c>.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of items and the cursor of the next one (null on the last page).</response>
    /// <response code="400">An invalid <c>status</c>, <c>cursor</c>, <c>limit</c> or date range, named in <c>errors</c>.</response>
    [HttpGet]
    [Authorize(Policy = AuthorizationPolicies.Read)]
    [ProducesResponseType<FeedbackListResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> List(
        string? channel, int? customerId, string? status, string? language, DateTimeOffset? from, DateTimeOffset? to,
        string? q, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        FeedbackStatus? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            statusFilter = EnumNames.Parse<FeedbackStatus>(status);
            if (statusFilter is null)
                errors.Add(new("status", $"Unknown status '{status}'. Use one of: {string.Join(", ", EnumNames.All<FeedbackStatus>())}."));
        }
        FeedbackCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (FeedbackCursor.TryDecode(cursor, out var decoded))
                after = decoded;
            else
                errors.Add(new("cursor", "The cursor is not valid; pass the nextCursor of the previous page unchanged."));
        }
        if (limit is < 1 or > FeedbackQueries.MaxPageSize)
            errors.Add(new("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {FeedbackQueries.MaxPageSize}.")));
        foreach (var (name, value) in new[] { ("from", from), ("to", to) })
        {
            if (value is { } date && !DateRangeLimits.Contains(date))
                errors.Add(new(name, $"'{name}' must be {DateRangeLimits.Description} (UTC)."));
        }
        if (from is { } f && to is { } t && f > t)
            errors.Add(new("from", "'from' must not be after 'to'."));
        if (errors.Count > 0)
            return IntakeResponses.ValidationFailed(errors);

        var filter = new FeedbackFilter
        {
            Channel = channel,
            CustomerId = customerId,
            Status = statusFilter,
            Language = string.IsNullOrWhiteSpace(language) ? null : language.Trim(),
            ReceivedFrom = from?.UtcDateTime,
            ReceivedTo = to?.UtcDateTime,
            Search = q,
        };
        var page = await queries.ListAsync(filter, after, limit ?? DefaultPageSize, cancellationToken);
        return Ok(new FeedbackListResponse(page.Items, page.NextCursor));
    }

    private bool TryDeserialize(JsonElement item, out FeedbackSubmission submission, out FieldError error)
    {
        submission = null!;
        error = null!;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = new("item", "Each item must be a JSON object.");
            return false;
        }
        try
        {
            submission = item.Deserialize<FeedbackSubmission>(json.Value.JsonSerializerOptions)!;
            return true;
        }
        catch (JsonException exception)
        {
            error = new(IntakeResponses.FieldFromJsonPath(exception.Path), "The value has the wrong JSON type or format.");
            return false;
        }
    }
}
