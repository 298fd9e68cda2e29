using System.Globalization;
using System.Text;
using System.Text.Json;
using global::CsvHelper;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Suggestions;

/// <summary>What the CSMs did with resolved suggestions. Abstentions are kept apart: they were never a proposal to accept.</summary>
public sealed record AcceptanceCounts(int Accepted, int Corrected, int Abstained)
{
    public int Resolved => Accepted + Corrected + Abstained;

    /// <summary>Accepted ÷ (accepted + corrected), 0–100; null while nothing was decided.</summary>
    public double? AcceptancePercent => Accepted + Corrected == 0 ? null : 100.0 * Accepted / (Accepted + Corrected);

    /// <summary>Abstained ÷ resolved, 0–100; null while nothing was resolved.</summary>
    public double? AbstainedPercent => Resolved == 0 ? null : 100.0 * Abstained / Resolved;

    public static AcceptanceCounts operator +(AcceptanceCounts a, AcceptanceCounts b) =>
        new(a.Accepted + b.Accepted, a.Corrected + b.Corrected, a.Abstained + b.Abstained);

    public static readonly AcceptanceCounts Zero = new(0, 0, 0);
}

/// <summary>One ISO week of the acceptance report (by the week the suggestions were resolved), per field.</summary>
public sealed record AcceptanceWeek(int IsoYear, int IsoWeek, DateOnly WeekStart, IReadOnlyDictionary<SuggestionField, AcceptanceCounts> ByField)
{
    public string Label => IsoWeeks.Label(IsoYear, IsoWeek);

    public AcceptanceCounts For(SuggestionField field) => ByField.GetValueOrDefault(field, AcceptanceCounts.Zero);
}

/// <summary>
/// Acceptance per ISO week and field from <see cref="From"/> to <see cref="To"/> (UTC dates, inclusive). <see cref="Fields"/>
/// are the fields with something resolved in the range (or the one filtered on), in the enum's order.
/// </summary>
public sealed record AcceptanceReport(DateOnly From, DateOnly To, int Weeks, SuggestionFilter Filter, IReadOnlyList<SuggestionField> Fields, IReadOnlyList<AcceptanceWeek> WeekRows)
{
    public AcceptanceCounts Total(SuggestionField field) => WeekRows.Aggregate(AcceptanceCounts.Zero, (sum, w) => sum + w.For(field));

    public AcceptanceCounts Totals => Fields.Aggregate(AcceptanceCounts.Zero, (sum, f) => sum + Total(f));
}

/// <summary>Null means "every field" / "every version".</summary>
public sealed record SuggestionFilter(SuggestionField? Field = null, int? ModelVersion = null);

/// <summary>Everything shown for one model version and field, whatever its state; <see cref="Local"/>, <see cref="ColdStart"/>, <see cref="Llm"/> split <see cref="Shown"/> by source.</summary>
public sealed record VersionAcceptance(int ModelVersion, SuggestionField Field, int Shown, AcceptanceCounts Counts, int Local, int ColdStart, int Llm)
{
    public int Pending => Shown - Counts.Resolved;

    public double? SharePercent(SuggestionSource source) => Shown == 0 ? null : 100.0 * (source switch
    {
        SuggestionSource.Local => Local,
        SuggestionSource.ColdStart => ColdStart,
        _ => Llm,
    }) / Shown;
}

/// <summary>A stored model without its payload, which can be megabytes.</summary>
public sealed record ModelSummary(int Version, DateTime TrainedAt, int TrainingItems, bool IsColdStart, double TrainSeconds);

/// <summary>The model in use and its held-out evaluation; <see cref="EvaluationUnreadable"/> when the stored JSON does not parse.</summary>
public sealed record CurrentModel(ModelSummary Summary, ModelEvaluation? Evaluation, bool EvaluationUnreadable);

public sealed record ModelHistoryPage(IReadOnlyList<ModelSummary> Items, int Page, int PageCount, int Total);

