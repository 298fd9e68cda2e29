using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Seeding;

/// <summary>How many entries of each kind a reference-data run added.</summary>
public sealed record ReferenceSeedResult(int Channels, int Segments, int BusinessMetrics, int OwningDomains, int CapabilityGaps, int Tags, int Calendars = 0)
{
    public int Total => Channels + Segments + BusinessMetrics + OwningDomains + CapabilityGaps + Tags + Calendars;
}

/// <summary>
/// Loads the seed files into the database at every start of the web app and the CLI (intake needs channels).
/// Only entries whose key is missing are added: what admins renamed, archived or merged stays as they left it,
/// and an entry they deleted comes back, which is the price of never overwriting their edits.
/// </summary>
public sealed class ReferenceDataSeeder(VocDbContext db, IOptions<SeedOptions> options, TimeProvider time, ILogger<ReferenceDataSeeder> logger)
{
    public Task<ReferenceSeedResult> SeedAsync(CancellationToken cancellationToken = default) =>
        SeedAsync(ReferenceDataFiles.Load(options.Value.ResolveDirectory()), cancellationToken);

    public async Task<ReferenceSeedResult> SeedAsync(ReferenceData data, CancellationToken cancellationToken = default)
    {
        try
        {
            return await AddMissingAsync(data, cancellationToken);
        }
        catch (DbUpdateException error) when (error.IsConflict())
        {
            // Another process (the CLI beside the web app) seeded the same keys a moment ago: read again and retry once.
            db.ChangeTracker.Clear();
            return await AddMissingAsync(data, cancellationToken);
        }
    }

    private async Task<ReferenceSeedResult> AddMissingAsync(ReferenceData data, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var channels = await AddAsync(db.Channels, c => c.Key, data.Channels, s => s.Key,
            s => new Channel { Key = s.Key, Name = s.Name, NameZh = s.NameZh, Touchpoint = s.Touchpoint }, cancellationToken);
        var segments = await AddAsync(db.Segments, c => c.Key, data.Segments, s => s.Key, s => new Segment
        {
            Key = s.Key, Name = s.Name, NameZh = s.NameZh, Description = s.Description, Rule = s.Rule,
            Policy = new SegmentPolicy { AttributionTarget = s.AttributionTarget, RoadmapWeight = s.RoadmapWeight, CalendarKey = s.CalendarKey },
        }, cancellationToken);
        var metrics = await AddAsync(db.BusinessMetrics, c => c.Key, data.BusinessMetrics, s => s.Key, s => new BusinessMetric
        {
            Key = s.Key, Name = s.Name, NameZh = s.NameZh, Description = s.Description, DefaultUnit = s.DefaultUnit, Polarity = s.Polarity,
        }, cancellationToken);
        var domains = await AddAsync(db.OwningDomains, c => c.Key, data.OwningDomains, s => s.Key, s => new OwningDomain
        {
            Key = s.Key, Name = s.Name, NameZh = s.NameZh, Description = s.Description, OwnerName = s.OwnerName, OwnerEmail = s.OwnerEmail,
        }, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var calendars = await AddAsync(db.BusinessCalendars, c => c.Key, data.Calendars, s => s.Key, s => new Sla.BusinessCalendarRecord
        {
            Key = s.Key, Name = s.Name, TimeZoneId = s.TimeZoneId, UpdatedAt = now,
            HoursJson = Sla.BusinessCalendarFormat.HoursToJson(s.Hours), HolidaysJson = Sla.BusinessCalendarFormat.HolidaysToJson(s.Holidays),
        }, cancellationToken);
        var tags = await AddAsync(db.Tags, c => c.Key, data.Tags, s => s.Key,
            s => new Tag { Key = s.Key, Name = s.Name, NameZh = s.NameZh, Description = s.Description }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        // Gaps point at domains by id, so they go in once the domains have theirs.
        var domainIds = await db.OwningDomains.AsNoTracking().ToDictionaryAsync(d => d.Key, d => d.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var gaps = await AddAsync(db.CapabilityGaps, c => c.Key, data.CapabilityGaps, s => s.Key, s => new CapabilityGap
        {
            Key = s.Key, Name = s.Name, NameZh = s.NameZh, Description = s.Description, Status = s.Status,
            OwningDomainId = domainIds.TryGetValue(s.OwningDomainKey, out var id) ? id : null,
        }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var result = new ReferenceSeedResult(channels, segments, metrics, domains, gaps, tags, calendars);
        if (result.Total > 0)
            logger.LogInformation(
                "Reference data: added {Channels} channel(s), {Segments} segment(s), {Metrics} business metric(s), {Domains} owning domain(s), {Gaps} capability gap(s), {Tags} tag(s), {Calendars} calendar(s)",
                channels, segments, metrics, domains, gaps, tags, calendars);
        return result;
    }

    private static async Task<int> AddAsync<TEntity, TSeed>(DbSet<TEntity> set, System.Linq.Expressions.Expression<Func<TEntity, string>> key,
        IReadOnlyList<TSeed> seeds, Func<TSeed, string> seedKey, Func<TSeed, TEntity> create, CancellationToken cancellationToken)
        where TEntity : class
    {
        var existing = (await set.AsNoTracking().Select(key).ToListAsync(cancellationToken)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = seeds.Where(s => !existing.Contains(seedKey(s))).ToList();
        set.AddRange(missing.Select(create));
        return missing.Count;
    }
}
