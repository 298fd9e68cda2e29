using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Seeding;

/// <param name="Anchor">"Now" for the generated voices (they span the 180 days before it); the same seed and anchor give the same data.</param>
/// <param name="SlaHistory">
/// Live the voices through the attribution SLA as they arrive (codings, questions to customers, warnings, breaches,
/// leadership escalations and their mails) up to <paramref name="HistoryUntil"/>; false stores every voice as new,
/// arriving now, with nothing coded (a plain load, e.g. a million voices for a benchmark).
/// </param>
/// <param name="HistoryUntil">Where the lived history ends and the live app takes over; null: the anchor.</param>
public sealed record DemoSeedRequest(int Customers, int Feedback, int Seed, DateTime Anchor, bool SlaHistory = true, DateTime? HistoryUntil = null);

public sealed record DemoSeedResult(int CustomersAdded, int CustomersAlreadyThere, int ContactsAdded, long FeedbackAdded, long FeedbackAlreadyThere, TimeSpan Elapsed)
{
    /// <summary>What the lived history did; null without one.</summary>
    public DemoHistoryResult? History { get; init; }
}

/// <summary>
/// Writes a <see cref="DemoDataGenerator"/> organisation into the database: customers and contacts with EF (few),
/// then the voices through <see cref="FeedbackBulkWriter"/> (many), each arriving shortly after the customer spoke,
/// then their history through the real SLA workflow (<see cref="DemoSlaHistory"/>, following <see cref="DemoStory"/>).
/// Customers whose reference exists and voices whose (channel, external id) exists are skipped, so running the same
/// seed twice adds nothing. A database holding real data (<see cref="DemoDataGuard"/>) is refused, whoever asks.
/// </summary>
public sealed class DemoDataSeeder(VocDbContext db, DatabaseConnection connection, DemoSlaHistory history, DemoCustomerEconomics economics,
    Value.CustomerValueScorer scorer, TimeProvider time)
{
    private const int CustomerBatch = 500;
    private const int FeedbackBatch = 20_000;

    public async Task<DemoSeedResult> SeedAsync(DemoSeedRequest request, IProgress<SeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Customers);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Feedback);
        if (await DemoDataGuard.FindAsync(db, cancellationToken) is { } real)
            throw new DemoDataRefusedException(real);
        var stopwatch = Stopwatch.StartNew();
        var catalog = await LoadCatalogAsync(cancellationToken);
        var generator = new DemoDataGenerator(catalog, request.Seed, request.Anchor);
        var customers = generator.Customers(request.Customers, await CsmUserIdsAsync(cancellationToken));
        var (added, contacts) = await AddCustomersAsync(customers, progress, cancellationToken);
        await economics.AddAsync(customers, request.Seed, request.Anchor, cancellationToken);
        progress?.Report(new SeedProgress("contracts and purchases", customers.Count, customers.Count));
        if (added > 0)
        {
            // The demo's lifetime value, P(alive), tiers, stages and so segments come from fitting the models on the history
            // just written — before the voices arrive, so their SLA clocks start on the segments they keep.
            await scorer.RefitAsync("demo-seed", null, cancellationToken);
            progress?.Report(new SeedProgress("customer value", customers.Count, customers.Count));
        }

        var until = DateTime.SpecifyKind(request.HistoryUntil ?? request.Anchor, DateTimeKind.Utc);
        DemoStory? story = null;
        if (request.SlaHistory)
        {
            var shares = history.MilestoneShares()
                ?? throw new InvalidOperationException("No workflow runs on feedback: load the workflow definitions before seeding a demo with SLA history.");
            story = new DemoStory(request.Seed, request.Anchor, shares);
        }

        long feedbackAdded = 0, feedbackDone = 0;
        var lived = new List<(int ChannelId, DemoFeedback Voice, DateTime IngestedAt, DemoVoiceFate Fate)>();
        if (request.Feedback > 0 && customers.Count > 0)
        {
            var channelIds = await db.Channels.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
            await using var writer = await FeedbackBulkWriter.OpenAsync(connection, time, SlaClockStart.AtIngestion, cancellationToken);
            var delivery = new Random(unchecked(request.Seed * 31 + 7));
            var inBatch = 0;
            foreach (var voice in generator.Feedback(customers, request.Feedback))
            {
                if (inBatch == 0)
                    writer.BeginBatch();
                var contact = voice.Contact is { } c
                    ? new ContactSubmission { Name = c.Name, Email = c.Email, Role = c.Role == ContactRole.Buyer ? "buyer" : "user" }
                    : null;
                // A lived history's voices reached the app seconds to minutes after the customer spoke.
                var arrived = voice.ReceivedAt.AddSeconds(2 + delivery.Next(180));
                var ingestedAt = arrived < until ? arrived : until < voice.ReceivedAt ? voice.ReceivedAt : until;
                var fate = story?.Next(ingestedAt);
                if (writer.Add(new BulkFeedback(channelIds[voice.ChannelKey], voice.ExternalId, voice.CustomerReference, contact,
                        voice.Verbatim, voice.ReceivedAt, voice.Language, voice.MetadataJson, fate is null ? null : new ReplayedArrival(ingestedAt))))
                {
                    feedbackAdded++;
                    if (fate is not null)
                        lived.Add((channelIds[voice.ChannelKey], voice with { Verbatim = "" }, ingestedAt, fate));
                }
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

        DemoHistoryResult? lifetime = null;
        if (story is not null)
            lifetime = await history.ReplayAsync(await ReplayVoicesAsync(lived, request.Seed, cancellationToken), until, progress, cancellationToken);
        if (added > 0)
            await scorer.RefreshVoiceCountsAsync(cancellationToken);
        return new DemoSeedResult(added, customers.Count - added, contacts, feedbackAdded, feedbackDone - feedbackAdded, stopwatch.Elapsed) { History = lifetime };
    }

    /// <summary>The stored ids of the voices this run added.</summary>
    private async Task<List<DemoReplayVoice>> ReplayVoicesAsync(List<(int ChannelId, DemoFeedback Voice, DateTime IngestedAt, DemoVoiceFate Fate)> lived, int seed,
        CancellationToken cancellationToken)
    {
        if (lived.Count == 0)
            return [];
        var prefix = $"{DemoDataGuard.ExternalIdPrefix}{seed}-";
        var ids = new Dictionary<(int, string), long>();
        foreach (var row in await db.FeedbackItems.AsNoTracking().Where(f => f.ExternalId.StartsWith(prefix))
                     .Select(f => new { f.Id, f.ChannelId, f.ExternalId }).ToListAsync(cancellationToken))
            ids[(row.ChannelId, row.ExternalId)] = row.Id;
        return [.. lived.Where(l => ids.ContainsKey((l.ChannelId, l.Voice.ExternalId)))
            .Select(l => new DemoReplayVoice(ids[(l.ChannelId, l.Voice.ExternalId)], l.IngestedAt, l.Fate, l.Voice.GapKey, l.Voice.MetricKey, l.Voice.Contact?.Role, l.Voice.Language))];
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
