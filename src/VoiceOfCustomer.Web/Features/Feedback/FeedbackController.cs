using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Sla;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Feedback;

[Authorize]
[Route("feedback")]
public sealed class FeedbackController(FeedbackQueries queries, ChannelCatalog channels, VocDbContext db, VoiceOfCustomer.Sla.SlaReports sla, IStringLocalizer<SharedResource> t) : Controller
{
    // Indented, and not escaping non-ASCII so Chinese stays readable; Razor HTML-encodes the result anyway.
    private static readonly JsonSerializerOptions PrettyJson = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] FeedbackListQuery query, CancellationToken cancellationToken)
    {
        var keys = await channels.KeysAsync(cancellationToken);
        var errors = new List<string>();
        var choices = await FeedbackFilterChoices.LoadAsync(db, cancellationToken);
        var customers = await query.ResolveCustomersAsync(queries, errors, t, cancellationToken);
        var filter = query.ToFilter(keys, choices, errors, t) with { CustomerIds = customers?.Customers.Select(c => c.Id).ToList() };

        FeedbackCursor? cursor = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            if (FeedbackCursor.TryDecode(query.Cursor, out var decoded))
                cursor = decoded;
            else
                errors.Add(t["The page link is not valid (it may have been cut short); showing the first page instead."]);
        }

        var page = await queries.ListAsync(filter, cursor, FeedbackListViewModel.PageSize, cancellationToken);
        var databaseIsEmpty = page.Items.Count == 0 && !await db.FeedbackItems.AnyAsync(cancellationToken);

        return View(new FeedbackListViewModel
        {
            Query = query,
            Items = page.Items,
            ChannelKeys = keys,
            Choices = choices,
            Customers = customers,
            Errors = errors,
            NextCursor = page.NextCursor,
            IsLaterPage = cursor is not null,
            DatabaseIsEmpty = databaseIsEmpty,
        });
    }

    [HttpGet("{id:long}")]
    public async Task<IActionResult> Details(long id, CancellationToken cancellationToken)
    {
        var item = await queries.GetAsync(id, cancellationToken);
        if (item is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return View("NotFound", id);
        }
        var breachedAt = await db.FeedbackItems.AsNoTracking().Where(f => f.Id == id).Select(f => f.SlaBreachedAt).FirstOrDefaultAsync(cancellationToken);
        var escalations = await sla.EscalationsAsync(new VoiceOfCustomer.Sla.EscalationFilter { FeedbackItemId = id }, null, VoiceOfCustomer.Sla.SlaReports.MaxPageSize, cancellationToken);
        return View(new FeedbackDetailViewModel
        {
            Item = item,
            Sla = new SlaPanelModel
            {
                DueAt = item.AttributionDueAt,
                BreachedAt = breachedAt,
                Paused = item.Status == FeedbackStatus.AwaitingCustomer,
                Done = item.Status is FeedbackStatus.Attributed or FeedbackStatus.Duplicate,
                Now = sla.Now,
                Escalations = escalations.Items,
            },
            CodedNames = await TaxonomyNames.ForAsync(db, item.Attribution, cancellationToken),
            MetadataPretty = Pretty(item.MetadataJson),
        });
    }

    private static string? Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, PrettyJson);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
