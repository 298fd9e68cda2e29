using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Coding;

public sealed record TaxonomyMetric(int Id, string Key, string Name, string? NameZh, string? DefaultUnit, MetricPolarity Polarity, bool IsArchived, int? MergedIntoId);
public sealed record TaxonomyGap(int Id, string Key, string Name, string? NameZh, CapabilityGapStatus Status, int? OwningDomainId, bool IsArchived, int? MergedIntoId);
public sealed record TaxonomyDomain(int Id, string Key, string Name, string? NameZh, string? OwnerName, string OwnerEmail, bool IsArchived, int? MergedIntoId);
public sealed record TaxonomyTag(int Id, string Key, string Name, string? NameZh, bool IsArchived, int? MergedIntoId);
public sealed record TaxonomyResponse(
    IReadOnlyList<TaxonomyMetric> Metrics, IReadOnlyList<TaxonomyGap> CapabilityGaps,
    IReadOnlyList<TaxonomyDomain> Domains, IReadOnlyList<TaxonomyTag> Tags);

/// <summary>The ids an attribution refers to, so integrations can code without guessing them.</summary>
[ApiController]
[Route("api/taxonomy")]
[Tags("Taxonomy")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class TaxonomyApiController(VocDbContext db) : ControllerBase
{
    /// <summary>Read the taxonomy</summary>
    /// <remarks>
    /// The ids an attribution refers to: business metrics (with their default unit and polarity), capability gaps
    /// (accepted and proposed, with their owning domain), owning domains (with their owner) and tags, each with its
    /// English and Chinese name. Only current entries unless <c>includeArchived</c>. Scope <c>read</c>.
    /// </remarks>
    /// <param name="includeArchived">Also list archived and merged entries (still referenced by old codings).</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">The four lists, each sorted by name.</response>
    [HttpGet]
    [Authorize(Policy = AuthorizationPolicies.Read)]
    [ProducesResponseType<TaxonomyResponse>(StatusCodes.Status200OK)]
    public async Task<TaxonomyResponse> Get(bool includeArchived, CancellationToken cancellationToken)
    {
        // Archived or merged entries are refused when coding, so by default they are not offered either.
        var metrics = await Current(db.BusinessMetrics, includeArchived).OrderBy(m => m.Name)
            .Select(m => new TaxonomyMetric(m.Id, m.Key, m.Name, m.NameZh, m.DefaultUnit, m.Polarity, m.IsArchived, m.MergedIntoId))
            .ToListAsync(cancellationToken);
        var gaps = await Current(db.CapabilityGaps, includeArchived).OrderBy(g => g.Name)
            .Select(g => new TaxonomyGap(g.Id, g.Key, g.Name, g.NameZh, g.Status, g.OwningDomainId, g.IsArchived, g.MergedIntoId))
            .ToListAsync(cancellationToken);
        var domains = await Current(db.OwningDomains, includeArchived).OrderBy(d => d.Name)
            .Select(d => new TaxonomyDomain(d.Id, d.Key, d.Name, d.NameZh, d.OwnerName, d.OwnerEmail, d.IsArchived, d.MergedIntoId))
            .ToListAsync(cancellationToken);
        var tags = await Current(db.Tags, includeArchived).OrderBy(t => t.Name)
            .Select(t => new TaxonomyTag(t.Id, t.Key, t.Name, t.NameZh, t.IsArchived, t.MergedIntoId))
            .ToListAsync(cancellationToken);
        return new TaxonomyResponse(metrics, gaps, domains, tags);
    }

    private static IQueryable<T> Current<T>(IQueryable<T> entries, bool includeArchived) where T : TaxonomyEntry =>
        includeArchived ? entries.AsNoTracking() : entries.AsNoTracking().Where(e => !e.IsArchived && e.MergedIntoId == null);
}
