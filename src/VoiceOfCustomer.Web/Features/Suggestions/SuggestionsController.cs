using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.Web.Features.Suggestions;

/// <summary>The suggestion feedback loop for Admins: the model in use, acceptance over time and per version, "retrain now".</summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/suggestions")]
public sealed class SuggestionsController(SuggestionReports reports, IStringLocalizer<SharedResource> t) : Controller
{
    internal const string FlashKey = "SuggestionsFlash";
    internal const string FlashErrorKey = "SuggestionsFlashError";

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] SuggestionsQuery query, CancellationToken cancellationToken)
    {
        var versions = await reports.KnownVersionsAsync(cancellationToken);
        var llm = HttpContext.RequestServices.GetService<LlmRefinementService>();
        var parsed = SuggestionsQuery.Parse(query, versions, t);
        if (parsed.Errors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(new SuggestionsPageViewModel
        {
            Query = parsed,
            Errors = parsed.Errors.Select(e => e.Message).ToList(),
            Current = await reports.CurrentModelAsync(cancellationToken),
            Acceptance = await reports.AcceptanceAsync(parsed.Weeks, parsed.Filter, cancellationToken),
            ByVersion = await reports.ByVersionAsync(parsed.Filter, cancellationToken),
            Models = await reports.ModelsAsync(parsed.Page, cancellationToken),
            Versions = versions,
            RetrainAvailable = HttpContext.RequestServices.GetService<ISuggestionTrainingTrigger>() is not null,
            Training = HttpContext.RequestServices.GetService<SuggestionTrainingStatus>(),
            Llm = llm?.CurrentStatus(),
            LlmToday = llm is null ? null : await llm.TodayAsync(cancellationToken),
        });
    }

    /// <summary>The weekly acceptance table; a bad parameter is a 400 naming it, since a file cannot show a warning.</summary>
    [HttpGet("acceptance.csv")]
    public async Task<IActionResult> AcceptanceCsv([FromQuery] SuggestionsQuery query, CancellationToken cancellationToken)
    {
        var parsed = SuggestionsQuery.Parse(query, await reports.KnownVersionsAsync(cancellationToken), t);
        if (parsed.Errors.Count > 0)
        {
            // A fresh dictionary: the bound query already holds "Weeks" etc., which would rename the keys.
            var errors = new ModelStateDictionary();
            foreach (var error in parsed.Errors)
                errors.AddModelError(error.Parameter, error.Message);
            return ValidationProblem(errors);
        }
        var report = await reports.AcceptanceAsync(parsed.Weeks, parsed.Filter, cancellationToken);
        var stamp = string.Create(CultureInfo.InvariantCulture, $"{report.From:yyyyMMdd}-{report.To:yyyyMMdd}");
        return File(SuggestionReports.AcceptanceCsv(report), "text/csv; charset=utf-8", $"suggestion-acceptance-{stamp}.csv");
    }

    [HttpPost("retrain")]
    [ValidateAntiForgeryToken]
    public IActionResult Retrain()
    {
        // Optional: the trainer may be switched off or not part of this host; say so rather than fail.
        var trigger = HttpContext.RequestServices.GetService<ISuggestionTrainingTrigger>();
        if (trigger is null)
            TempData[FlashErrorKey] = t["Retraining is not available: the background trainer is not running in this app."].Value;
        else
        {
            trigger.RequestRetrain();
            TempData[FlashKey] = t["Retraining requested. The new model appears here once the background trainer has finished."].Value;
        }
        return Redirect("/admin/suggestions");
    }
}
