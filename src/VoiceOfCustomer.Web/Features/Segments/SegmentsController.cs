using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Segments;

/// <summary>
/// The segments in evaluation order with their rules, members, policies and success paths; an Admin edits a segment's rule
/// and policy, previews who would move, and saves (which re-evaluates every rule and re-targets the moved voices' SLA clocks).
/// </summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/segments")]
public sealed class SegmentsController(
    VocDbContext db, SegmentRuleEvaluator evaluator, SegmentPolicyService policies, IStringLocalizer<SharedResource> t,
    IOptions<VoiceOfCustomer.Workflows.Flows.OrganisationOptions> organisation, TimeProvider time) : Controller
{
    public const string FlashKey = "segments-flash";

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.IsArchived).ThenBy(s => s.Position).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var counts = await db.Customers.AsNoTracking().GroupBy(c => c.SegmentId)
            .Select(g => new { SegmentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var calendars = await CalendarNamesAsync(cancellationToken);
        var metrics = await MetricsAsync(cancellationToken);
        var quarter = SuccessPaths.QuarterOf(time.GetUtcNow().UtcDateTime, VoiceOfCustomer.Workflows.Flows.FlowStarter.OrganisationZone(organisation.Value));
        var targets = await db.BehaviourTargets.AsNoTracking().Where(x => x.Quarter == quarter).ToListAsync(cancellationToken);
        var ownerIds = targets.Select(x => x.OwnerUserId).Distinct().ToList();
        var owners = await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName ?? u.Email ?? u.UserName ?? "", cancellationToken);
        var metricsById = metrics.Values.ToDictionary(m => m.Id);
        var ruleMetrics = metrics.Values.Select(m => new RuleMetric(m.Key, m.IsExternal)).ToList();

        var rows = segments.Select(segment =>
        {
            var (rule, errors) = segment.RuleJson is null ? (null, []) : SegmentRule.Parse(segment.RuleJson, ruleMetrics);
            var path = targets.Where(x => x.SegmentId == segment.Id && metricsById.ContainsKey(x.MetricId))
                .GroupBy(x => x.Stage)
                .OrderBy(g => g.Key is null ? -1 : (int)g.Key)
                .Select(g => new SuccessStage(g.Key, [.. g.Select(x => new SuccessFactor(metricsById[x.MetricId], x.Baseline, x.Target, owners.GetValueOrDefault(x.OwnerUserId)))
                    .OrderBy(f => f.Metric.Key, StringComparer.Ordinal)]))
                .ToList();
            return new SegmentRow(segment, rule is null ? null : SegmentRuleText.Describe(rule, t, metrics), errors.Count > 0,
                counts.FirstOrDefault(c => c.SegmentId == segment.Id)?.Count ?? 0, path);
        }).ToList();
        return View(new SegmentListViewModel
        {
            Segments = rows,
            CustomersWithoutSegment = counts.FirstOrDefault(c => c.SegmentId is null)?.Count ?? 0,
            CalendarNames = calendars,
            Quarter = quarter,
        });
    }

    [HttpGet("{key}/edit")]
    public async Task<IActionResult> Edit(string key, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (segment is null)
            return NotFound();
        var input = new SegmentEditInput
        {
            Rule = segment.Rule,
            When = Pretty(segment.RuleJson),
            AttributionTargetHours = segment.Policy.AttributionTarget.TotalHours.ToString("0.##", CultureInfo.InvariantCulture),
            RoadmapWeight = segment.Policy.RoadmapWeight.ToString("0.##", CultureInfo.InvariantCulture),
            CalendarKey = segment.Policy.CalendarKey,
            Position = segment.Position.ToString(CultureInfo.InvariantCulture),
        };
        return await EditViewAsync(segment, input, [], null, cancellationToken);
    }

    [HttpPost("{key}/preview")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Preview(string key, [FromForm] SegmentEditInput input, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (segment is null)
            return NotFound();
        var preview = await evaluator.PreviewAsync(key, input.When, cancellationToken: cancellationToken);
        if (!preview.IsValid)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return await EditViewAsync(segment, input, [.. preview.Errors.Select(e => new FieldError(e.Path, e.Message))], preview.IsValid ? preview : null, cancellationToken);
    }

    [HttpPost("{key}")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Save(string key, [FromForm] SegmentEditInput input, CancellationToken cancellationToken)
    {
        var segment = await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (segment is null)
            return NotFound();
        var (edit, errors) = input.ToEdit();
        SegmentSaveResult? result = null;
        if (edit is not null)
        {
            result = await policies.SaveAsync(key, edit, cancellationToken);
            if (result is null)
                return NotFound();
            errors = result.Errors;
        }
        if (errors.Count > 0 || result is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return await EditViewAsync(segment, input, errors, null, cancellationToken);
        }
        var moves = result.Evaluation?.For(key);
        TempData[FlashKey] = t["{0} was saved and every rule re-evaluated: {1} customer(s) moved ({2} into this segment, {3} out of it); {4} open voice(s) take their new SLA target.",
            segment.DisplayName(), result.Evaluation?.Moved ?? 0, moves?.MovedIn ?? 0, moves?.MovedOut ?? 0, result.ClocksRetargeted].Value;
        return Redirect("/admin/segments#segment-" + Uri.EscapeDataString(key));
    }

    private async Task<IActionResult> EditViewAsync(Segment segment, SegmentEditInput input, IReadOnlyList<FieldError> errors, SegmentPreview? preview, CancellationToken cancellationToken)
    {
        var metrics = await MetricsAsync(cancellationToken);
        var names = await db.Segments.AsNoTracking().ToListAsync(cancellationToken);
        RuleLine? conditions = null;
        if (!string.IsNullOrWhiteSpace(input.When) && errors.All(e => !e.Field.StartsWith("when", StringComparison.Ordinal)))
        {
            var (rule, _) = SegmentRule.Parse(input.When, [.. metrics.Values.Select(m => new RuleMetric(m.Key, m.IsExternal))]);
            conditions = rule is null ? null : SegmentRuleText.Describe(rule, t, metrics);
        }
        return View("Edit", new SegmentEditViewModel
        {
            Segment = segment,
            Input = input,
            Errors = errors,
            Preview = preview,
            Conditions = conditions,
            Calendars = await CalendarNamesAsync(cancellationToken),
            Metrics = [.. metrics.Values.Where(m => !m.IsExternal && !m.IsArchived).OrderBy(m => m.Key, StringComparer.Ordinal)],
            SegmentNames = names.ToDictionary(s => s.Key, s => s.DisplayName()),
        });
    }

    private async Task<Dictionary<string, BehaviourMetric>> MetricsAsync(CancellationToken cancellationToken) =>
        await db.BehaviourMetrics.AsNoTracking().ToDictionaryAsync(m => m.Key, StringComparer.Ordinal, cancellationToken);

    private async Task<Dictionary<string, string>> CalendarNamesAsync(CancellationToken cancellationToken) =>
        await db.BusinessCalendars.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Name, StringComparer.OrdinalIgnoreCase, cancellationToken);

    private static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return "";
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, PrettyJson);
    }

    private static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>The edit form as typed: numbers as text, so a wrong one is reported by field rather than lost in binding.</summary>
