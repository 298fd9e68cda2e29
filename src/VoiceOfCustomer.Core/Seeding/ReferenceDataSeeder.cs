using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Seeding;

/// <summary>How many entries of each kind a reference-data run added.</summary>
/// <param name="SegmentRules">Segments that existed without a rule and got the file's (an installation from before rules ran).</param>
/// <param name="BehaviourTargets">Success-path factors materialised as behaviour targets for the current quarter.</param>
public sealed record ReferenceSeedResult(int Channels, int Segments, int BusinessMetrics, int OwningDomains, int CapabilityGaps, int Tags, int Calendars = 0,
    int BehaviourMetrics = 0, int SegmentRules = 0, int BehaviourTargets = 0)
{
    public int Total => Channels + Segments + BusinessMetrics + OwningDomains + CapabilityGaps + Tags + Calendars + BehaviourMetrics + SegmentRules + BehaviourTargets;
}

/// <summary>
/// Loads the seed files into the database at every start of the web app and the CLI (intake needs channels).
/// Only entries whose key is missing are added: what admins renamed, archived or merged stays as they left it,
/// and an entry they deleted comes back, which is the price of never overwriting their edits. Two exceptions: a shipped
/// behaviour metric's definition (unit, direction, aggregation, external) follows the file, its names stay the Admin's;
/// a segment that has no rule yet gets the file's rule, words and position. Each start also gives the segments' success
/// paths their behaviour targets for the current quarter (docs/segments.md).
/// </summary>
public sealed class ReferenceDataSeeder(VocDbContext db, IOptions<SeedOptions> options, IOptions<Workflows.Flows.OrganisationOptions> organisation,
    TimeProvider time, ILogger<ReferenceDataSeeder> logger)
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
            RuleJson = s.RuleJson, Position = PositionOf(data, s),
            Policy = new SegmentPolicy { AttributionTarget = s.AttributionTarget, RoadmapWeight = s.RoadmapWeight, CalendarKey = s.CalendarKey },
        }, cancellationToken);
        var segmentRules = await GiveRulesAsync(data, cancellationToken);
        var behaviourMetrics = await UpsertBehaviourMetricsAsync(data, cancellationToken);
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
        var targets = await AddSuccessPathTargetsAsync(data, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var result = new ReferenceSeedResult(channels, segments, metrics, domains, gaps, tags, calendars, behaviourMetrics, segmentRules, targets);
        if (result.Total > 0)
            logger.LogInformation(
                "Reference data: added {Channels} channel(s), {Segments} segment(s), {Metrics} business metric(s), {Domains} owning domain(s), {Gaps} capability gap(s), {Tags} tag(s), {Calendars} calendar(s), "
                + "{BehaviourMetrics} behaviour metric(s), {Targets} success-path target(s); {Rules} segment(s) got their rule",
                channels, segments, metrics, domains, gaps, tags, calendars, behaviourMetrics, targets, segmentRules);
        return result;
    }

    /// <summary>File order, in steps of 10 so an Admin can place a segment between two shipped ones.</summary>
    private static int PositionOf(ReferenceData data, SegmentSeed seed) => (IndexOf(data.Segments, seed) + 1) * 10;

    private static int IndexOf(IReadOnlyList<SegmentSeed> seeds, SegmentSeed seed)
    {
        for (var i = 0; i < seeds.Count; i++)
            if (ReferenceEquals(seeds[i], seed))
                return i;
        return -1;
    }

    /// <summary>Segments stored before rules ran (no RuleJson) take the file's rule, words and position; a rule an Admin saved is theirs.</summary>
    private async Task<int> GiveRulesAsync(ReferenceData data, CancellationToken cancellationToken)
    {
        var seeds = data.Segments.Where(s => s.RuleJson is not null).ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);
        if (seeds.Count == 0)
            return 0;
        var ruleless = await db.Segments.Where(s => s.RuleJson == null).ToListAsync(cancellationToken);
        var given = 0;
        foreach (var segment in ruleless)
        {
            if (!seeds.TryGetValue(segment.Key, out var seed))
                continue;
            segment.RuleJson = seed.RuleJson;
            segment.Rule = seed.Rule;
            segment.Position = PositionOf(data, seed);
            given++;
        }
        return given;
    }

    /// <summary>Adds missing metrics; a shipped metric's definition follows the file, its names, description and archiving stay the Admin's.</summary>
    private async Task<int> UpsertBehaviourMetricsAsync(ReferenceData data, CancellationToken cancellationToken)
    {
        var existing = await db.BehaviourMetrics.ToDictionaryAsync(m => m.Key, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var added = 0;
        foreach (var seed in data.BehaviourMetrics)
        {
            if (existing.TryGetValue(seed.Key, out var metric))
            {
                metric.Unit = seed.Unit;
                metric.GoodDirection = seed.GoodDirection;
                metric.Aggregation = seed.Aggregation;
                metric.IsExternal = seed.IsExternal;
                continue;
            }
            db.BehaviourMetrics.Add(new Behaviour.BehaviourMetric
            {
                Key = seed.Key, Name = seed.Name, NameZh = seed.NameZh, Description = seed.Description,
                Unit = seed.Unit, GoodDirection = seed.GoodDirection, Aggregation = seed.Aggregation, IsExternal = seed.IsExternal,
            });
            added++;
        }
        return added;
    }

    /// <summary>
    /// The success paths' factors as behaviour targets of the current quarter (Organisation:TimeZone), each once per
    /// segment, metric, stage and quarter. The owner is the user the factor names, else the first Admin (by e-mail, as
    /// users carry no creation time); with no Admin yet the targets wait for a later start.
    /// </summary>
    private async Task<int> AddSuccessPathTargetsAsync(ReferenceData data, CancellationToken cancellationToken)
    {
        var factors = data.Segments.SelectMany(s => (s.SuccessPath ?? []).Select(f => (Segment: s.Key, Factor: f))).ToList();
        if (factors.Count == 0)
            return 0;
        var now = time.GetUtcNow().UtcDateTime;
        var quarter = SuccessPaths.QuarterOf(now, Workflows.Flows.FlowStarter.OrganisationZone(organisation.Value));
        var segmentIds = await db.Segments.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var metricIds = await db.BehaviourMetrics.AsNoTracking().ToDictionaryAsync(m => m.Key, m => m.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var existing = (await db.BehaviourTargets.AsNoTracking().Where(t => t.Quarter == quarter)
            .Select(t => new { t.SegmentId, t.MetricId, t.Stage }).ToListAsync(cancellationToken))
            .Select(t => (t.SegmentId, t.MetricId, t.Stage)).ToHashSet();
        var wanted = factors.Where(f => segmentIds.ContainsKey(f.Segment) && metricIds.ContainsKey(f.Factor.MetricKey)
            && !existing.Contains((segmentIds[f.Segment], metricIds[f.Factor.MetricKey], (Customers.LifecycleStage?)f.Factor.Stage))).ToList();
        if (wanted.Count == 0)
            return 0;

        var emails = wanted.Select(f => f.Factor.OwnerEmail?.ToUpperInvariant()).OfType<string>().Distinct().ToList();
        var owners = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail))
            .ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, cancellationToken);
        var firstAdmin = await (from user in db.Users
                                join userRole in db.UserRoles on user.Id equals userRole.UserId
                                join role in db.Roles on userRole.RoleId equals role.Id
                                where role.Name == Identity.Roles.Admin
                                orderby user.NormalizedEmail, user.Id
                                select user.Id).FirstOrDefaultAsync(cancellationToken);
        var added = 0;
        foreach (var (segment, factor) in wanted)
        {
            var owner = factor.OwnerEmail is { } email && owners.TryGetValue(email.ToUpperInvariant(), out var id) ? id : firstAdmin;
            if (owner is null)
                continue;
            db.BehaviourTargets.Add(new Behaviour.BehaviourTarget
            {
                SegmentId = segmentIds[segment], MetricId = metricIds[factor.MetricKey], Stage = factor.Stage, Quarter = quarter,
                Baseline = factor.Baseline, Target = factor.Target, OwnerUserId = owner, CreatedAt = now, UpdatedAt = now,
            });
            added++;
        }
        if (added < wanted.Count)
            logger.LogInformation("Success paths: {Skipped} behaviour target(s) for {Quarter} wait for an owner: there is no Admin yet to fall back on", wanted.Count - added, quarter);
        return added;
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