/// <summary>
/// The feedback loop's figures for the admin page: acceptance per ISO week and field, per model version, and the stored
/// models. Grouping runs in the database (by day, folded into ISO weeks here), so the page reads a handful of rows
/// however many suggestions were shown.
/// </summary>
public sealed class SuggestionReports(VocDbContext db, TimeProvider time)
{
    public const int DefaultWeeks = 12;
    public const int MaxWeeks = 104;
    public const int ModelPageSize = 20;

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>The last <paramref name="weeks"/> ISO weeks up to today (UTC), the current week included.</summary>
    public static (DateOnly From, DateOnly To) Range(DateTime nowUtc, int weeks) => IsoWeeks.Last(Math.Clamp(weeks, 1, MaxWeeks), nowUtc);

    public Task<AcceptanceReport> AcceptanceAsync(int weeks, SuggestionFilter filter, CancellationToken cancellationToken = default)
    {
        weeks = Math.Clamp(weeks, 1, MaxWeeks);
        var (from, to) = Range(Now, weeks);
        return AcceptanceAsync(from, to, weeks, filter, cancellationToken);
    }

    private async Task<AcceptanceReport> AcceptanceAsync(DateOnly from, DateOnly to, int weeks, SuggestionFilter filter, CancellationToken cancellationToken)
    {
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = Filtered(filter).Where(r => r.Outcome != SuggestionOutcome.Pending && r.ResolvedAt >= start && r.ResolvedAt < end);

        var byDay = await rows.GroupBy(r => new { Day = r.ResolvedAt!.Value.Date, r.Field }).Select(g => new
        {
            g.Key.Day,
            g.Key.Field,
            Accepted = g.Count(r => r.Outcome == SuggestionOutcome.Accepted),
            Corrected = g.Count(r => r.Outcome == SuggestionOutcome.Corrected),
            Abstained = g.Count(r => r.Outcome == SuggestionOutcome.Abstained),
        }).ToListAsync(cancellationToken);

        var byWeek = byDay
            .GroupBy(d => (Monday: IsoWeeks.MondayOf(d.Day), d.Field))
            .ToDictionary(g => g.Key, g => g.Aggregate(AcceptanceCounts.Zero, (sum, d) => sum + new AcceptanceCounts(d.Accepted, d.Corrected, d.Abstained)));
        var fields = filter.Field is { } only
            ? [only]
            : Enum.GetValues<SuggestionField>().Where(f => byDay.Any(d => d.Field == f)).ToList();

        // Every week of the range gets a row, so the chart shows an empty week as a gap rather than hiding it.
        var weekRows = IsoWeeks.Mondays(from, to).Select(monday =>
        {
            var (year, week) = IsoWeeks.Number(monday);
            return new AcceptanceWeek(year, week, monday,
                fields.ToDictionary(f => f, f => byWeek.GetValueOrDefault((monday, f), AcceptanceCounts.Zero)));
        }).ToList();
        return new AcceptanceReport(from, to, weeks, filter, fields, weekRows);
    }

    /// <summary>Per model version (newest first) and field: everything shown, its outcomes and its sources.</summary>
    public async Task<IReadOnlyList<VersionAcceptance>> ByVersionAsync(SuggestionFilter filter, CancellationToken cancellationToken = default)
    {
        var groups = await Filtered(filter).GroupBy(r => new { r.ModelVersion, r.Field }).Select(g => new
        {
            g.Key.ModelVersion,
            g.Key.Field,
            Shown = g.Count(),
            Accepted = g.Count(r => r.Outcome == SuggestionOutcome.Accepted),
            Corrected = g.Count(r => r.Outcome == SuggestionOutcome.Corrected),
            Abstained = g.Count(r => r.Outcome == SuggestionOutcome.Abstained),
            Local = g.Count(r => r.Source == SuggestionSource.Local),
            ColdStart = g.Count(r => r.Source == SuggestionSource.ColdStart),
            Llm = g.Count(r => r.Source == SuggestionSource.Llm),
        }).ToListAsync(cancellationToken);
        return groups
            .Select(g => new VersionAcceptance(g.ModelVersion, g.Field, g.Shown, new AcceptanceCounts(g.Accepted, g.Corrected, g.Abstained), g.Local, g.ColdStart, g.Llm))
            .OrderByDescending(v => v.ModelVersion).ThenBy(v => v.Field).ToList();
    }

