using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Segments;

/// <summary>What an Admin may change on a segment: its rule (words and conditions), policy and place in the evaluation order.</summary>
/// <param name="RuleJson">The condition tree (docs/segments.md); empty: the segment matches no one.</param>
public sealed record SegmentEdit(string? Rule, string? RuleJson, double AttributionTargetHours, double RoadmapWeight, string? CalendarKey, int Position);

/// <param name="Errors">Each naming its field: <c>attributionTargetHours</c>, …, or the rule's path (<c>when.all[0].op</c>).</param>
/// <param name="Evaluation">The re-evaluation that followed the save (who moved), when it was saved.</param>
/// <param name="ClocksRetargeted">Open voices told of a new policy: the moved customers' and, when the target or calendar changed, the members'.</param>
public sealed record SegmentSaveResult(IReadOnlyList<FieldError> Errors, SegmentEvaluationResult? Evaluation = null, int ClocksRetargeted = 0)
{
    public bool Saved => Errors.Count == 0;
}

/// <summary>Saves an Admin's segment edit and re-evaluates every rule in the same transaction, so the members, their history and their SLA clocks follow at once.</summary>
public sealed class SegmentPolicyService(VocDbContext db, DatabaseWriteGate gate, SegmentRuleEvaluator evaluator)
{
    public const int MaxPosition = 100_000;

    /// <summary>Null when no segment has the key.</summary>
    public async Task<SegmentSaveResult?> SaveAsync(string key, SegmentEdit edit, CancellationToken cancellationToken = default)
    {
        var errors = await ValidateAsync(edit, cancellationToken);
        if (errors.Count > 0)
            return new SegmentSaveResult(errors);

        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var segment = await db.Segments.SingleOrDefaultAsync(s => s.Key == key, cancellationToken);
        if (segment is null)
            return null;
        var target = TimeSpan.FromHours(edit.AttributionTargetHours);
        var calendar = string.IsNullOrWhiteSpace(edit.CalendarKey) ? null : edit.CalendarKey.Trim();
        var policyChanged = segment.Policy.AttributionTarget != target || !string.Equals(segment.Policy.CalendarKey, calendar, StringComparison.OrdinalIgnoreCase);
        segment.Rule = string.IsNullOrWhiteSpace(edit.Rule) ? null : edit.Rule.Trim();
        segment.RuleJson = Compact(edit.RuleJson);
        segment.Position = edit.Position;
        segment.Policy.AttributionTarget = target;
        segment.Policy.RoadmapWeight = edit.RoadmapWeight;
        segment.Policy.CalendarKey = calendar;
        await db.SaveChangesAsync(cancellationToken);

        var evaluation = await evaluator.EvaluateAllAsync(SegmentRuleEvaluator.RulesReason, cancellationToken);
        var clocks = evaluation.ClocksToRetarget + (policyChanged ? await evaluator.AnnouncePolicyChangeAsync(segment.Id, cancellationToken) : 0);
        await transaction.CommitAsync(cancellationToken);
        return new SegmentSaveResult([], evaluation, clocks);
    }

    public async Task<IReadOnlyList<FieldError>> ValidateAsync(SegmentEdit edit, CancellationToken cancellationToken = default)
    {
        var errors = new List<FieldError>();
        if (edit.Rule?.Trim().Length > 500)
            errors.Add(new FieldError("rule", "The rule in words is at most 500 characters."));
        if (!double.IsFinite(edit.AttributionTargetHours) || edit.AttributionTargetHours is <= 0 or > 8760)
            errors.Add(new FieldError("attributionTargetHours", "The attribution target is more than 0 and at most 8,760 hours."));
        if (!double.IsFinite(edit.RoadmapWeight) || edit.RoadmapWeight is < 0 or > 100)
            errors.Add(new FieldError("roadmapWeight", "The roadmap weight is between 0 and 100."));
        if (edit.Position is < 0 or > MaxPosition)
            errors.Add(new FieldError("position", "The position is between 0 and 100,000."));
        if (!string.IsNullOrWhiteSpace(edit.CalendarKey)
            && !await db.BusinessCalendars.AnyAsync(c => c.Key == edit.CalendarKey.Trim(), cancellationToken))
            errors.Add(new FieldError("calendarKey", "There is no business calendar with this key."));
        if (!string.IsNullOrWhiteSpace(edit.RuleJson))
        {
            if (edit.RuleJson.Length > 8000)
                errors.Add(new FieldError("when", "The conditions are at most 8,000 characters of JSON."));
            else
            {
                var (_, ruleErrors) = SegmentRule.Parse(edit.RuleJson, await evaluator.RuleMetricsAsync(cancellationToken));
                errors.AddRange(ruleErrors.Select(e => new FieldError(e.Path, e.Message)));
            }
        }
        return errors;
    }

    private static string? Compact(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        using var document = System.Text.Json.JsonDocument.Parse(json, new System.Text.Json.JsonDocumentOptions
        {
            CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true,
        });
        return SegmentRule.Compact(document.RootElement);
    }
}
