using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Web.Features.Segments;

/// <summary>The customer segments and their policies, read-only: the rules are edited in <c>seed/segments.json</c> until the customers issue.</summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/segments")]
public sealed class SegmentsController(VocDbContext db) : Controller
{
    [HttpGet("")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.IsArchived).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        var counts = await db.Customers.AsNoTracking().GroupBy(c => c.SegmentId)
            .Select(g => new { SegmentId = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var calendars = await db.BusinessCalendars.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Name, StringComparer.OrdinalIgnoreCase, cancellationToken);
        return View(new SegmentListViewModel
        {
            Segments = segments,
            CustomerCounts = counts.Where(c => c.SegmentId is not null).ToDictionary(c => c.SegmentId!.Value, c => c.Count),
            CustomersWithoutSegment = counts.FirstOrDefault(c => c.SegmentId is null)?.Count ?? 0,
            CalendarNames = calendars,
        });
    }
}

public sealed class SegmentListViewModel
{
    public required IReadOnlyList<Segment> Segments { get; init; }
    public required IReadOnlyDictionary<int, int> CustomerCounts { get; init; }
    public int CustomersWithoutSegment { get; init; }

    /// <summary>Calendar key → name (case-insensitive, as the SLA clock looks them up).</summary>
    public required IReadOnlyDictionary<string, string> CalendarNames { get; init; }

    public int CustomersIn(Segment segment) => CustomerCounts.GetValueOrDefault(segment.Id);
}
