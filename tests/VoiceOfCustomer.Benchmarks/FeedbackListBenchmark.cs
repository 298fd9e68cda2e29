using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// The first page of the feedback list with N items stored (default 1,000,000), as the server times it
/// (Server-Timing header): the JSON API and the signed-in web page. Target: at most 50 ms.
/// </summary>
public static class FeedbackListBenchmark
{
    public static async Task<int> RunAsync(int items, int samples)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-list-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        var services = await BenchmarkApp.PrepareDatabaseAsync(databaseFile);
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync(CancellationToken.None);
        await FillAsync(services, items);
        var keys = await CodeForFiltersAsync(services);
        await PrintPlansAsync(services, keys);
        string token;
        await using (var scope = services.CreateAsyncScope())
        {
            token = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("bench", ["read"])).Token;
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            await roles.CreateAsync(new IdentityRole(Roles.Admin));
            // An Admin, so the same client also reaches the taxonomy pages with their counts.
            var user = new AppUser { UserName = "bench@voc.local", Email = "bench@voc.local", EmailConfirmed = true };
            Check(await users.CreateAsync(user, "Bench!2345"));
            Check(await users.AddToRoleAsync(user, Roles.Admin));
        }

        await using var app = await BenchmarkApp.StartAsync(databaseFile, services);
        using var api = app.CreateClient(1);
        api.DefaultRequestHeaders.Add("X-Api-Key", token);
        using var web = app.CreateClient(1);
        web.DefaultRequestHeaders.Add("Cookie", await BenchmarkApp.SignInAsync(web, "bench@voc.local", "Bench!2345"));

        var pages = new (string Name, HttpClient Client, string Url)[]
                 {
                     ("API first page", api, "api/feedback?limit=50"),
                     ("API filtered page (channel=support)", api, "api/feedback?limit=50&channel=support"),
                     ("API filtered page (status=New, language=zh)", api, "api/feedback?limit=50&status=New&language=zh"),
                     ("Web page /feedback", web, "feedback"),
                     ("Web page /feedback?channel=community", web, "feedback?channel=community"),
                     // Issue 14's filters: a common and a rare value of each, and combinations.
                     ($"gap={keys.Gap} (1 in 28)", web, $"feedback?gap={keys.Gap}"),
                     ($"gap={RareGap} (100 oldest)", web, $"feedback?gap={RareGap}"),
                     ($"metric={keys.Metric} (1 in 28)", web, $"feedback?metric={keys.Metric}"),
                     ($"domain={keys.Domain} (1 in 18)", web, $"feedback?domain={keys.Domain}"),
                     ($"tag={keys.Tag} (1 in 2)", web, $"feedback?tag={keys.Tag}"),
                     ($"tag={RareTag} (200 oldest)", web, $"feedback?tag={RareTag}"),
                     ("segment=enterprise (1 in 5)", web, "feedback?segment=enterprise"),
                     ($"segment={SmallSegment} (2 customers)", web, $"feedback?segment={SmallSegment}"),
                     ("customer=CUST-7 (a reference)", web, "feedback?customer=CUST-7"),
                     ("customer=UST-19 (111 customers)", web, "feedback?customer=UST-19"),
                     ("customerId=8 (the rows' link)", web, "feedback?customerId=8"),
                     ($"gap + segment + channel", web, $"feedback?gap={keys.Gap}&segment=enterprise&channel=support"),
                     ($"tag + customer", web, $"feedback?tag={keys.Tag}&customer=CUST-7"),
                     ("Web page /taxonomy/gaps (counts)", web, "taxonomy/gaps"),
                     ("Web page /taxonomy/tags (counts)", web, "taxonomy/tags"),
                 };

        // A running server has long since compiled its hot paths at the optimising tier; a handful of warm-up requests
        // leaves the Razor views and filters at tier 0 (measured: 30 ms instead of 4 ms for /feedback). So every page is
        // requested WarmUpRounds times first and the runtime gets a moment to finish its background recompilation.
        var warmUp = Stopwatch.StartNew();
        for (var round = 0; round < WarmUpRounds; round++)
            foreach (var (_, client, url) in pages)
                await BenchmarkApp.ServerTimeAsync(client, url);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Console.WriteLine($"warm-up: {WarmUpRounds} requests to each page in {warmUp.Elapsed.TotalSeconds:0.0} s");

        Console.WriteLine($"Feedback list, {items:N0} items stored, {samples} samples each (server time from Server-Timing):");
        var results = new List<(string Name, double P50, double P95)>();
        foreach (var (name, client, url) in pages)
        {
            var times = new List<double>(samples);
            for (var i = 0; i < samples; i++)
                times.Add(await BenchmarkApp.ServerTimeAsync(client, url));
            times.Sort();
            results.Add((name, Stats.Percentile(times, 50), Stats.Percentile(times, 95)));
            Console.WriteLine($"  {name,-50} {Stats.Summary(times)}");
        }
        // The issue's target is the unfiltered first page; a filtered first page is held to the same bar.
        // The taxonomy pages count every coded item per entry (a scan of the attributions); they carry no target of their
        // own and are reported for information only.
        var pass = results.Where(r => !r.Name.Contains("/taxonomy/", StringComparison.Ordinal)).All(r => r.P95 <= 50);
        Console.WriteLine($"target first page (filtered or not) ≤ 50 ms server time at p95: {(pass ? "PASS" : "FAIL")}");
        folder.Delete(recursive: true);
        return pass ? 0 : 1;
    }

    /// <summary>Enough calls for the runtime's tiered compilation to promote the request path (it recompiles after 30).</summary>
    private const int WarmUpRounds = 60;

    /// <summary>Stores <paramref name="items"/> voices across 2,000 customers and five channels through the bulk writer.</summary>
    public static async Task FillAsync(IServiceProvider services, int items)
    {
        var stopwatch = Stopwatch.StartNew();
        var connection = services.GetRequiredService<DatabaseConnection>();
        int[] channelIds;
        await using (var scope = services.CreateAsyncScope())
            channelIds = scope.ServiceProvider.GetRequiredService<VocDbContext>().Channels.OrderBy(c => c.Id).Select(c => c.Id).ToArray();
        var random = new Random(7);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var writer = await FeedbackBulkWriter.OpenAsync(connection, TimeProvider.System);
        for (var i = 0; i < items;)
        {
            writer.BeginBatch();
            for (var end = Math.Min(items, i + 10_000); i < end; i++)
            {
                var chinese = i % 3 == 0;
                writer.Add(new BulkFeedback(channelIds[i % channelIds.Length], $"L-{i}", $"CUST-{random.Next(2000)}", null,
                    chinese ? $"门店 {i % 500} 的补货单在促销期间总是延迟，准时补货率下降了约 {random.Next(5, 30)}%。"
                            : $"Store {i % 500} replenishment orders are late during promotions; on-time rate down about {random.Next(5, 30)}%.",
                    start.AddSeconds(i * 15 + random.Next(15)), chinese ? "zh" : "en", null));
            }
            await writer.CommitBatchAsync();
            if (i % 200_000 == 0)
                Console.Error.WriteLine($"  stored {i:N0} / {items:N0}");
        }
        Console.WriteLine($"stored {items:N0} items in {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    private const string RareGap = "bench-rare-gap";
    private const string RareTag = "bench-rare-tag";
    private const string SmallSegment = "bench-small";

    /// <summary>
    /// Codes every even id with the seeded taxonomy (gap and metric cycle through 14 entries, domain through 9, one tag on
    /// all of them), a rare gap and a rare tag on the oldest items only (the worst case for a newest-first scan), and puts
    /// the customers into the seeded segments plus a two-customer one. Set-based, as the coding benchmark does.
    /// </summary>
    private static async Task<(string Gap, string Metric, string Domain, string Tag)> CodeForFiltersAsync(IServiceProvider services)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        db.CapabilityGaps.Add(new Taxonomy.CapabilityGap { Key = RareGap, Name = "Rare gap" });
        db.Tags.Add(new Taxonomy.Tag { Key = RareTag, Name = "Rare tag" });
        db.Segments.Add(new Segments.Segment { Key = SmallSegment, Name = "Two customers" });
        await db.SaveChangesAsync();
        var gaps = await db.CapabilityGaps.Where(g => g.Key != RareGap).OrderBy(g => g.Id).Select(g => g.Id).ToListAsync();
        var metrics = await db.BusinessMetrics.OrderBy(m => m.Id).Select(m => m.Id).ToListAsync();
        var domains = await db.OwningDomains.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync();
        var tag = await db.Tags.Where(t => t.Key != RareTag).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        var rareGap = await db.CapabilityGaps.Where(g => g.Key == RareGap).Select(g => g.Id).SingleAsync();
        var rareTag = await db.Tags.Where(t => t.Key == RareTag).Select(t => t.Id).SingleAsync();
        var segments = await db.Segments.Where(g => g.Key != SmallSegment).OrderBy(g => g.Id).Select(g => g.Id).ToListAsync();
        var small = await db.Segments.Where(g => g.Key == SmallSegment).Select(g => g.Id).SingleAsync();

        // The n-th id of a list by a column % n, as SQL: CASE "Id" % 3 WHEN 0 THEN 11 WHEN 1 THEN 12 WHEN 2 THEN 13 END.
        static string Cycle(string column, IReadOnlyList<int> ids) =>
            $"CASE {column} % {ids.Count} " + string.Concat(ids.Select((id, i) => $"WHEN {i} THEN {id} ")) + "END";

        const string half = "(\"Id\" / 2)";
        var metricOf = Cycle(half, metrics);
        var gapOf = Cycle(half, gaps);
        var domainOf = Cycle(half, domains);
        var segmentOf = Cycle("\"Id\"", segments);

        await using var transaction = await db.Database.BeginTransactionAsync();
#pragma warning disable EF1002 // the interpolated values are ids read just above, not input
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE "FeedbackItems" SET "Status" = 'Attributed' WHERE "Id" % 2 = 0
            """);
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO "Attributions" ("FeedbackItemId", "BusinessMetricId", "ImpactDirection", "CapabilityGapId", "OwningDomainId",
                "ValueDimension", "VoiceRole", "State", "Version", "UpdatedAt", "SubmittedAt")
            SELECT "Id", {metricOf}, 'Down',
                CASE WHEN "Id" <= 200 THEN {rareGap} ELSE {gapOf} END,
                {domainOf}, 'Pain', 'User', 'Submitted', 1, "IngestedAt", "IngestedAt"
            FROM "FeedbackItems" WHERE "Id" % 2 = 0
            """);
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO "AttributionTags" ("AttributionId", "TagId") SELECT "Id", {tag} FROM "Attributions"
            """);
        await db.Database.ExecuteSqlRawAsync($"""
            INSERT INTO "AttributionTags" ("AttributionId", "TagId") SELECT "Id", {rareTag} FROM "Attributions" WHERE "FeedbackItemId" <= 400
            """);
        await db.Database.ExecuteSqlRawAsync($"""
            UPDATE "Customers" SET "SegmentId" = CASE WHEN "Id" IN (1, 2) THEN {small} ELSE {segmentOf} END
            """);
#pragma warning restore EF1002
        await transaction.CommitAsync();
        Console.WriteLine($"coded half the items for the filters in {stopwatch.Elapsed.TotalSeconds:0.0} s (no ANALYZE: the app never runs one)");
        var keyOf = await db.CapabilityGaps.Where(g => g.Id == gaps[3]).Select(g => g.Key).SingleAsync();
        return (keyOf,
            await db.BusinessMetrics.Where(m => m.Id == metrics[3]).Select(m => m.Key).SingleAsync(),
            await db.OwningDomains.Where(d => d.Id == domains[3]).Select(d => d.Key).SingleAsync(),
            await db.Tags.Where(t => t.Id == tag).Select(t => t.Key).SingleAsync());
    }

    /// <summary>SQLite's plan for the list query under each kind of filter, as FeedbackQueries builds it, with the time it takes in process.</summary>
    private static async Task PrintPlansAsync(IServiceProvider services, (string Gap, string Metric, string Domain, string Tag) keys)
    {
        int gap, rareGap, tag, rareTag, segment, small;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            gap = await db.CapabilityGaps.Where(g => g.Key == keys.Gap).Select(g => g.Id).SingleAsync();
            rareGap = await db.CapabilityGaps.Where(g => g.Key == RareGap).Select(g => g.Id).SingleAsync();
            tag = await db.Tags.Where(t => t.Key == keys.Tag).Select(t => t.Id).SingleAsync();
            rareTag = await db.Tags.Where(t => t.Key == RareTag).Select(t => t.Id).SingleAsync();
            segment = await db.Segments.Where(g => g.Key == "enterprise").Select(g => g.Id).SingleAsync();
            small = await db.Segments.Where(g => g.Key == SmallSegment).Select(g => g.Id).SingleAsync();
        }
        foreach (var (label, filter) in new (string, FeedbackFilter)[]
                 {
                     ("common gap", new FeedbackFilter { CapabilityGapId = gap }),
                     ("rare gap", new FeedbackFilter { CapabilityGapId = rareGap }),
                     ("common tag", new FeedbackFilter { TagId = tag }),
                     ("rare tag", new FeedbackFilter { TagId = rareTag }),
                     ("common gap and rare tag", new FeedbackFilter { CapabilityGapId = gap, TagId = rareTag }),
                     ("large segment", new FeedbackFilter { SegmentId = segment }),
                     ("small segment", new FeedbackFilter { SegmentId = small }),
                 })
        {
            var stopwatch = new Stopwatch();
            await QueryPlans.PrintAsync(services, $"feedback list ({label})",
                sql => sql.Contains("\"ReceivedAt\" DESC", StringComparison.Ordinal),
                async (db, provider) =>
                {
                    stopwatch.Start();
                    await new FeedbackQueries(db, provider.GetRequiredService<ChannelCatalog>()).ListAsync(filter, null, 50);
                    stopwatch.Stop();
                });
            Console.WriteLine($"  -> first run in process, count included: {stopwatch.Elapsed.TotalMilliseconds:0.0} ms");
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
