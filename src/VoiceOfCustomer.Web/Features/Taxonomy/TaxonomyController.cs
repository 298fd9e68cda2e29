using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Taxonomy;

/// <summary>
/// Taxonomy administration. Admins create, edit, archive, merge and accept; PMs may look and propose
/// capability gaps (the Admin-only actions carry a second, narrower Authorize, and both must pass).
/// </summary>
[Authorize(Roles = Roles.Admin + "," + Roles.ProductManager)]
[Route("taxonomy")]
public sealed class TaxonomyController(TaxonomyService taxonomy, VocDbContext db, UserManager<AppUser> users) : Controller
{
    [HttpGet("")]
    public IActionResult Index() => Redirect("/taxonomy/metrics");

    [HttpGet("{kind}")]
    public async Task<IActionResult> List(string kind, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        return await ListViewAsync(parsed, new TaxonomyInput { Polarity = nameof(MetricPolarity.HigherIsBetter) }, [], cancellationToken);
    }

    [HttpPost("{kind}")]
    [Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> Create(string kind, [FromForm] TaxonomyInput input, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        var result = await taxonomy.CreateAsync(parsed, input, users.GetUserId(User), cancellationToken);
        return result.Outcome == TaxonomyOutcome.Saved
            ? Redirect($"/taxonomy/{TaxonomyKinds.Slug(parsed)}/{result.Id}")
            : await ListViewAsync(parsed, input, result.Errors, cancellationToken);
    }

    [HttpPost("gaps/propose")]
    public async Task<IActionResult> Propose([FromForm] TaxonomyInput input, CancellationToken cancellationToken)
    {
        input.Key = null; // proposals get a slugged key; the Admin can merge if it clashes in meaning
        var result = await taxonomy.ProposeGapAsync(input, users.GetUserId(User), cancellationToken);
        return result.Outcome == TaxonomyOutcome.Saved
            ? Redirect($"/taxonomy/gaps/{result.Id}")
            : await ListViewAsync(TaxonomyKind.CapabilityGap, input, result.Errors, cancellationToken);
    }

    [HttpGet("{kind}/{id:int}")]
    public async Task<IActionResult> Entry(string kind, int id, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        return await EntryViewAsync(parsed, id, null, [], [], cancellationToken);
    }

    [HttpPost("{kind}/{id:int}")]
    [Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> Update(string kind, int id, [FromForm] TaxonomyInput input, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        var result = await taxonomy.UpdateAsync(parsed, id, input, users.GetUserId(User), cancellationToken);
        return await AfterAsync(parsed, id, result, input, cancellationToken);
    }

    [HttpPost("{kind}/{id:int}/archive")]
    [Authorize(Roles = Roles.Admin)]
    public Task<IActionResult> Archive(string kind, int id, CancellationToken cancellationToken) => ArchiveAsync(kind, id, true, cancellationToken);

    [HttpPost("{kind}/{id:int}/unarchive")]
    [Authorize(Roles = Roles.Admin)]
    public Task<IActionResult> Unarchive(string kind, int id, CancellationToken cancellationToken) => ArchiveAsync(kind, id, false, cancellationToken);

    [HttpPost("{kind}/{id:int}/merge")]
    [Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> Merge(string kind, int id, [FromForm] string? survivorId, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        // Bound as text so a tampered value is a field error, not a model-binding surprise.
        var result = int.TryParse(survivorId, out var survivor)
            ? await taxonomy.MergeAsync(parsed, id, survivor, users.GetUserId(User), cancellationToken)
            : TaxonomyResult.Invalid(new FieldError("survivorId", "Choose the entry to merge into."));
        if (result.Outcome == TaxonomyOutcome.Saved)
            return Redirect($"/taxonomy/{TaxonomyKinds.Slug(parsed)}/{id}");
        return await AfterAsync(parsed, id, result, null, cancellationToken);
    }

    [HttpPost("gaps/{id:int}/accept")]
    [Authorize(Roles = Roles.Admin)]
    public async Task<IActionResult> Accept(int id, CancellationToken cancellationToken)
    {
        var result = await taxonomy.AcceptGapAsync(id, users.GetUserId(User), cancellationToken);
        return await AfterAsync(TaxonomyKind.CapabilityGap, id, result, null, cancellationToken);
    }

    private async Task<IActionResult> ArchiveAsync(string kind, int id, bool archived, CancellationToken cancellationToken)
    {
        if (!TaxonomyKinds.TryParse(kind, out var parsed))
            return NotFound();
        var result = await taxonomy.SetArchivedAsync(parsed, id, archived, users.GetUserId(User), cancellationToken);
        return await AfterAsync(parsed, id, result, null, cancellationToken);
    }

    private async Task<IActionResult> AfterAsync(TaxonomyKind kind, int id, TaxonomyResult result, TaxonomyInput? input, CancellationToken cancellationToken) =>
        result.Outcome switch
        {
            TaxonomyOutcome.Saved => Redirect($"/taxonomy/{TaxonomyKinds.Slug(kind)}/{id}"),
            TaxonomyOutcome.NotFound => NotFound(),
            // Errors of the edit form go beside its fields; those of the buttons (status, merge) beside the buttons.
            _ => await EntryViewAsync(kind, id, input,
                input is null ? [] : result.Errors, input is null ? result.Errors : [], cancellationToken),
        };

    private async Task<IActionResult> ListViewAsync(TaxonomyKind kind, TaxonomyInput input, IReadOnlyList<FieldError> errors, CancellationToken cancellationToken)
    {
        if (errors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("List", new TaxonomyListViewModel
        {
            Kind = kind,
            Entries = await taxonomy.ListAsync(kind, cancellationToken),
            DomainNames = kind == TaxonomyKind.CapabilityGap
                ? await db.OwningDomains.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.DisplayName(), cancellationToken)
                : [],
            IsAdmin = User.IsInRole(Roles.Admin),
            VoiceCounts = await VoiceCountsAsync(kind, cancellationToken),
            Form = new TaxonomyFormModel
            {
                Kind = kind,
                Input = input,
                Errors = TaxonomyFormModel.ToDictionary(errors),
                Domains = await DomainsAsync(cancellationToken),
                IdPrefix = "new",
                ShowKey = User.IsInRole(Roles.Admin),
            },
        });
    }

    private async Task<IActionResult> EntryViewAsync(TaxonomyKind kind, int id, TaxonomyInput? input, IReadOnlyList<FieldError> formErrors,
        IReadOnlyList<FieldError> actionErrors, CancellationToken cancellationToken)
    {
        var entry = await taxonomy.GetAsync(kind, id, cancellationToken);
        if (entry is null)
            return NotFound();
        if (formErrors.Count > 0 || actionErrors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        var all = await taxonomy.ListAsync(kind, cancellationToken);
        var history = await taxonomy.HistoryAsync(kind, id, cancellationToken);
        return View("Entry", new TaxonomyEntryViewModel
        {
            Kind = kind,
            Entry = entry,
            IsAdmin = User.IsInRole(Roles.Admin),
            Survivors = all.Where(e => e.Id != id && !e.IsArchived && e.MergedIntoId is null
                && e is not CapabilityGap { Status: CapabilityGapStatus.Proposed }).ToList(),
            MergedInto = all.FirstOrDefault(e => e.Id == entry.MergedIntoId),
            History = history,
            UserNames = await UserNames.ForAsync(db, history.Select(c => c.ChangedById).Append((entry as CapabilityGap)?.ProposedById), cancellationToken),
            ActionErrors = TaxonomyFormModel.ToDictionary(actionErrors),
            Form = new TaxonomyFormModel
            {
                Kind = kind,
                Input = input ?? ToInput(entry),
                Errors = TaxonomyFormModel.ToDictionary(formErrors),
                Domains = await DomainsAsync(cancellationToken),
                IdPrefix = "edit",
            },
        });
    }

    /// <summary>Coded voices per entry, counted as the feedback list's filter by that entry finds them (draft codings included).</summary>
    private async Task<Dictionary<int, int>> VoiceCountsAsync(TaxonomyKind kind, CancellationToken cancellationToken)
    {
        var attributions = db.Attributions.AsNoTracking();
        var ids = kind switch
        {
            TaxonomyKind.Metric => attributions.Where(a => a.BusinessMetricId != null).Select(a => a.BusinessMetricId!.Value),
            TaxonomyKind.CapabilityGap => attributions.Where(a => a.CapabilityGapId != null).Select(a => a.CapabilityGapId!.Value),
            TaxonomyKind.Domain => attributions.Where(a => a.OwningDomainId != null).Select(a => a.OwningDomainId!.Value),
            _ => db.AttributionTags.AsNoTracking().Select(t => t.TagId),
        };
        return await ids.GroupBy(id => id).Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Id, g => g.Count, cancellationToken);
    }

    private Task<List<OwningDomain>> DomainsAsync(CancellationToken cancellationToken) =>
        db.OwningDomains.AsNoTracking().Where(d => !d.IsArchived).OrderBy(d => d.Name).ToListAsync(cancellationToken);

    private static TaxonomyInput ToInput(TaxonomyEntry entry) => new()
    {
        Key = entry.Key,
        Name = entry.Name,
        NameZh = entry.NameZh,
        Description = entry.Description,
        DefaultUnit = (entry as BusinessMetric)?.DefaultUnit,
        Polarity = (entry as BusinessMetric)?.Polarity.ToString(),
        OwningDomainId = (entry as CapabilityGap)?.OwningDomainId,
        OwnerName = (entry as OwningDomain)?.OwnerName,
        OwnerEmail = (entry as OwningDomain)?.OwnerEmail,
    };
}
