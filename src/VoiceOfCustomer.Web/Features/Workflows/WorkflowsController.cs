using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.Web.Features.Workflows;

/// <summary>
/// Operations for Admins: the definitions with their diagrams, the instances (filtered, newest first), each instance with
/// where it stands, its history, variables, timers and tasks, and "retry" and "cancel" (audited in its history and the log).
/// </summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/workflows")]
public sealed class WorkflowsController(
    WorkflowDefinitionCatalog catalog, WorkflowAdminQueries queries, WorkflowOperations operations, VocDbContext db, IStringLocalizer<SharedResource> t) : Controller
{
    internal const string FlashKey = "WorkflowsFlash";

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var counts = await queries.LiveCountsAsync(cancellationToken);
        return View(new DefinitionListViewModel(catalog.Latest.Select(p => Summary(p, counts)).ToList()));
    }

    [HttpGet("definitions/{id}")]
    public async Task<IActionResult> Definition(string id, CancellationToken cancellationToken)
    {
        if (catalog.LatestFor(id) is not { } published)
            return NotFoundPage(t["There is no workflow definition with the id '{0}'.", id]);
        var counts = await queries.LiveCountsAsync(cancellationToken);
        return View(new DefinitionViewModel(Summary(published, counts), await queries.VersionsAsync(id, cancellationToken)));
    }

    [HttpGet("instances")]
    public async Task<IActionResult> Instances([FromQuery] InstanceFilterInput input, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var filter = input.Parse(catalog.Latest.Select(p => p.Definition.Id).ToList(), t, errors);
        var page = await queries.ListAsync(filter, cancellationToken);
        var definitions = catalog.Latest.Select(p => p.Definition).ToList();
        return View(new InstanceListViewModel(filter, page, errors, definitions, definitions.Select(d => d.SubjectType).Distinct().Order(StringComparer.Ordinal).ToList()));
    }

    [HttpGet("instances/{id:long}")]
    public Task<IActionResult> Instance(long id, CancellationToken cancellationToken) => InstancePageAsync(id, null, cancellationToken);

    [HttpPost("instances/{id:long}/retry")]
    public async Task<IActionResult> Retry(long id, CancellationToken cancellationToken)
    {
        var result = await operations.RetryAsync(db, id, Actor(), cancellationToken);
        return await AfterAsync(id, result, t["Instance #{0} runs again: its step is tried at the next pass of the runtime.", id], cancellationToken);
    }

    [HttpPost("instances/{id:long}/cancel")]
    public async Task<IActionResult> Cancel(long id, [FromForm] string? reason, CancellationToken cancellationToken)
    {
        var result = await operations.CancelAsync(db, id, Actor(), reason, cancellationToken);
        var message = result.Instances > 1
            ? t["Instance #{0} and {1} child instances were cancelled; their open tasks and timers are withdrawn.", id, result.Instances - 1]
            : t["Instance #{0} was cancelled; its open tasks and timers are withdrawn.", id];
        return await AfterAsync(id, result, message, cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(long id, OperationResult result, string done, CancellationToken cancellationToken)
    {
        if (result.Outcome == OperationOutcome.Done)
        {
            TempData[FlashKey] = done;
            return Redirect($"/admin/workflows/instances/{id}");
        }
        if (result.Outcome == OperationOutcome.NotFound)
            return InstanceNotFound(id);
        // A refusal is not a fault: the page again, with why nothing changed.
        Response.StatusCode = StatusCodes.Status409Conflict;
        var status = result.Status is { } s ? t.Label(s).Value : "";
        string why = result.Outcome switch
        {
            OperationOutcome.NotFaulted => t["Nothing was retried: instance #{0} is not faulted (it is {1}).", id, status],
            OperationOutcome.AlreadyEnded => t["Nothing was cancelled: instance #{0} has ended already ({1}).", id, status],
            OperationOutcome.NotAFlow => t["Nothing was cancelled: an SLA clock follows its voice and ends when the voice is coded or merged."],
            _ => t["Nothing was changed: the runtime moved instance #{0} on in the meantime. Look at it again and retry.", id],
        };
        return await InstancePageAsync(id, why, cancellationToken);
    }

    private async Task<IActionResult> InstancePageAsync(long id, string? error, CancellationToken cancellationToken)
    {
        var details = await queries.DetailsAsync(id, cancellationToken);
        return details is null ? InstanceNotFound(id) : View("Instance", new InstanceViewModel(details, error));
    }

    private ViewResult InstanceNotFound(long id) => NotFoundPage(t["There is no workflow instance #{0}.", id]);

    private ViewResult NotFoundPage(string message)
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("NotFound", message);
    }

    /// <summary>Who the history and the log name: the Admin's e-mail address.</summary>
    private string Actor() => User.FindFirstValue(ClaimTypes.Email) ?? User.Identity?.Name ?? "admin";

    private static DefinitionSummary Summary(PublishedWorkflow published, Dictionary<string, Dictionary<VoiceOfCustomer.Workflows.Persistence.WorkflowInstanceStatus, int>> counts) =>
        new(published, counts.TryGetValue(published.Definition.Id, out var live) ? live : []);
}