public sealed class SegmentEditInput
{
    public string? Rule { get; set; }
    public string? When { get; set; }
    public string? AttributionTargetHours { get; set; }
    public string? RoadmapWeight { get; set; }
    public string? CalendarKey { get; set; }
    public string? Position { get; set; }

    public (SegmentEdit? Edit, IReadOnlyList<FieldError> Errors) ToEdit()
    {
        var errors = new List<FieldError>();
        double Number(string? text, string field, string message)
        {
            if (double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
                return value;
            errors.Add(new FieldError(field, message));
            return 0;
        }
        var hours = Number(AttributionTargetHours, "attributionTargetHours", "Enter the attribution target in hours, e.g. 24 or 36.5.");
        var weight = Number(RoadmapWeight, "roadmapWeight", "Enter the roadmap weight as a number, e.g. 1.5.");
        var position = Number(Position, "position", "Enter the position as a whole number, e.g. 35.");
        if (position != Math.Floor(position) || Math.Abs(position) > int.MaxValue)
            errors.Add(new FieldError("position", "Enter the position as a whole number, e.g. 35."));
        return errors.Count > 0 ? (null, errors) : (new SegmentEdit(Rule, When, hours, weight, CalendarKey, (int)position), []);
    }
}

public sealed record SuccessFactor(BehaviourMetric Metric, double Baseline, double Target, string? Owner);

public sealed record SuccessStage(LifecycleStage? Stage, IReadOnlyList<SuccessFactor> Factors);

public sealed record SegmentRow(Segment Segment, RuleLine? Conditions, bool RuleInvalid, int Members, IReadOnlyList<SuccessStage> SuccessPath);

public sealed class SegmentListViewModel
{
    public required IReadOnlyList<SegmentRow> Segments { get; init; }
    public int CustomersWithoutSegment { get; init; }

    /// <summary>Calendar key → name (case-insensitive, as the SLA clock looks them up).</summary>
    public required IReadOnlyDictionary<string, string> CalendarNames { get; init; }

    /// <summary>The quarter whose behaviour targets the success paths show, e.g. 2026Q4.</summary>
    public required string Quarter { get; init; }
}

public sealed class SegmentEditViewModel
{
    public required Segment Segment { get; init; }
    public required SegmentEditInput Input { get; init; }
    public required IReadOnlyList<FieldError> Errors { get; init; }
    public SegmentPreview? Preview { get; init; }

    /// <summary>The conditions in the textarea, read aloud (when they parse).</summary>
    public RuleLine? Conditions { get; init; }
    public required IReadOnlyDictionary<string, string> Calendars { get; init; }
    public required IReadOnlyList<BehaviourMetric> Metrics { get; init; }
    public required IReadOnlyDictionary<string, string> SegmentNames { get; init; }

    public IEnumerable<FieldError> ErrorsFor(string field) =>
        Errors.Where(e => e.Field == field || e.Field.StartsWith(field + "[", StringComparison.Ordinal) || e.Field.StartsWith(field + ".", StringComparison.Ordinal));

    public string SegmentName(string? key) => key is null ? "" : SegmentNames.GetValueOrDefault(key, key);
}
