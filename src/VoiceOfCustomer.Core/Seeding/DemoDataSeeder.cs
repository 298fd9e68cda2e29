using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Seeding;

/// <param name="Anchor">"Now" for the generated data; the same seed and anchor give the same data.</param>
/// <param name="CodedHistory">About this many voices older than a week (at most every second one) get a submitted coding, spread over the history.</param>
public sealed record DemoSeedRequest(int Customers, int Feedback, int Seed, DateTime Anchor, int CodedHistory = 0);

public sealed record DemoSeedResult(int CustomersAdded, int CustomersAlreadyThere, int ContactsAdded, long FeedbackAdded, long FeedbackAlreadyThere, TimeSpan Elapsed)
{
    public int Coded { get; init; }
}

/// <summary>
/// Writes a <see cref="DemoDataGenerator"/> organisation into the database: customers and contacts with EF (few),
/// then the voices through <see cref="FeedbackBulkWriter"/> (many), then a coding history: some older voices coded with
/// what they were written about, as the CSMs would have, so the suggester and the reports have something to learn
/// from. Customers whose reference exists and voices whose (channel, external id) exists are skipped, so running the
/// same seed twice adds nothing.
/// </summary>
public sealed class DemoDataSeeder(VocDbContext db, DatabaseConnection connection, TimeProvider time)
{
    private const int CustomerBatch = 500;
    private const int FeedbackBatch = 20_000;

