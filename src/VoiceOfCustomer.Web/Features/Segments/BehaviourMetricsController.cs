using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Segments;

/// <summary>The behaviour metrics segment rules and success paths name: the shipped ones (seed/behaviour-metrics.json) and the Admins' own.</summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/behaviour-metrics")]
public sealed class BehaviourMetricsController(VocDbContext db, BehaviourMetricEditor editor, IStringLocalizer<SharedResource> t) : Controller
{
    public const string FlashKey = "metrics-flash";

    // The pages sit with the segments' (one feature), not in a folder named after this controller.
    private const string MetricsView = "/Features/Segments/Metrics.cshtml";
    private const string MetricEditView = "/Features/Segments/MetricEdit.cshtml";

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(MetricsView, await ListAsync(new BehaviourMetricInput(null, null, null, null, nameof(MetricUnit.Percent), nameof(GoodDirection.Up), nameof(MetricAggregation.Mean), false), [], cancellationToken));

    [HttpPost("")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Add([FromForm] string? key, [FromForm] string? name, [FromForm] string? nameZh, [FromForm] string? description,
        [FromForm] string? unit, [FromForm] string? goodDirection, [FromForm] string? aggregation, [FromForm] bool external, CancellationToken cancellationToken)
    {
        var input = new BehaviourMetricInput(key, name, nameZh, description, unit, goodDirection, aggregation, external);
        var (metric, errors) = await editor.AddAsync(input, cancellationToken);
        if (metric is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(MetricsView, await ListAsync(input, errors, cancellationToken));
        }
        TempData[FlashKey] = t["The metric {0} was added.", DisplayNames.Of(metric.Name, metric.NameZh)].Value;
        return Redirect("/admin/behaviour-metrics#metric-" + Uri.EscapeDataString(metric.Key));
    }

    [HttpGet("{key}/edit")]
    public async Task<IActionResult> Edit(string key, CancellationToken cancellationToken)
    {
        var metric = await db.BehaviourMetrics.AsNoTracking().SingleOrDefaultAsync(m => m.Key == key, cancellationToken);
        return metric is null ? NotFound() : View(MetricEditView, new MetricEditViewModel
        {
            Metric = metric,
            Input = new BehaviourMetricInput(metric.Key, metric.Name, metric.NameZh, metric.Description, null, null, null, metric.IsExternal, metric.IsArchived),
            Errors = [],
        });
    }

    [HttpPost("{key}")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Save(string key, [FromForm] string? name, [FromForm] string? nameZh, [FromForm] string? description,
        [FromForm] bool archived, CancellationToken cancellationToken)
    {
        var input = new BehaviourMetricInput(key, name, nameZh, description, null, null, null, false, archived);
        var (metric, errors) = await editor.UpdateAsync(key, input, cancellationToken);
        if (metric is null)
            return NotFound();
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(MetricEditView, new MetricEditViewModel { Metric = metric, Input = input, Errors = errors });
        }
        TempData[FlashKey] = t["The metric {0} was saved.", DisplayNames.Of(metric.Name, metric.NameZh)].Value;
        return Redirect("/admin/behaviour-metrics#metric-" + Uri.EscapeDataString(metric.Key));
    }

    private async Task<MetricListViewModel> ListAsync(BehaviourMetricInput input, IReadOnlyList<FieldError> errors, CancellationToken cancellationToken) => new()
    {
        Metrics = await db.BehaviourMetrics.AsNoTracking().OrderBy(m => m.IsArchived).ThenBy(m => m.Key).ToListAsync(cancellationToken),
        Input = input,
        Errors = errors,
    };

    /// <summary>Every unit, direction and aggregation label as a literal, so the string-table guard checks them.</summary>
    public static string UnitLabel(MetricUnit unit, IStringLocalizer t) => unit switch
    {
        MetricUnit.Percent => t["Percent"],
        MetricUnit.Count => t["Count"],
        MetricUnit.Score => t["Score"],
        MetricUnit.Ratio => t["Ratio"],
        _ => t["Currency"],
    };

    public static string DirectionLabel(GoodDirection direction, IStringLocalizer t) =>
        direction == GoodDirection.Up ? t["Higher is better"] : t["Lower is better"];

    public static string AggregationLabel(MetricAggregation aggregation, IStringLocalizer t) => aggregation switch
    {
        MetricAggregation.Mean => t["Mean"],
        MetricAggregation.Sum => t["Sum"],
        MetricAggregation.Median => t["Median"],
        MetricAggregation.Min => t["Minimum"],
        _ => t["Maximum"],
    };
}

public sealed class MetricListViewModel
{
    public required IReadOnlyList<BehaviourMetric> Metrics { get; init; }
    public required BehaviourMetricInput Input { get; init; }
    public required IReadOnlyList<FieldError> Errors { get; init; }

    public IEnumerable<FieldError> ErrorsFor(string field) => Errors.Where(e => e.Field == field);
}

public sealed class MetricEditViewModel
{
    public required BehaviourMetric Metric { get; init; }
    public required BehaviourMetricInput Input { get; init; }
    public required IReadOnlyList<FieldError> Errors { get; init; }

    public IEnumerable<FieldError> ErrorsFor(string field) => Errors.Where(e => e.Field == field);
}
