using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Sla;

/// <summary>SLA views for every signed-in role: compliance report, breached items, escalations, calendars (Admins edit).</summary>
[Authorize]
[Route("sla")]
public sealed class SlaController(
    SlaReports reports, BusinessCalendarService calendars, BusinessCalendarRegistry registry, ChannelCatalog channels,
    VocDbContext db, UserManager<AppUser> users, TimeProvider time, IStringLocalizer<SharedResource> t) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] SlaRangeQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var (from, to) = Range(query, errors);
        var report = await reports.ComplianceAsync(from, to, cancellationToken);
        return View("Report", new ComplianceViewModel { Report = report, Errors = errors });
    }

    [HttpGet("export/{table}")]
    public async Task<IActionResult> Export(string table, [FromQuery] SlaRangeQuery query, CancellationToken cancellationToken)
    {
        // A file cannot show a warning: a date that cannot be used is a 400 naming it (the page shows the same as a message).
        var refused = new ModelStateDictionary();
        foreach (var (field, label, text) in new[] { ("from", "date range|From", query.From), ("to", "date range|To", query.To) })
        {
            var errors = new List<string>();
            SlaRangeQuery.ParseDate(text, label, errors, t);
            foreach (var error in errors)
                refused.AddModelError(field, error);
        }
        if (!refused.IsValid)
            return ValidationProblem(refused);
        var (from, to) = Range(query, []);
        var stamp = string.Create(CultureInfo.InvariantCulture, $"{from:yyyyMMdd}-{to:yyyyMMdd}");
        string Pct(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";
        IReadOnlyList<string?> Counts(ComplianceCounts c) =>
        [
            c.Total.ToString(CultureInfo.InvariantCulture), c.Met.ToString(CultureInfo.InvariantCulture),
            c.Breached.ToString(CultureInfo.InvariantCulture), c.OpenWithinSla.ToString(CultureInfo.InvariantCulture),
            c.Paused.ToString(CultureInfo.InvariantCulture), Pct(c.CompliancePercent),
        ];
        string[] countHeader = ["total", "met", "breached", "open_within_sla", "paused", "compliance_percent"];

        List<IReadOnlyList<string?>> rows;
        switch (table)
        {
            case "weeks":
            {
                var report = await reports.ComplianceAsync(from, to, cancellationToken);
                rows = [["iso_week", "week_start", .. countHeader]];
                rows.AddRange(report.Weeks.Select(w => (IReadOnlyList<string?>)[w.Label, w.WeekStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), .. Counts(w.Counts)]));
                break;
            }
            case "csms":
            case "segments":
            {
                var report = await reports.ComplianceAsync(from, to, cancellationToken);
                var groups = table == "csms" ? report.ByCsm : report.BySegment;
                rows = [[table == "csms" ? "csm" : "segment", .. countHeader]];
                rows.AddRange(groups.Select(g => (IReadOnlyList<string?>)[g.Key is null ? (table == "csms" ? "(unassigned)" : "(no segment)") : g.Name, .. Counts(g.Counts)]));
                break;
            }
            case "breached":
            {
                var now = reports.Now;
                rows = [["id", "customer", "segment", "channel", "owner_csm", "status", "due_at_utc", "breached_at_utc", "overdue_hours", "paused"]];
                var names = new Dictionary<string, string>();
                SlaCursor? cursor = null;
                // Every breached item, read a page at a time so memory stays flat.
                for (var page = 0; page < 1000; page++)
                {
                    var result = await reports.BreachedAsync(new BreachedFilter(), cursor, SlaReports.MaxPageSize, cancellationToken);
                    foreach (var (id, name) in await UserNames.ForAsync(db, result.Items.Select(i => i.OwnerCsmId).Where(i => i is not null && !names.ContainsKey(i)), cancellationToken))
                        names[id] = name;
                    rows.AddRange(result.Items.Select(i => (IReadOnlyList<string?>)
                    [
                        i.Id.ToString(CultureInfo.InvariantCulture), i.CustomerName, i.Segment, i.Channel,
                        i.OwnerCsmId is null ? "" : names.GetValueOrDefault(i.OwnerCsmId, i.OwnerCsmId), i.Status.ToString(),
                        i.DueAt.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                        i.SlaBreachedAt?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                        i.OverdueBy(now).TotalHours.ToString("0.0", CultureInfo.InvariantCulture), i.Paused ? "yes" : "no",
                    ]));
                    if (result.NextCursor is null || !SlaCursor.TryDecode(result.NextCursor, out var next))
                        break;
                    cursor = next;
                }
                stamp = now.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
                break;
            }
            default:
                return NotFound();
        }
        return File(SlaCsv.Write(rows), "text/csv; charset=utf-8", $"sla-{table}-{stamp}.csv");
    }

    [HttpGet("breached")]
    public async Task<IActionResult> Breached([FromQuery] BreachedQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        int? segmentId = null;
        if (!string.IsNullOrWhiteSpace(query.Segment))
        {
            if (int.TryParse(query.Segment.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                segmentId = id;
            else
                errors.Add(t["'{0}' is not a segment; the segment filter was ignored.", query.Segment.Trim()]);
        }
        var keys = await channels.KeysAsync(cancellationToken);
        var channel = string.IsNullOrWhiteSpace(query.Channel) ? null : query.Channel.Trim();
        if (channel is not null && !keys.Contains(channel, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(t["'{0}' is not a channel; the channel filter was ignored.", channel]);
            channel = null;
        }
        var cursor = PageCursor(query.Cursor, errors);
        var filter = new BreachedFilter { SegmentId = segmentId, OwnerCsmId = string.IsNullOrWhiteSpace(query.Owner) ? null : query.Owner.Trim(), Channel = channel };
        var page = await reports.BreachedAsync(filter, cursor, BreachedViewModel.PageSize, cancellationToken);
        return View(new BreachedViewModel
        {
            Query = query,
            Items = page.Items,
            Segments = (await db.Segments.AsNoTracking().ToListAsync(cancellationToken)).Select(s => new NamedOption(s.Id, s.DisplayName())).OrderByDisplay(s => s.Name).ToList(),
            Csms = await UserOption.CsmsAsync(users),
            ChannelKeys = keys,
            UserNames = await UserNames.ForAsync(db, page.Items.Select(i => i.OwnerCsmId), cancellationToken),
            Errors = errors,
            Now = reports.Now,
            NextCursor = page.NextCursor,
            IsLaterPage = cursor is not null,
        });
    }

    [HttpGet("escalations")]
    public async Task<IActionResult> Escalations([FromQuery] EscalationsQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        SlaEscalationLevel? level = null;
        if (!string.IsNullOrWhiteSpace(query.Level))
        {
            if (Enum.TryParse<SlaEscalationLevel>(query.Level.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
                level = parsed;
            else
                errors.Add(t["'{0}' is not a level; the level filter was ignored.", query.Level.Trim()]);
        }
        var from = SlaRangeQuery.ParseDate(query.From, "date range|From", errors, t);
        var to = SlaRangeQuery.ParseDate(query.To, "date range|To", errors, t);
        var cursor = PageCursor(query.Cursor, errors);
        var page = await reports.EscalationsAsync(new EscalationFilter { Level = level, From = from, To = to }, cursor, EscalationsViewModel.PageSize, cancellationToken);
        return View(new EscalationsViewModel { Query = query, Items = page.Items, Errors = errors, NextCursor = page.NextCursor, IsLaterPage = cursor is not null });
    }

    [HttpGet("calendars")]
    public async Task<IActionResult> Calendars(CancellationToken cancellationToken) =>
        View(new CalendarListViewModel { Calendars = await calendars.ListAsync(cancellationToken) });

    [HttpGet("calendars/{key}")]
    public async Task<IActionResult> Calendar(string key, bool saved, CancellationToken cancellationToken)
    {
        var record = await calendars.GetAsync(key, cancellationToken);
        if (record is null)
            return NotFound();
        var (parsed, _) = BusinessCalendarFormat.FromRecord(record);
        var input = new BusinessCalendarInput(record.Name, record.TimeZoneId,
            parsed is null ? "" : BusinessCalendarFormat.HoursToText(parsed.Hours),
            parsed is null ? "" : BusinessCalendarFormat.HolidaysToText(parsed.Holidays));
        return CalendarView(record, input, [], saved);
    }

    [HttpPost("calendars/{key}")]
    [Authorize(Roles = Roles.Admin)]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> SaveCalendar(string key, [FromForm] string? name, [FromForm] string? timeZone, [FromForm] string? hours,
        [FromForm] string? holidays, CancellationToken cancellationToken)
    {
        var input = new BusinessCalendarInput(name, timeZone, hours, holidays);
        var result = await calendars.UpdateAsync(key, input, cancellationToken);
        if (result.NotFound)
            return NotFound();
        if (result.Saved)
            return Redirect($"/sla/calendars/{Uri.EscapeDataString(key)}?saved=true");
        Response.StatusCode = StatusCodes.Status400BadRequest;
        var record = (await calendars.GetAsync(key, cancellationToken))!;
        return CalendarView(record, input, result.Errors, false);
    }

    private ViewResult CalendarView(BusinessCalendarRecord record, BusinessCalendarInput input, IReadOnlyList<FieldError> errors, bool saved)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return View("Calendar", new CalendarEditViewModel
        {
            Record = record,
            Input = input,
            Errors = errors,
            CanEdit = User.IsInRole(Roles.Admin),
            Saved = saved,
            Now = now,
            PreviewEnd = registry.Get(record.Key)?.AddWorkingTime(now, TimeSpan.FromHours(48)),
        });
    }

    /// <summary>The page a link points at; a damaged link says so and shows the first page.</summary>
    private SlaCursor? PageCursor(string? text, List<string> errors)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        if (SlaCursor.TryDecode(text, out var decoded))
            return decoded;
        errors.Add(t["The page link is not valid (it may have been cut short); showing the first page instead."]);
        return null;
    }

    private (DateOnly From, DateOnly To) Range(SlaRangeQuery query, List<string> errors)
    {
        var (defaultFrom, defaultTo) = SlaReports.DefaultRange(reports.Now);
        var from = SlaRangeQuery.ParseDate(query.From, "date range|From", errors, t) ?? defaultFrom;
        var to = SlaRangeQuery.ParseDate(query.To, "date range|To", errors, t) ?? defaultTo;
        if (to < from)
        {
            errors.Add(t["The range ends before it starts; the dates were swapped."]);
            (from, to) = (to, from);
        }
        if (to.DayNumber - from.DayNumber > SlaReports.MaxDays)
        {
            errors.Add(t["The report covers at most two years; the start was moved."]);
            from = to.AddDays(-SlaReports.MaxDays);
        }
        return (from, to);
    }
}
