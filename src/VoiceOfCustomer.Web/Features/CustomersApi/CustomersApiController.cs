using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.CustomersApi;

/// <summary>
/// Customer data in and out for the CRM and billing integrations: customers, contracts and renewals, purchases and
/// behaviour measurements, each idempotent by reference (or metric and period). Scope <c>customers</c> (or a signed-in
/// Admin; CSMs may read). The rules are <see cref="CustomerDataService"/>'s, shared with <c>voc import</c>.
/// </summary>
[ApiController]
[Route("api/customers")]
[Tags("Customers")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit(BodyLimit.Batch)]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class CustomersApiController(CustomerDataService data, BehaviourDataService behaviour, CustomerApiQueries queries) : ControllerBase
{
    public const int DefaultPageSize = 50;

    /// <summary>List customers</summary>
    /// <remarks>
    /// Filtered by segment, lifecycle stage and value tier (filters combine) and sorted; offset-paged: pass the answer's
    /// <c>nextPage</c> as <c>page</c> until it is null. Scope <c>customers</c> (or a signed-in Admin or CSM).
    /// </remarks>
    /// <param name="segment">Segment key, e.g. <c>enterprise</c>; an unknown one gives an empty page.</param>
    /// <param name="stage">Lifecycle stage: <c>prospect</c>, <c>new</c>, <c>active</c>, <c>churn-risk</c>, <c>win-back</c>, <c>churned</c>.</param>
    /// <param name="tier">Value tier: <c>top</c>, <c>middle</c>, <c>rest</c>.</param>
    /// <param name="sort">
    /// <c>reference</c> (the default), <c>name</c>, <c>arr</c>, <c>clv</c>, <c>p-alive</c>, <c>last-activity</c> or
    /// <c>acquired-at</c>; a leading <c>-</c> sorts descending (<c>-clv</c>). Customers without the value come last.
    /// </param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of customers and the next page's number (null on the last page).</response>
    /// <response code="400">An unknown <c>stage</c>, <c>tier</c> or <c>sort</c>, or a <c>page</c> or <c>limit</c> out of range, named in <c>errors</c>.</response>
    [HttpGet]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<ListPage<CustomerApiDetail>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> List(string? segment, string? stage, string? tier, string? sort, int? page, int? limit, CancellationToken cancellationToken)
    {
        var errors = PagingErrors(page, limit);
        var stageFilter = ParseEnum<LifecycleStage>("stage", stage, errors);
        var tierFilter = ParseEnum<ValueTier>("tier", tier, errors);
        var descending = sort?.Trim().StartsWith('-') == true;
        var sortBy = string.IsNullOrWhiteSpace(sort) ? CustomerApiSort.Reference : EnumNames.Parse<CustomerApiSort>(sort.Trim().TrimStart('-'));
        if (sortBy is null)
            errors.Add(new("sort", $"Unknown sort '{sort}'. Use one of: {string.Join(", ", EnumNames.All<CustomerApiSort>())}, with a leading '-' for descending."));
        if (errors.Count > 0)
            return IntakeResponses.ValidationFailed(errors);
        var filter = new CustomerApiFilter { Segment = segment, Stage = stageFilter, Tier = tierFilter, Sort = sortBy!.Value, Descending = descending };
        return Ok(await queries.ListAsync(filter, page ?? 1, limit ?? DefaultPageSize, cancellationToken));
    }

    /// <summary>Read one customer</summary>
    /// <remarks>The record, its computed coordinates (stage, segment, value) and its CSM and sales owner by e-mail. Scope <c>customers</c> (or a signed-in Admin or CSM).</remarks>
    /// <param name="reference">The customer's reference (case-insensitive).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The customer with its coordinates.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpGet("{reference}")]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<CustomerApiDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Get(string reference, CancellationToken cancellationToken) =>
        await queries.GetAsync(reference, cancellationToken) is { } customer ? Ok(customer) : UnknownCustomer(reference);

    /// <summary>Create or update customers</summary>
    /// <remarks>
    /// One customer object, or an array of up to 5,000 that is stored all-or-nothing. Upsert by <c>reference</c>: a new
    /// reference needs a <c>name</c>; for a known one, the fields sent replace the stored ones and the fields left out
    /// (or null) keep theirs. <c>csm</c> and <c>salesOwner</c> are users' e-mail addresses. Scope <c>customers</c> (or a signed-in Admin).
    /// </remarks>
    /// <param name="body">A customer, or an array of customers.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one customer was new; a single one's path is in <c>Location</c>.</response>
    /// <response code="200">Every customer was known already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong (named in <c>errors</c>, with the array index); nothing is stored.</response>
    [HttpPost]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> Upsert([FromBody, ValidateNever] OneOrMany<CustomerInput> body, CancellationToken cancellationToken)
    {
        if (Refuse(body) is { } refused)
            return refused;
        var summary = await data.UpsertCustomersAsync(body.Items, WriteMode.AllOrNothing, cancellationToken);
        var location = body.IsArray ? null : Url.Action(nameof(Get), "CustomersApi", new { reference = body.Items[0].Reference!.Trim() });
        return Answer(body, summary, location);
    }

    /// <summary>List a customer's contracts</summary>
    /// <remarks>Every term, oldest first, with the contract each renewal renews. Scope <c>customers</c> (or a signed-in Admin or CSM).</remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The customer's contract terms, oldest first.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpGet("{reference}/contracts")]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<IReadOnlyList<ContractDetail>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Contracts(string reference, CancellationToken cancellationToken) =>
        await data.FindAsync(reference, cancellationToken) is { } customer
            ? Ok(await queries.ContractsAsync(customer.Id, cancellationToken))
            : UnknownCustomer(reference);

    /// <summary>Store contracts and renewals</summary>
    /// <remarks>
    /// One contract term or an array (all-or-nothing, in order: a renewal may name a contract earlier in the array).
    /// Upsert by the contract's <c>reference</c>. <c>renews</c> names the customer's contract this term renews: it
    /// becomes term n + 1 and that one <c>renewed</c>. <c>status</c> is <c>active</c> (the default) or <c>cancelled</c>.
    /// Each term moves the customer's latest activity, and its acquisition date when none is set. Scope <c>customers</c>.
    /// </remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="body">A contract term, or an array of them.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one contract was new.</response>
    /// <response code="200">Every contract was stored already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong, named in <c>errors</c>; nothing is stored.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpPost("{reference}/contracts")]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public Task<IActionResult> SaveContracts(string reference, [FromBody, ValidateNever] OneOrMany<ContractInput> body, CancellationToken cancellationToken) =>
        UnderCustomerAsync(reference, body, rows => data.SaveContractsAsync(rows, WriteMode.AllOrNothing, cancellationToken), cancellationToken);

    /// <summary>List a customer's purchases</summary>
    /// <remarks>Newest first, offset-paged. Scope <c>customers</c> (or a signed-in Admin or CSM).</remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of purchases and the next page's number (null on the last page).</response>
    /// <response code="400">A <c>page</c> or <c>limit</c> out of range.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpGet("{reference}/transactions")]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<ListPage<TransactionDetail>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Transactions(string reference, int? page, int? limit, CancellationToken cancellationToken)
    {
        if (PagingErrors(page, limit) is { Count: > 0 } errors)
            return IntakeResponses.ValidationFailed(errors);
        return await data.FindAsync(reference, cancellationToken) is { } customer
            ? Ok(await queries.TransactionsAsync(customer.Id, page ?? 1, limit ?? DefaultPageSize, cancellationToken))
            : UnknownCustomer(reference);
    }

    /// <summary>Store purchases</summary>
    /// <remarks>
    /// One purchase or an array of up to 5,000 (all-or-nothing). Upsert by the purchase's <c>reference</c>: the same
    /// reference again replaces its time and amount, never adds a second purchase. Refused: a negative amount, a time
    /// in the future, a time before the customer was acquired (when the customer record sets <c>acquiredAt</c>).
    /// Each purchase moves the customer's latest activity, and its acquisition date when none is set. Scope <c>customers</c>.
    /// </remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="body">A purchase, or an array of them.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one purchase was new.</response>
    /// <response code="200">Every purchase was stored already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong, named in <c>errors</c>; nothing is stored.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpPost("{reference}/transactions")]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public Task<IActionResult> SaveTransactions(string reference, [FromBody, ValidateNever] OneOrMany<TransactionInput> body, CancellationToken cancellationToken) =>
        UnderCustomerAsync(reference, body, rows => data.SaveTransactionsAsync(rows, WriteMode.AllOrNothing, cancellationToken), cancellationToken);

    /// <summary>List a customer's behaviour measurements</summary>
    /// <remarks>Newest period first, offset-paged. Scope <c>customers</c> (or a signed-in Admin or CSM).</remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="metric">Only this metric's (its key).</param>
    /// <param name="page">Page number, from 1.</param>
    /// <param name="limit">Page size, 1 to 200 (default 50).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">A page of measurements and the next page's number (null on the last page).</response>
    /// <response code="400">A <c>page</c> or <c>limit</c> out of range.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpGet("{reference}/metrics")]
    [Authorize(Policy = AuthorizationPolicies.CustomersRead)]
    [ProducesResponseType<ListPage<MeasurementDetail>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> Metrics(string reference, string? metric, int? page, int? limit, CancellationToken cancellationToken)
    {
        if (PagingErrors(page, limit) is { Count: > 0 } errors)
            return IntakeResponses.ValidationFailed(errors);
        return await data.FindAsync(reference, cancellationToken) is { } customer
            ? Ok(await queries.MeasurementsAsync(customer.Id, metric, page ?? 1, limit ?? DefaultPageSize, cancellationToken))
            : UnknownCustomer(reference);
    }

    /// <summary>Store behaviour measurements</summary>
    /// <remarks>
    /// One measurement or an array (all-or-nothing): a metric's value for the customer in a period, written
    /// <c>2026Q3</c> (a quarter) or <c>2026-09</c> (a month). The same metric and period again replaces the value.
    /// Refused: an unknown metric, an external one (posted per segment: <c>POST /api/behaviour-measurements</c>), a
    /// malformed period or one that has not begun. Scope <c>customers</c>.
    /// </remarks>
    /// <param name="reference">The customer's reference.</param>
    /// <param name="body">A measurement, or an array of them.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">At least one measurement was new.</response>
    /// <response code="200">Every measurement was stored already: updated or unchanged.</response>
    /// <response code="400">A field is missing or wrong, named in <c>errors</c>; nothing is stored.</response>
    /// <response code="404">No customer has this reference.</response>
    [HttpPost("{reference}/metrics")]
    [Authorize(Policy = AuthorizationPolicies.CustomersWrite)]
    [Consumes("application/json")]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<WriteResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public Task<IActionResult> SaveMetrics(string reference, [FromBody, ValidateNever] OneOrMany<MeasurementInput> body, CancellationToken cancellationToken) =>
        UnderCustomerAsync(reference, body, rows => behaviour.SaveMeasurementsAsync(rows, WriteMode.AllOrNothing, cancellationToken), cancellationToken);

    private async Task<IActionResult> UnderCustomerAsync<T>(string reference, OneOrMany<T> body,
        Func<IReadOnlyList<CustomerRow<T>>, Task<WriteSummary>> write, CancellationToken cancellationToken)
    {
        if (Refuse(body) is { } refused)
            return refused;
        if (await data.FindAsync(reference, cancellationToken) is null)
            return UnknownCustomer(reference);
        return Answer(body, await write([.. body.Items.Select(item => new CustomerRow<T>(reference, item))]), null);
    }

    /// <summary>The body checks every write shares: present, and an array of 1 to <see cref="CustomerDataService.MaxRowsPerCall"/>.</summary>
    internal static IActionResult? Refuse<T>(OneOrMany<T>? body)
    {
        if (body is null)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        if (body.Items.Count == 0)
            return IntakeResponses.ValidationFailed([new(ProblemDetailsSetup.BodyField, "The array is empty: send one object, or an array of 1 to 5,000.")]);
        if (body.Items.Count > CustomerDataService.MaxRowsPerCall)
            return IntakeResponses.ValidationFailed([new(ProblemDetailsSetup.BodyField,
                string.Create(CultureInfo.InvariantCulture, $"An array holds at most {CustomerDataService.MaxRowsPerCall:N0} items; this one has {body.Items.Count:N0}. Split it, or use voc import."))]);
        var missing = body.Items.ToList().FindIndex(item => item is null);
        if (missing >= 0)
            return IntakeResponses.ValidationFailed([new(body.IsArray ? $"[{missing}]" : ProblemDetailsSetup.BodyField, "Each item must be a JSON object.")]);
        return null;
    }

    /// <summary>400 naming each field (with the index for an array), or 201/200 with the counts.</summary>
    internal static IActionResult Answer<T>(OneOrMany<T> body, WriteSummary summary, string? location)
    {
        if (summary.Errors.Count > 0)
            return IntakeResponses.ValidationFailed(summary.Errors.Select(e => new FieldError(body.Field(e.Index, e.Field), e.Message)));
        var response = new WriteResponse(summary.Created, summary.Updated, summary.Unchanged);
        if (summary.Created == 0)
            return new OkObjectResult(response);
        return location is null ? new ObjectResult(response) { StatusCode = StatusCodes.Status201Created } : new CreatedResult(location, response);
    }

    internal static List<FieldError> PagingErrors(int? page, int? limit)
    {
        var errors = new List<FieldError>();
        if (page is < 1 or > 1_000_000)
            errors.Add(new("page", "The page must be between 1 and 1,000,000."));
        if (limit is < 1 or > CustomerApiQueries.MaxPageSize)
            errors.Add(new("limit", string.Create(CultureInfo.InvariantCulture, $"The limit must be between 1 and {CustomerApiQueries.MaxPageSize}.")));
        return errors;
    }

    private static T? ParseEnum<T>(string field, string? text, List<FieldError> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var value = EnumNames.Parse<T>(text);
        if (value is null)
            errors.Add(new(field, $"Unknown {field} '{text}'. Use one of: {string.Join(", ", EnumNames.All<T>())}."));
        return value;
    }

    private ObjectResult UnknownCustomer(string reference)
    {
        var problem = Problem(statusCode: StatusCodes.Status404NotFound, title: "Customer not found.",
            detail: $"No customer has the reference '{reference}'; create it first with POST /api/customers.");
        ((ProblemDetails)problem.Value!).Extensions["field"] = "reference";
        return problem;
    }
}