    /// <summary>The newest stored model, or null before the first training.</summary>
    public async Task<CurrentModel?> CurrentModelAsync(CancellationToken cancellationToken = default)
    {
        var row = await db.SuggestionModels.AsNoTracking().OrderByDescending(m => m.Version)
            .Select(m => new { Summary = new ModelSummary(m.Version, m.TrainedAt, m.TrainingItems, m.IsColdStart, m.TrainSeconds), m.EvaluationJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return null;
        var evaluation = ReadEvaluation(row.EvaluationJson, out var unreadable);
        return new CurrentModel(row.Summary, evaluation, unreadable);
    }

    /// <summary>Stored models, newest first, <see cref="ModelPageSize"/> a page; a page past the end shows the last one.</summary>
    public async Task<ModelHistoryPage> ModelsAsync(int page, CancellationToken cancellationToken = default)
    {
        var total = await db.SuggestionModels.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + ModelPageSize - 1) / ModelPageSize);
        page = Math.Clamp(page, 1, pageCount);
        var items = await db.SuggestionModels.AsNoTracking().OrderByDescending(m => m.Version)
            .Skip((page - 1) * ModelPageSize).Take(ModelPageSize)
            .Select(m => new ModelSummary(m.Version, m.TrainedAt, m.TrainingItems, m.IsColdStart, m.TrainSeconds))
            .ToListAsync(cancellationToken);
        return new ModelHistoryPage(items, page, pageCount, total);
    }

    /// <summary>Versions a filter may name: stored models and versions that suggestions were shown from.</summary>
    public async Task<IReadOnlyList<int>> KnownVersionsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await db.SuggestionModels.Select(m => m.Version).ToListAsync(cancellationToken);
        var shown = await db.SuggestionRecords.Select(r => r.ModelVersion).Distinct().ToListAsync(cancellationToken);
        return stored.Concat(shown).Distinct().OrderDescending().ToList();
    }

    /// <summary>The stored evaluation, or null when there is none; <paramref name="unreadable"/> when it does not parse (the page says so instead of failing).</summary>
    public static ModelEvaluation? ReadEvaluation(string? json, out bool unreadable)
    {
        unreadable = false;
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            var evaluation = JsonSerializer.Deserialize<ModelEvaluation>(json, SuggestionJson.Options);
            if (evaluation?.Fields is null)
                unreadable = true;
            return evaluation?.Fields is null ? null : evaluation;
        }
        catch (JsonException)
        {
            unreadable = true;
            return null;
        }
    }

    /// <summary>The weekly table as CSV: one row per ISO week and field.</summary>
    public static byte[] AcceptanceCsv(AcceptanceReport report)
    {
        static string Pct(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";
        static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
        var rows = new List<IReadOnlyList<string?>>
        {
            new[] { "iso_week", "week_start", "field", "accepted", "corrected", "abstained", "resolved", "acceptance_percent", "abstained_percent" },
        };
        foreach (var week in report.WeekRows)
        {
            foreach (var field in report.Fields)
            {
                var c = week.For(field);
                rows.Add([week.Label, week.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), field.ToString(),
                    Int(c.Accepted), Int(c.Corrected), Int(c.Abstained), Int(c.Resolved), Pct(c.AcceptancePercent), Pct(c.AbstainedPercent)]);
            }
        }
        return WriteCsv(rows);
    }

    /// <summary>
    /// CSV as spreadsheets read it: UTF-8 with a byte-order mark (else Excel garbles Chinese), CRLF, and a cell that a
    /// spreadsheet would run as a formula (= + - @) defused with a leading quote.
    /// </summary>
    public static byte[] WriteCsv(IEnumerable<IReadOnlyList<string?>> rows)
    {
        var options = new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        using var stream = new MemoryStream();
        using (var csv = CsvWriter.Create(stream, options, leaveOpen: true))
        {
            foreach (var row in rows)
                csv.WriteRecord(row.Select(cell => cell ?? "").ToArray());
        }
        return stream.ToArray();
    }

    private IQueryable<SuggestionRecord> Filtered(SuggestionFilter filter)
    {
        var query = db.SuggestionRecords.AsNoTracking();
        if (filter.Field is { } field)
            query = query.Where(r => r.Field == field);
        if (filter.ModelVersion is { } version)
            query = query.Where(r => r.ModelVersion == version);
        return query;
    }
}
