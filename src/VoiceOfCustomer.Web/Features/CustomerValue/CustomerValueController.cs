using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.Web.Features.CustomerValue;

/// <summary>
/// The lifetime-value models as their users look at them: customer equity by segment, retention curves actual against
/// projected, P(alive) and expected purchases by frequency and recency, the holdout check and cumulative tracking; the
/// fits with their parameters; an Admin's "refit now" with progress.
/// </summary>
[Authorize]
[Route("customers/value")]
public sealed class CustomerValueController(VocDbContext db, CustomerValueRefitStatus status, ICustomerValueRefitTrigger trigger) : Controller
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var fits = await db.ValueFits.AsNoTracking().OrderByDescending(f => f.StartedAt).ThenByDescending(f => f.Id).Take(200).ToListAsync(cancellationToken);
        var latest = fits.GroupBy(f => f.Model).Select(g => g.First()).OrderBy(f => f.Model).ToList();
        var good = fits.Where(f => f.Status == ValueFitStatus.Succeeded).GroupBy(f => f.Model).ToDictionary(g => g.Key, g => g.First());
        var equity = await db.Customers.AsNoTracking().Where(c => c.LifetimeValue != null)
            .GroupBy(c => c.SegmentId)
            .Select(g => new SegmentEquity(g.Key, g.Count(), g.Sum(c => c.LifetimeValue!.Value)))
            .ToListAsync(cancellationToken);
        var byModel = await db.Customers.AsNoTracking().GroupBy(c => c.ValueModel).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var segmentKeys = await db.Segments.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Id, cancellationToken);

        PurchaseFitParameters? purchases = good.TryGetValue(CustomerValueScorer.PurchasesModel, out var purchaseFit) && purchaseFit.ParametersJson is { } pj
            ? JsonSerializer.Deserialize<PurchaseFitParameters>(pj, JsonOptions) : null;
        var retention = good.Where(g => g.Key.StartsWith(CustomerValueScorer.ContractModelPrefix, StringComparison.Ordinal) && g.Value.ParametersJson is not null)
            .Select(g =>
            {
                var key = g.Key[CustomerValueScorer.ContractModelPrefix.Length..];
                return new RetentionCurve(key, segmentKeys.TryGetValue(key, out var id) ? id : null, JsonSerializer.Deserialize<RetentionFitParameters>(g.Value.ParametersJson!, JsonOptions)!);
            })
            .OrderBy(r => r.SegmentKey == CustomerValueScorer.AllSegments ? 0 : 1).ThenBy(r => r.SegmentKey).ToList();
        ConversionFitParameters? conversion = good.TryGetValue(CustomerValueScorer.ConversionModel, out var conversionFit) && conversionFit.ParametersJson is { } cj
            ? JsonSerializer.Deserialize<ConversionFitParameters>(cj, JsonOptions) : null;

        return View(new CustomerValueViewModel
        {
            LatestFits = latest,
            History = fits.Take(30).ToList(),
            Equity = equity.OrderByDescending(e => e.Equity).ToList(),
            CustomersByModel = byModel.ToDictionary(m => m.Key?.ToString() ?? "", m => m.Count),
            Purchases = purchases,
            Retention = retention,
            Conversion = conversion,
            Running = status.Running,
            Progress = status.Progress,
            LastError = status.LastError,
            Queued = TempData["refit-queued"] is true,
        });
    }

    [HttpPost("refit")]
    [Authorize(Roles = Roles.Admin)]
    [ValidateAntiForgeryToken]
    public IActionResult Refit()
    {
        TempData["refit-queued"] = trigger.RequestRefit(User.Identity?.Name ?? "admin");
        return RedirectToAction(nameof(Index));
    }
}

public sealed record SegmentEquity(int? SegmentId, int Customers, decimal Equity);

/// <summary>A retention fit with the Kaplan–Meier estimate of the same customers' survival, term by term.</summary>
public sealed record RetentionCurve(string SegmentKey, int? SegmentId, RetentionFitParameters Fit)
{
    public ShiftedBetaGeometric Model => new(Fit.Alpha, Fit.Beta);

    /// <summary>S(t) observed: the product over terms of (1 − churned at t ÷ customers at risk at t), for t = 0..last term.</summary>
    public IReadOnlyList<double?> Observed()
    {
        var terms = Math.Max(Fit.ChurnedAfterTerm.Length, Fit.ActiveInTerm.Length) - 1;
        var result = new List<double?> { 1.0 };
        var survival = 1.0;
        for (var t = 1; t < terms; t++)
        {
            // At risk at the end of term t: everyone who reached term t and was not still in it.
            var atRisk = 0;
            for (var k = t; k <= terms; k++)
                atRisk += (k < Fit.ChurnedAfterTerm.Length ? Fit.ChurnedAfterTerm[k] : 0) + (k < Fit.ActiveInTerm.Length && k > t ? Fit.ActiveInTerm[k] : 0);
            var churned = t < Fit.ChurnedAfterTerm.Length ? Fit.ChurnedAfterTerm[t] : 0;
            if (atRisk == 0)
            {
                result.Add(null);
                continue;
            }
            survival *= 1 - (double)churned / atRisk;
            result.Add(survival);
        }
        return result;
    }
}

public sealed class CustomerValueViewModel
{
    public required IReadOnlyList<ValueFitRecord> LatestFits { get; init; }
    public required IReadOnlyList<ValueFitRecord> History { get; init; }
    public required IReadOnlyList<SegmentEquity> Equity { get; init; }
    public required IReadOnlyDictionary<string, int> CustomersByModel { get; init; }
    public PurchaseFitParameters? Purchases { get; init; }
    public required IReadOnlyList<RetentionCurve> Retention { get; init; }
    public ConversionFitParameters? Conversion { get; init; }
    public bool Running { get; init; }
    public int Progress { get; init; }
    public string? LastError { get; init; }
    public bool Queued { get; init; }
    public decimal TotalEquity => Equity.Sum(e => e.Equity);
}
