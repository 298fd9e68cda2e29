using VoiceOfCustomer.Web.Infrastructure;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Suggestions;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Features.Coding;

/// <summary>The CSM's workbench: the queue by deadline, and one item's coding form beside its verbatim.</summary>
[Authorize(Roles = Roles.Admin + "," + Roles.Csm)]
[Route("coding")]
public sealed class CodingController(
    CodingQueueQueries queue,
    FeedbackQueries feedback,
    AttributionService attributions,
    ChannelCatalog channels,
    UserManager<AppUser> users,
    VocDbContext db,
    SuggestionService suggestions,
    IOptions<SuggestionOptions> suggestionOptions,
    TimeProvider time,
    IStringLocalizer<SharedResource> t) : Controller
{
    private const string FlashKey = "CodingFlash";
    private const string FlashErrorKey = "CodingFlashError";

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] CodingQueueQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var keys = await channels.KeysAsync(cancellationToken);
        var segments = (await db.Segments.AsNoTracking().Where(s => !s.IsArchived).ToListAsync(cancellationToken))
            .Select(s => new NamedOption(s.Id, s.DisplayName())).OrderByDisplay(s => s.Name).ToList();
        var csms = await UserOption.CsmsAsync(users);
        var me = users.GetUserId(User) ?? "";

        string? channel = null;
        if (!string.IsNullOrWhiteSpace(query.Channel))
        {
            channel = keys.FirstOrDefault(k => string.Equals(k, query.Channel.Trim(), StringComparison.OrdinalIgnoreCase));
            if (channel is null)
                errors.Add(t["There is no channel \"{0}\"; the channel filter was ignored.", query.Channel.Trim()]);
        }
        var segmentId = PositiveId(query.Segment, "\"{0}\" is not a segment id (a positive whole number); the segment filter was ignored.", errors);
        var customerId = PositiveId(query.Customer, "\"{0}\" is not a customer id (a positive whole number); the customer filter was ignored.", errors);
        string? owner = null;
        if (query.Mine)
            owner = me;
        else if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            owner = csms.FirstOrDefault(c => c.Id == query.Owner.Trim())?.Id;
            if (owner is null)
                errors.Add("That owner is not a CSM; the owner filter was ignored.");
        }
        if (query.Mine && query.Unassigned)
            errors.Add("\"Mine\" and \"unassigned\" exclude each other; showing unassigned items.");
        var language = string.IsNullOrWhiteSpace(query.Lang) ? null : query.Lang.Trim();
        if (language is { Length: > FeedbackItem.LanguageMaxLength })
        {
            errors.Add("That is not a language tag such as en or zh; the language filter was ignored.");
            language = null;
        }

        CodingQueueCursor? cursor = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            if (CodingQueueCursor.TryDecode(query.Cursor, out var decoded))
                cursor = decoded;
            else
                errors.Add("The page link is not valid (it may have been cut short); showing the first page instead.");
        }

        var filter = new CodingQueueFilter
        {
            Channel = channel,
            SegmentId = segmentId,
            CustomerId = customerId,
            OwnerCsmId = owner,
            Unassigned = query.Unassigned,
            Language = language,
        };
        var page = await queue.ListAsync(filter, cursor, CodingQueueViewModel.PageSize, cancellationToken);
        var names = await UserNames.ForAsync(db, page.Items.Select(i => i.OwnerCsmId), cancellationToken);

        return View(new CodingQueueViewModel
        {
            Query = query,
            Items = page.Items,
            ChannelKeys = keys,
            Segments = segments,
            Csms = csms,
            UserNames = names,
            Errors = errors,
            NextCursor = page.NextCursor,
            IsLaterPage = cursor is not null,
            Now = time.GetUtcNow().UtcDateTime,
            CurrentUserId = me,
        });
    }

    [HttpGet("{id:long}")]
    public async Task<IActionResult> Code(long id, CancellationToken cancellationToken)
    {
        var item = await feedback.GetAsync(id, cancellationToken);
        if (item is null)
            return ItemNotFound(id);
        var snapshot = await attributions.SnapshotAsync(id, cancellationToken);
        return View("Code", await PageAsync(item, CodingForm.From(snapshot, item.Contact?.Role), cancellationToken));
    }

    [HttpPost("{id:long}")]
    public async Task<IActionResult> Code(long id, [FromForm] CodingForm form, CancellationToken cancellationToken)
    {
        var item = await feedback.GetAsync(id, cancellationToken);
        if (item is null)
            return ItemNotFound(id);

        var parseErrors = new List<FieldError>();
        var input = form.ToInput(parseErrors);
        if (parseErrors.Count > 0)
            return Invalid(await PageAsync(item, form, cancellationToken, parseErrors));

        var result = await attributions.SaveAsync(id, input, users.GetUserId(User), cancellationToken);
        switch (result.Outcome)
        {
            case CodingOutcome.NotFound:
                return ItemNotFound(id);
            case CodingOutcome.Invalid:
                return Invalid(await PageAsync(item, form, cancellationToken, result.Errors));
            case CodingOutcome.Conflict:
                // The form keeps the user's values but now carries the colleague's version: a second, deliberate
                // submit overwrites what they saved.
                var readVersion = form.Version;
                form.Version = result.Current?.Version ?? 0;
                var page = await PageAsync(item, form, cancellationToken, result.Errors.Where(e => e.Field != "version").ToList());
                Response.StatusCode = StatusCodes.Status409Conflict;
                return View("Code", WithConflict(page, result.Current, readVersion));
        }

        if (!form.IsSubmit)
        {
            TempData[FlashKey] = "Draft saved.";
            return Redirect($"/coding/{id}");
        }
        var next = await queue.ListAsync(new CodingQueueFilter(), null, 1, cancellationToken);
        TempData[FlashKey] = next.Items.Count > 0
            ? t["Item #{0} submitted. Here is the next item with the soonest deadline.", id].Value
            : t["Item #{0} submitted. The queue is clear.", id].Value;
        return Redirect(next.Items.Count > 0 ? $"/coding/{next.Items[0].Id}" : "/coding");
    }

    [HttpPost("{id:long}/awaiting-customer")]
    public async Task<IActionResult> AwaitingCustomer(long id, [FromForm] string? note, CancellationToken cancellationToken) =>
        AfterChange(id, await attributions.MarkAwaitingCustomerAsync(id, note, users.GetUserId(User), cancellationToken),
            "Marked as waiting for the customer; the deadline is paused.");

    [HttpPost("{id:long}/reopen")]
    public async Task<IActionResult> Reopen(long id, [FromForm] string? reason, CancellationToken cancellationToken) =>
        AfterChange(id, await attributions.ReopenAsync(id, reason, users.GetUserId(User), cancellationToken), "Re-opened for coding.");

    [HttpPost("{id:long}/merge")]
    public async Task<IActionResult> Merge(long id, [FromForm] string? duplicateOf, CancellationToken cancellationToken)
    {
        var text = duplicateOf?.Trim().TrimStart('#');
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var survivorId) || survivorId <= 0)
        {
            if (!await db.FeedbackItems.AnyAsync(f => f.Id == id, cancellationToken))
                return ItemNotFound(id);
            TempData[FlashErrorKey] = "Give the number of the item this one duplicates, e.g. 1234.";
            return Redirect($"/coding/{id}");
        }
        return AfterChange(id, await attributions.MergeAsync(id, survivorId, users.GetUserId(User), cancellationToken),
            t["Merged as a duplicate of #{0}.", survivorId]);
    }

    [HttpPost("{id:long}/claim")]
    public async Task<IActionResult> Claim(long id, [FromForm] string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await db.FeedbackItems.AnyAsync(f => f.Id == id, cancellationToken))
            return ItemNotFound(id);
        var me = users.GetUserId(User)!;
        var changed = await attributions.AssignAsync([id], me, me, cancellationToken);
        TempData[FlashKey] = (changed > 0 ? t["Item #{0} is yours now.", id] : t["Item #{0} was already yours.", id]).Value;
        return Redirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/coding");
    }

    [HttpPost("assign")]
    public async Task<IActionResult> Assign([FromForm] List<string>? ids, [FromForm] string? csm, [FromForm] string? returnUrl, CancellationToken cancellationToken)
    {
        var back = Url.IsLocalUrl(returnUrl) ? returnUrl : "/coding";
        var itemIds = new List<long>();
        foreach (var text in ids ?? [])
        {
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var itemId))
                itemIds.Add(itemId);
        }
        var target = (await UserOption.CsmsAsync(users)).FirstOrDefault(c => c.Id == csm?.Trim());
        if (itemIds.Count == 0)
            TempData[FlashErrorKey] = "Tick at least one item to assign.";
        else if (target is null)
            TempData[FlashErrorKey] = "Choose the CSM to assign the items to.";
        else
        {
            var changed = await attributions.AssignAsync(itemIds.Distinct().ToList(), target.Id, users.GetUserId(User), cancellationToken);
            TempData[FlashKey] = t["{0} item(s) assigned to {1}.", changed, target.Name].Value;
        }
        return Redirect(back);
    }

    private IActionResult AfterChange(long id, CodingResult result, string success)
    {
        if (result.Outcome == CodingOutcome.NotFound)
            return ItemNotFound(id);
        if (result.Outcome == CodingOutcome.Saved)
            TempData[FlashKey] = success;
        else
            TempData[FlashErrorKey] = string.Join(" ", result.Errors.Select(t.Localize));
        return Redirect($"/coding/{id}");
    }

    private ViewResult Invalid(CodingPageViewModel page)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return View("Code", page);
    }

    private ViewResult ItemNotFound(long id)
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return View("~/Features/Feedback/NotFound.cshtml", id);
    }

    private static CodingPageViewModel WithConflict(CodingPageViewModel page, AttributionSnapshot? current, int readVersion) => new()
    {
        Item = page.Item, Form = page.Form, Metrics = page.Metrics, Gaps = page.Gaps, Domains = page.Domains, Tags = page.Tags,
        Recent = page.Recent, Audit = page.Audit, OwnerName = page.OwnerName, AwaitingCustomerNote = page.AwaitingCustomerNote,
        AwaitingCustomerSince = page.AwaitingCustomerSince, Suggestions = page.Suggestions, Errors = page.Errors, Conflict = current, ConflictReadVersion = readVersion,
        Stored = current is null ? null : CodingForm.From(current, page.Item.Contact?.Role),
    };

    private async Task<CodingPageViewModel> PageAsync(FeedbackDetail item, CodingForm form, CancellationToken cancellationToken, IReadOnlyList<FieldError>? errors = null)
    {
        // Offer only current entries, plus whatever this record already points at so a draft never loses its value.
        var chosenMetric = ParseInt(form.MetricId);
        var chosenGap = ParseInt(form.CapabilityGapId);
        var chosenDomain = ParseInt(form.OwningDomainId);
        // Key and Chinese name come along so the suggestion panel needs no query of its own.
        var metricRows = await db.BusinessMetrics.AsNoTracking()
            .Where(m => (!m.IsArchived && m.MergedIntoId == null) || m.Id == chosenMetric).OrderBy(m => m.Name)
            .Select(m => new OptionRow(m.Id, m.Key, m.Name, m.NameZh, m.DefaultUnit)).ToListAsync(cancellationToken);
        var gapRows = await db.CapabilityGaps.AsNoTracking()
            .Where(g => (!g.IsArchived && g.MergedIntoId == null) || g.Id == chosenGap).OrderBy(g => g.Name)
            .Select(g => new OptionRow(g.Id, g.Key, g.Name, g.NameZh, g.Status == VoiceOfCustomer.Taxonomy.CapabilityGapStatus.Proposed ? "proposed" : null)).ToListAsync(cancellationToken);
        var domainRows = await db.OwningDomains.AsNoTracking()
            .Where(d => (!d.IsArchived && d.MergedIntoId == null) || d.Id == chosenDomain).OrderBy(d => d.Name)
            .Select(d => new OptionRow(d.Id, d.Key, d.Name, d.NameZh, null)).ToListAsync(cancellationToken);
        var tagRows = await db.Tags.AsNoTracking().Where(t => !t.IsArchived && t.MergedIntoId == null).OrderBy(t => t.Name)
            .Select(t => new OptionRow(t.Id, t.Key, t.Name, t.NameZh, null)).ToListAsync(cancellationToken);
        var metrics = Options(metricRows);
        var gaps = Options(gapRows);
        var domains = Options(domainRows);
        var tags = Options(tagRows);
        // A read-only item gets no suggestions: there is nothing to fill, and showing them would count as a suggestion shown.
        var readOnly = item.Status is FeedbackStatus.Attributed or FeedbackStatus.Duplicate;
        var panel = readOnly ? SuggestionPanel.Off : await SuggestionPanelAsync(item, metricRows, gapRows, domainRows, tagRows, cancellationToken);

        var recent = await db.FeedbackItems.AsNoTracking()
            .Where(f => f.CustomerId == item.Customer.Id && f.Id != item.Id)
            .OrderByDescending(f => f.ReceivedAt).ThenByDescending(f => f.Id).Take(5)
            .Select(f => new RecentItem(f.Id, f.Verbatim.Substring(0, 120), f.Language, f.Status, f.ReceivedAt))
            .ToListAsync(cancellationToken);
        var waiting = await db.FeedbackItems.AsNoTracking().Where(f => f.Id == item.Id)
            .Select(f => new { f.AwaitingCustomerNote, f.AwaitingCustomerSince }).FirstAsync(cancellationToken);

        var entries = await db.AttributionAuditEntries.AsNoTracking().Where(e => e.FeedbackItemId == item.Id)
            .OrderByDescending(e => e.ChangedAt).ThenByDescending(e => e.Id).Take(50).ToListAsync(cancellationToken);
        var ids = CodingAudit.IdsIn(entries.SelectMany(e => new[] { e.BeforeJson, e.AfterJson }));
        var names = await UserNames.ForAsync(db, entries.Select(e => e.ChangedById).Append(item.OwnerCsmId).Concat(ids.Users), cancellationToken);
        var history = new CodingAudit(t, await TaxonomyNames.ForAsync(db, ids.Metrics, ids.Gaps, ids.Domains, ids.Tags, cancellationToken), names);
        var audit = entries.Select(e => new AuditRow(e.ChangedAt,
            e.ChangedById is null ? t["system"] : names.GetValueOrDefault(e.ChangedById, e.ChangedById),
            e.Action, history.Summarise(e.BeforeJson, e.AfterJson))).ToList();

        return new CodingPageViewModel
        {
            Item = item,
            Form = form,
            Metrics = metrics,
            Gaps = gaps,
            Domains = domains,
            Tags = tags,
            Recent = recent,
            Audit = audit,
            OwnerName = item.OwnerCsmId is null ? null : names.GetValueOrDefault(item.OwnerCsmId, item.OwnerCsmId),
            AwaitingCustomerNote = waiting.AwaitingCustomerNote,
            AwaitingCustomerSince = waiting.AwaitingCustomerSince,
            Suggestions = panel,
            Errors = errors ?? [],
        };
    }

    private sealed record OptionRow(int Id, string Key, string Name, string? NameZh, string? Hint)
    {
        public string DisplayName => DisplayNames.Of(Name, NameZh);
    }

    /// <summary>The form's choices in the UI's language, in the order that language sorts them.</summary>
    private static List<NamedOption> Options(List<OptionRow> rows) =>
        rows.Select(r => new NamedOption(r.Id, r.DisplayName, r.Hint)).OrderByDisplay(o => o.Name).ToList();

    /// <summary>
    /// The model's suggestions mapped onto the form's own inputs. A value the form does not offer (an archived or
    /// merged entry) is left out, since it could not be accepted.
    /// </summary>
    private async Task<SuggestionPanel> SuggestionPanelAsync(FeedbackDetail item, List<OptionRow> metrics, List<OptionRow> gaps,
        List<OptionRow> domains, List<OptionRow> tags, CancellationToken cancellationToken)
    {
        if (!suggestionOptions.Value.Enabled)
            return SuggestionPanel.Off;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var shown = await suggestions.SuggestAsync(item.Id, item.Verbatim, SuggestionService.IsOpen(item.Status), users.GetUserId(User), cancellationToken);
        var byKey = new Dictionary<SuggestionField, Dictionary<string, OptionRow>>
        {
            [SuggestionField.BusinessMetric] = metrics.ToDictionary(r => r.Key, StringComparer.Ordinal),
            [SuggestionField.CapabilityGap] = gaps.ToDictionary(r => r.Key, StringComparer.Ordinal),
            [SuggestionField.OwningDomain] = domains.ToDictionary(r => r.Key, StringComparer.Ordinal),
            [SuggestionField.Tags] = tags.ToDictionary(r => r.Key, StringComparer.Ordinal),
        };
        SuggestionValueView? View(SuggestionField field, SuggestedValue value)
        {
            if (field == SuggestionField.ValueDimension)
            {
                var dimension = CodingPageViewModel.ValueDimensions.FirstOrDefault(d => string.Equals(d.Dimension.ToString(), value.Value, StringComparison.OrdinalIgnoreCase));
                return dimension.Value is null ? null : new(value.Value, t.Label(dimension.Dimension), "c-dim-" + dimension.Value, dimension.Value, value.Confidence);
            }
            if (!byKey[field].TryGetValue(value.Value, out var row))
                return null;
            var label = row.DisplayName;
            var target = field switch
            {
                SuggestionField.BusinessMetric => "c-metric",
                SuggestionField.CapabilityGap => "c-gap",
                SuggestionField.OwningDomain => "c-domain",
                _ => "c-tag-" + row.Id.ToString(CultureInfo.InvariantCulture),
            };
            return new(row.Key, label, target, row.Id.ToString(CultureInfo.InvariantCulture), value.Confidence);
        }
        var fields = shown.Select(s => new SuggestionFieldView(s.Field, s.Source, s.ModelVersion,
            s.Ranked.Select(v => View(s.Field, v)).OfType<SuggestionValueView>().ToList(), s.Abstained)).ToList();
        // What the suggestions add to the form, apart from the rest of the page (dev tools and the benchmark read it).
        ServerTimingMiddleware.AddMetric(Response, "suggest", System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return new SuggestionPanel { Enabled = true, HasModel = shown.Count > 0, Fields = fields };
    }

    /// <summary>Parses a positive id; otherwise adds the localized message (<paramref name="message"/> has {0} for the text).</summary>
    private int? PositiveId(string? text, string message, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            return id;
        errors.Add(t[message, text.Trim()]);
        return null;
    }

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
