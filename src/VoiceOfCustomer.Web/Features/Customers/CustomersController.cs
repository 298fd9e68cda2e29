using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Customers;

/// <summary>The customer list (filters, sorts, keyset pages, CSV export) and each customer's page with its three coordinates.</summary>
[Authorize(Roles = Readers)]
[Route("customers")]
public sealed class CustomersController(CustomerQueries queries, VocDbContext db, UserManager<AppUser> users, TimeProvider time, IStringLocalizer<SharedResource> t) : Controller
{
    /// <summary>Every role reads customers: CSMs look after them, PMs and Leadership weigh their value.</summary>
    public const string Readers = Roles.Admin + "," + Roles.Csm + "," + Roles.ProductManager + "," + Roles.Leadership;

    [HttpGet("")]
    public async Task<IActionResult> Index([FromQuery] CustomerListQuery query, CancellationToken cancellationToken)
    {
        var (segments, csms) = await ChoicesAsync(cancellationToken);
        var errors = new List<(string Field, string Message)>();
        var parsed = query.Parse(segments, csms.Select(c => c.Id).ToList(), errors, t);
        var page = await queries.ListAsync(parsed.Filter, parsed.Sort, parsed.Descending, parsed.Cursor, CustomerListViewModel.PageSize, cancellationToken);
        // Counted on the first page only, and only when it is full (else its rows are the count).
        int? matching = parsed.Cursor is not null ? null
            : page.NextCursor is null ? page.Rows.Count
            : await queries.CountAsync(parsed.Filter, CustomerListViewModel.CountCap, cancellationToken);
        var empty = page.Rows.Count == 0 && !await queries.AnyAsync(cancellationToken);
        return View(new CustomerListViewModel
        {
            Query = query,
            Sort = parsed.Sort,
            Descending = parsed.Descending,
            Rows = page.Rows,
            NextCursor = page.NextCursor,
            IsLaterPage = parsed.Cursor is not null,
            Matching = matching,
            DatabaseIsEmpty = empty,
            Errors = errors.Select(e => e.Message).ToList(),
            Segments = segments,
            Csms = csms,
            UserNames = await UserNames.ForAsync(db, page.Rows.Select(r => r.CsmUserId), cancellationToken),
        });
    }

    /// <summary>The filtered list as CSV, in the list's order, streamed a page at a time. A filter that cannot be used is a 400 naming it.</summary>
    [HttpGet("export.csv")]
    public async Task<IActionResult> Export([FromQuery] CustomerListQuery query, CancellationToken cancellationToken)
    {
        var (segments, csms) = await ChoicesAsync(cancellationToken);
        var errors = new List<(string Field, string Message)>();
        var parsed = query.Parse(segments, csms.Select(c => c.Id).ToList(), errors, t);
        var refused = new ModelStateDictionary();
        foreach (var (field, message) in errors.Where(e => e.Field != "cursor"))
            refused.AddModelError(field, message);
        if (!refused.IsValid)
            return ValidationProblem(refused);

        var segmentNames = segments.ToDictionary(s => s.Id, s => s.DisplayName());
        var csmNames = csms.ToDictionary(c => c.Id, c => c.Name);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"customers-{stamp}.csv\"";
        // With a byte-order mark, as SlaCsv writes: without it Excel reads Chinese names as mojibake.
        await using var body = new StreamWriter(Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await body.WriteAsync(CsvLine(["reference", "name", "segment", "lifecycle_stage", "predicted_clv", "p_alive", "value_tier", "value_model",
            "arr", "ltv_to_cac", "csm", "last_activity_utc"]));
        await foreach (var row in queries.AllAsync(parsed.Filter, parsed.Sort, parsed.Descending, cancellationToken))
        {
            await body.WriteAsync(CsvLine([
                row.Reference, row.Name, row.SegmentId is { } s ? segmentNames.GetValueOrDefault(s) : null, t.Label(row.Stage).Value,
                Invariant(row.LifetimeValue), row.ProbabilityAlive?.ToString("0.####", CultureInfo.InvariantCulture),
                row.Tier is { } tier ? t.Label(tier).Value : null, row.Model is { } model ? t.Label(model).Value : null,
                Invariant(row.AnnualRecurringRevenue), row.LtvToCac?.ToString("0.##", CultureInfo.InvariantCulture),
                row.CsmUserId is { } csm ? csmNames.GetValueOrDefault(csm, "") : null,
                row.LastActivityAt is { } at ? UserClock.Iso(at) : null]));
        }
        return new EmptyResult();
    }

    [HttpGet("{reference}")]
    public async Task<IActionResult> Details(string reference, CancellationToken cancellationToken)
    {
        // The server leaves an encoded slash encoded in the path (a reference such as "ACME/EU" arrives as "ACME%2FEU").
        reference = reference.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var detail = await queries.GetAsync(reference, cancellationToken);
        if (detail is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return View("NotFound", reference);
        }
        var segments = await db.Segments.AsNoTracking().ToListAsync(cancellationToken);
        var customer = detail.Customer;
        return View(new CustomerDetailViewModel
        {
            Detail = detail,
            SegmentsByKey = segments.ToDictionary(s => s.Key, StringComparer.Ordinal),
            UserNames = await UserNames.ForAsync(db, [customer.CsmUserId, customer.SalesOwnerUserId], cancellationToken),
        });
    }

    private async Task<(List<VoiceOfCustomer.Segments.Segment> Segments, List<UserOption> Csms)> ChoicesAsync(CancellationToken cancellationToken)
    {
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.IsArchived).ThenBy(s => s.Position).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        return (segments, await UserOption.CsmsAsync(users));
    }

    private static string? Invariant(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture);

    private static string CsvLine(IReadOnlyList<string?> cells) => string.Join(',', cells.Select(SlaCsv.Cell)) + "\r\n";
}