    public async Task<DemoSeedResult> SeedAsync(DemoSeedRequest request, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Customers);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Feedback);
        var stopwatch = Stopwatch.StartNew();
        var catalog = await LoadCatalogAsync(cancellationToken);
        var generator = new DemoDataGenerator(catalog, request.Seed, request.Anchor);
        var customers = generator.Customers(request.Customers, await CsmUserIdsAsync(cancellationToken));
        var (added, contacts) = await AddCustomersAsync(customers, progress, cancellationToken);

        long feedbackAdded = 0, feedbackDone = 0;
        var toCode = new List<DemoFeedback>();
        if (request.Feedback > 0 && customers.Count > 0)
        {
            var channelIds = await db.Channels.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
            await using var writer = await FeedbackBulkWriter.OpenAsync(connection, time, cancellationToken);
            var inBatch = 0;
            // At most every second voice, so a small demo still has a queue to work on.
            var codeEvery = request.CodedHistory > 0 ? Math.Max(2, request.Feedback / request.CodedHistory) : 0;
            var codedBefore = request.Anchor.AddDays(-7);
            foreach (var voice in generator.Feedback(customers, request.Feedback))
            {
                if (codeEvery > 0 && feedbackDone % codeEvery == 0 && voice.ReceivedAt < codedBefore)
                    toCode.Add(voice);
                if (inBatch == 0)
                    writer.BeginBatch();
                var contact = voice.Contact is { } c
                    ? new ContactSubmission { Name = c.Name, Email = c.Email, Role = c.Role == ContactRole.Buyer ? "buyer" : "user" }
                    : null;
                if (writer.Add(new BulkFeedback(channelIds[voice.ChannelKey], voice.ExternalId, voice.CustomerReference, contact,
                        voice.Verbatim, voice.ReceivedAt, voice.Language, voice.MetadataJson)))
                    feedbackAdded++;
                feedbackDone++;
                if (++inBatch == FeedbackBatch)
                {
                    await writer.CommitBatchAsync(cancellationToken);
                    inBatch = 0;
                    progress?.Report(new SeedProgress("feedback", feedbackDone, request.Feedback));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            if (inBatch > 0)
                await writer.CommitBatchAsync(cancellationToken);
            progress?.Report(new SeedProgress("feedback", feedbackDone, request.Feedback));
        }
        var coded = toCode.Count > 0 ? await CodeHistoryAsync(toCode, request.Seed, cancellationToken) : 0;
        return new DemoSeedResult(added, customers.Count - added, contacts, feedbackAdded, feedbackDone - feedbackAdded, stopwatch.Elapsed) { Coded = coded };
    }

    /// <summary>
    /// Submits a coding for each voice that has none yet: the metric and gap it was written about, the gap's domain,
    /// and a value dimension and tag that follow the gap, so the codes are as learnable as real CSMs' would be.
    /// </summary>
    private async Task<int> CodeHistoryAsync(List<DemoFeedback> voices, int seed, CancellationToken cancellationToken)
    {
        var metrics = await db.BusinessMetrics.AsNoTracking().Where(m => !m.IsArchived && m.MergedIntoId == null)
            .ToDictionaryAsync(m => m.Key, m => (m.Id, m.Polarity, m.DefaultUnit), StringComparer.OrdinalIgnoreCase, cancellationToken);
        var gaps = await db.CapabilityGaps.AsNoTracking().Where(g => !g.IsArchived && g.MergedIntoId == null).OrderBy(g => g.Id)
            .Select(g => new { g.Id, g.Key, g.OwningDomainId }).ToListAsync(cancellationToken);
        var tags = await db.Tags.AsNoTracking().Where(t => !t.IsArchived && t.MergedIntoId == null).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(cancellationToken);
        var gapIndex = gaps.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.OrdinalIgnoreCase);
        var channelIds = await db.Channels.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var dimensions = Enum.GetValues<Coding.ValueDimension>();
        var random = new Random(unchecked(seed * 31 + 7));

        var coded = 0;
        foreach (var batch in voices.Chunk(500))
        {
            var externalIds = batch.Select(v => v.ExternalId).ToList();
            var items = await db.FeedbackItems.Where(f => externalIds.Contains(f.ExternalId) && f.Attribution == null && f.Status == FeedbackStatus.New)
                .ToListAsync(cancellationToken);
            var byKey = items.ToDictionary(f => (f.ChannelId, f.ExternalId));
            foreach (var voice in batch)
            {
                if (!channelIds.TryGetValue(voice.ChannelKey, out var channelId) || !byKey.TryGetValue((channelId, voice.ExternalId), out var item)
                    || !gapIndex.TryGetValue(voice.GapKey, out var g) || !metrics.TryGetValue(voice.MetricKey, out var metric))
                    continue;
                var submittedAt = voice.ReceivedAt.AddHours(1 + random.Next(40));
                item.Status = FeedbackStatus.Attributed;
                item.Attribution = new Coding.Attribution
                {
                    BusinessMetricId = metric.Id,
                    ImpactDirection = metric.Polarity == Taxonomy.MetricPolarity.HigherIsBetter ? Coding.ImpactDirection.Down : Coding.ImpactDirection.Up,
                    ImpactMagnitude = 1 + random.Next(15),
                    ImpactUnit = metric.DefaultUnit,
                    CapabilityGapId = gaps[g].Id,
                    OwningDomainId = gaps[g].OwningDomainId,
                    ValueDimension = dimensions[g % dimensions.Length],
                    VoiceRole = voice.Contact?.Role == ContactRole.Buyer ? Coding.VoiceRole.Buyer : Coding.VoiceRole.User,
                    Tags = tags.Count == 0 ? [] : [new Coding.AttributionTag { TagId = tags[g % tags.Count] }],
                    State = Coding.AttributionState.Submitted,
                    Version = 1,
                    UpdatedAt = submittedAt,
                    UpdatedById = item.OwnerCsmId, // the customer's CSM coded it, as the history page will say
                    SubmittedAt = submittedAt,
                };
                coded++;
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
        return coded;
    }

    /// <summary>The reference data as stored (admins may have changed it since the seed files), in id order for determinism.</summary>
    public async Task<DemoCatalog> LoadCatalogAsync(CancellationToken cancellationToken = default)
    {
        var segments = await db.Segments.AsNoTracking().Where(s => !s.IsArchived).OrderBy(s => s.Id).Select(s => s.Key).ToListAsync(cancellationToken);
        var channels = await db.Channels.AsNoTracking().Where(c => !c.IsArchived).OrderBy(c => c.Id)
            .Select(c => new DemoCatalog.ChannelRef(c.Key, c.Touchpoint)).ToListAsync(cancellationToken);
        var gaps = await db.CapabilityGaps.AsNoTracking().Where(g => !g.IsArchived && g.MergedIntoId == null).OrderBy(g => g.Id)
            .Select(g => new DemoCatalog.NamedRef(g.Key, g.Name, g.NameZh)).ToListAsync(cancellationToken);
        var metrics = await db.BusinessMetrics.AsNoTracking().Where(m => !m.IsArchived && m.MergedIntoId == null).OrderBy(m => m.Id)
            .Select(m => new DemoCatalog.NamedRef(m.Key, m.Name, m.NameZh)).ToListAsync(cancellationToken);
        return new DemoCatalog(segments, channels, gaps, metrics);
    }

    private async Task<IReadOnlyList<string>> CsmUserIdsAsync(CancellationToken cancellationToken) =>
        await (from userRole in db.UserRoles
               join role in db.Roles on userRole.RoleId equals role.Id
               where role.Name == Roles.Csm
               orderby userRole.UserId
               select userRole.UserId).ToListAsync(cancellationToken);

    private async Task<(int Customers, int Contacts)> AddCustomersAsync(IReadOnlyList<DemoCustomer> customers, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        var segmentIds = await db.Segments.AsNoTracking().ToDictionaryAsync(s => s.Key, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var existing = (await db.Customers.AsNoTracking().Select(c => c.ReferenceNormalized).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false; // new entities only: nothing to detect, and it is the slow part
        try
        {
            int added = 0, contacts = 0, done = 0;
            foreach (var batch in customers.Chunk(CustomerBatch))
            {
                foreach (var demo in batch.Where(c => !existing.Contains(Customer.Normalize(c.Reference))))
                {
                    db.Customers.Add(new Customer
                    {
                        Reference = demo.Reference,
                        ReferenceNormalized = Customer.Normalize(demo.Reference),
                        Name = demo.Name,
                        LifecycleStage = demo.Stage,
                        SegmentId = demo.SegmentKey is not null && segmentIds.TryGetValue(demo.SegmentKey, out var id) ? id : null,
                        Industry = demo.Industry,
                        Region = demo.Region,
                        AnnualRecurringRevenue = demo.AnnualRecurringRevenue,
                        LifetimeValue = demo.LifetimeValue,
                        AcquisitionCost = demo.AcquisitionCost,
                        CsmUserId = demo.CsmUserId,
                        CreatedAt = demo.CreatedAt,
                        Contacts = demo.Contacts.Select(c => new Contact { Name = c.Name, Email = c.Email, Role = c.Role, Title = c.Title, Language = c.Language }).ToList(),
                    });
                    added++;
                    contacts += demo.Contacts.Count;
                }
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                done += batch.Length;
                progress?.Report(new SeedProgress("customers", done, customers.Count));
            }
            return (added, contacts);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }
}
