using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Behaviour;

/// <summary>A segment's value of an external metric for a period (<c>POST /api/behaviour-measurements</c>).</summary>
public sealed record SegmentMeasurementInput
{
    public string? Metric { get; init; }
    public string? Segment { get; init; }
    public string? Period { get; init; }
    public double? Value { get; init; }
}

/// <summary>A customer-behaviour target (<c>POST /api/behaviour-targets</c>): one per segment, metric, quarter and stage.</summary>
public sealed record TargetInput
{
    public string? Metric { get; init; }
    public string? Segment { get; init; }

    /// <summary>The quarter, as <c>2026Q3</c>.</summary>
    public string? Quarter { get; init; }
    public double? Baseline { get; init; }
    public double? Target { get; init; }

    /// <summary>The e-mail address of the user who answers for it.</summary>
    public string? Owner { get; init; }

    /// <summary>The lifecycle stage of the segment's success path; left out: the whole segment.</summary>
    public string? Stage { get; init; }
    public string? Note { get; init; }
}

/// <summary>
/// Behaviour data in: customers' measurements of metrics per period, segments' measurements of external metrics
/// (a survey's NPS), and the segments' behaviour targets. Same rules for the API and the CSV import; writes are
/// idempotent (the same metric, owner and period replaces the value).
/// </summary>
public sealed class BehaviourDataService(VocDbContext db, CustomerDataService customers, TimeProvider time)
{
    public async Task<WriteSummary> SaveMeasurementsAsync(IReadOnlyList<CustomerRow<MeasurementInput>> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
            errors.AddRange(CustomerDataValidator.Measurement(rows[i].Input.Metric, rows[i].Input.Period, rows[i].Input.Value, now).Select(e => new RowError(i, e.Field, e.Message)));
        var references = rows.Select(r => r.Customer).ToList();
        var known = await CustomerActivity.LoadAsync(db, references, cancellationToken);
        CustomerActivity.RefuseUnknown(references, known, errors);
        var metrics = await MetricsAsync(rows.Select(r => r.Input.Metric), cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            if (MetricProblem(metrics, rows[i].Input.Metric, external: false) is { } problem)
                errors.Add(new(i, "metric", problem));
        }
        CustomerDataService.RefuseRepeats(rows.Select(r => $"{r.Customer}\n{r.Input.Metric}\n{Canonical(r.Input.Period)}"), "period", errors, mode);

        return await customers.WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            var activity = new CustomerActivity();
            await using var sql = CustomerDataSql.For(db);
            foreach (var i in valid)
            {
                var input = rows[i].Input;
                var customer = known[Customer.Normalize(rows[i].Customer!)];
                var period = Period.Parse(input.Period!);
                counts.Add(await sql.UpsertMeasurementAsync("CustomerId", customer.Id, metrics[Key(input.Metric)]!.Id, period, input.Value!.Value, now.UtcDateTime, cancellationToken));
                // Measured usage is activity as of the period's last day (today for the running period).
                activity.Note(customer, period.LastDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), acquires: false);
            }
            await activity.SaveAsync(db, sql, now.UtcDateTime, cancellationToken);
        }, cancellationToken);
    }

    public async Task<WriteSummary> SaveSegmentMeasurementsAsync(IReadOnlyList<SegmentMeasurementInput> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
        {
            var fieldErrors = CustomerDataValidator.Measurement(rows[i].Metric, rows[i].Period, rows[i].Value, now);
            CustomerDataValidator.Key(fieldErrors, "segment", rows[i].Segment);
            errors.AddRange(fieldErrors.Select(e => new RowError(i, e.Field, e.Message)));
        }
        var metrics = await MetricsAsync(rows.Select(r => r.Metric), cancellationToken);
        var segments = await SegmentsAsync(rows.Select(r => r.Segment), cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            if (MetricProblem(metrics, rows[i].Metric, external: true) is { } problem)
                errors.Add(new(i, "metric", problem));
            if (SegmentProblem(segments, rows[i].Segment) is { } segmentProblem)
                errors.Add(new(i, "segment", segmentProblem));
        }
        CustomerDataService.RefuseRepeats(rows.Select(r => $"{r.Segment}\n{r.Metric}\n{Canonical(r.Period)}"), "period", errors, mode);

        return await customers.WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            await using var sql = CustomerDataSql.For(db);
            foreach (var i in valid)
            {
                var input = rows[i];
                counts.Add(await sql.UpsertMeasurementAsync("SegmentId", segments[Key(input.Segment)]!.Value, metrics[Key(input.Metric)]!.Id,
                    Period.Parse(input.Period!), input.Value!.Value, now.UtcDateTime, cancellationToken));
            }
        }, cancellationToken);
    }

    public async Task<WriteSummary> UpsertTargetsAsync(IReadOnlyList<TargetInput> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
            errors.AddRange(ValidateTarget(rows[i]).Select(e => new RowError(i, e.Field, e.Message)));
        var metrics = await MetricsAsync(rows.Select(r => r.Metric), cancellationToken);
        var segments = await SegmentsAsync(rows.Select(r => r.Segment), cancellationToken);
        var emails = rows.Select(r => r.Owner?.Trim().ToUpperInvariant()).OfType<string>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail!)).ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            if (MetricProblem(metrics, rows[i].Metric, external: null) is { } problem)
                errors.Add(new(i, "metric", problem));
            if (SegmentProblem(segments, rows[i].Segment) is { } segmentProblem)
                errors.Add(new(i, "segment", segmentProblem));
            if (rows[i].Owner is { } owner && !errors.Any(e => e.Index == i && e.Field == "owner") && !users.ContainsKey(owner.Trim().ToUpperInvariant()))
                errors.Add(new(i, "owner", $"No user has the e-mail address '{owner.Trim()}'."));
        }
        CustomerDataService.RefuseRepeats(rows.Select(r => $"{r.Segment}\n{r.Metric}\n{Canonical(r.Quarter)}\n{r.Stage}"), "quarter", errors, mode);

        return await customers.WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            foreach (var i in valid)
            {
                var input = rows[i];
                var metricId = metrics[Key(input.Metric)]!.Id;
                var segmentId = segments[Key(input.Segment)]!.Value;
                var quarter = Period.Parse(input.Quarter!).Text;
                var stage = EnumNames.Parse<LifecycleStage>(input.Stage);
                var target = await db.BehaviourTargets.FirstOrDefaultAsync(t =>
                    t.SegmentId == segmentId && t.MetricId == metricId && t.Quarter == quarter && t.Stage == stage, cancellationToken);
                if (target is null)
                {
                    target = new BehaviourTarget { MetricId = metricId, SegmentId = segmentId, Quarter = quarter, Stage = stage, OwnerUserId = "", CreatedAt = now };
                    db.BehaviourTargets.Add(target);
                }
                target.Baseline = input.Baseline!.Value;
                target.Target = input.Target!.Value;
                target.OwnerUserId = users[input.Owner!.Trim().ToUpperInvariant()];
                target.Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
                db.ChangeTracker.DetectChanges();
                var state = db.Entry(target).State;
                if (state != EntityState.Unchanged)
                    target.UpdatedAt = now;
                counts.Add(state switch { EntityState.Added => UpsertOutcome.Created, EntityState.Modified => UpsertOutcome.Updated, _ => UpsertOutcome.Unchanged });
                await db.SaveChangesAsync(cancellationToken);
            }
        }, cancellationToken);
    }

    private static List<FieldError> ValidateTarget(TargetInput input)
    {
        var errors = new List<FieldError>();
        CustomerDataValidator.Key(errors, "metric", input.Metric);
        CustomerDataValidator.Key(errors, "segment", input.Segment);
        if (string.IsNullOrWhiteSpace(input.Quarter))
            errors.Add(new("quarter", "The quarter is required, e.g. 2026Q3."));
        else if (!Period.TryParse(input.Quarter, out var quarter) || !quarter.IsQuarter)
            errors.Add(new("quarter", $"'{input.Quarter}' is not a quarter: write it as 2026Q3."));
        foreach (var (field, value) in new[] { ("baseline", input.Baseline), ("target", input.Target) })
        {
            if (value is null)
                errors.Add(new(field, $"The {field} is required (a number in the metric's unit)."));
            else if (!double.IsFinite(value.Value))
                errors.Add(new(field, $"The {field} must be a finite number."));
        }
        if (string.IsNullOrWhiteSpace(input.Owner))
            errors.Add(new("owner", "The owner (the e-mail address of the user who answers for the target) is required."));
        else
            CustomerDataValidator.UserEmail(errors, "owner", input.Owner);
        if (input.Stage is { Length: > 0 } stage && EnumNames.Parse<LifecycleStage>(stage) is null)
            errors.Add(new("stage", $"Unknown stage '{stage}'. Use one of: {string.Join(", ", EnumNames.All<LifecycleStage>())}."));
        CustomerDataValidator.Text(errors, "note", input.Note, 1000);
        return errors;
    }

    /// <summary>The metrics named (by lower-case key; null for an unknown key).</summary>
    private async Task<Dictionary<string, BehaviourMetric?>> MetricsAsync(IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Key).Distinct().ToList();
        var found = await db.BehaviourMetrics.AsNoTracking().Where(m => wanted.Contains(m.Key)).ToListAsync(cancellationToken);
        return wanted.ToDictionary(k => k, k => found.FirstOrDefault(m => m.Key == k));
    }

    private async Task<Dictionary<string, int?>> SegmentsAsync(IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        var wanted = keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Key).Distinct().ToList();
        var found = await db.Segments.AsNoTracking().Where(s => wanted.Contains(s.Key) && !s.IsArchived).Select(s => new { s.Key, s.Id }).ToListAsync(cancellationToken);
        return wanted.ToDictionary(k => k, k => found.FirstOrDefault(s => s.Key == k)?.Id);
    }

    /// <param name="external">True: only external metrics (posted per segment); false: only measured ones; null: either.</param>
    private static string? MetricProblem(Dictionary<string, BehaviourMetric?> metrics, string? key, bool? external)
    {
        if (string.IsNullOrWhiteSpace(key))
            return null; // already named as required
        var metric = metrics[Key(key)];
        if (metric is null || metric.IsArchived)
            return $"Unknown metric '{key.Trim()}'; the behaviour metrics are defined in seed/behaviour-metrics.json or by an Admin.";
        return external switch
        {
            true when !metric.IsExternal => $"The metric '{metric.Key}' is measured per customer (POST /api/customers/{{reference}}/metrics); only external metrics are posted per segment.",
            false when metric.IsExternal => $"The metric '{metric.Key}' is external: post it per segment and period (POST /api/behaviour-measurements), not per customer.",
            _ => null,
        };
    }

    private static string? SegmentProblem(Dictionary<string, int?> segments, string? key) =>
        string.IsNullOrWhiteSpace(key) || segments[Key(key)] is not null ? null : $"Unknown segment '{key.Trim()}'.";

    private static string Key(string? key) => key!.Trim().ToLowerInvariant();

    private static string? Canonical(string? period) => Period.TryParse(period, out var parsed) ? parsed.Text : period;
}
