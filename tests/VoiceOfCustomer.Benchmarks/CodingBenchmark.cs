using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// Issue 3's coding workbench at scale: N items (default 1,000,000), half of them coded, spread over 20 owners.
/// Measures, as the running Release app times itself (Server-Timing), the coding queue's first page and filtered
/// pages (target ≤ 100 ms) and submitting an attribution through the API (target ≤ 30 ms). Also prints SQLite's
/// plan for the queue query, which must use the partial index IX_FeedbackItems_OpenQueue.
/// </summary>
public static class CodingBenchmark
{
    private const int Owners = 20;

    public static async Task<int> RunAsync(int items, int samples, int submits)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-coding-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        var services = await BenchmarkApp.PrepareDatabaseAsync(databaseFile);
        await using (var scope = services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync(CancellationToken.None);
        await FeedbackListBenchmark.FillAsync(services, items);
        var (metricId, gapId, domainId, tagId) = await CodeHalfAsync(services);
        await PrintQueuePlanAsync(services);
        await ProfileSubmitAsync(services, items, metricId, gapId, domainId, tagId);

        string token;
        await using (var scope = services.CreateAsyncScope())
            token = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("bench", ["read", "coding"])).Token;

        await using var app = await BenchmarkApp.StartAsync(databaseFile, services);
        using var api = app.CreateClient(1);
        api.DefaultRequestHeaders.Add("X-Api-Key", token);

        Console.WriteLine($"Coding, {items:N0} items stored ({items / 2:N0} coded, {Owners} owners), {samples} samples per page (server time from Server-Timing):");
        var pass = true;
        foreach (var (name, url) in new[]
                 {
                     ("queue first page", "api/coding/queue?limit=50"),
                     ("queue filtered (channel=support)", "api/coding/queue?limit=50&channel=support"),
                     ("queue filtered (owner=csm-7)", "api/coding/queue?limit=50&owner=csm-7"),
                     ("queue filtered (channel=support, owner=csm-7)", "api/coding/queue?limit=50&channel=support&owner=csm-7"),
                 })
        {
            var times = new List<double>(samples);
            for (var i = 0; i < samples + 5; i++)
            {
                using var response = await api.GetAsync(url);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var page = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (page.GetProperty("items").GetArrayLength() == 0)
                    throw new InvalidOperationException($"{url} returned no items");
                if (i >= 5) // the first requests warm up JIT and caches
                    times.Add(BenchmarkApp.ServerMilliseconds(response));
            }
            times.Sort();
            pass &= Stats.Percentile(times, 95) <= 100;
            Console.WriteLine($"  {name,-48} {Stats.Summary(times)}");
        }

        // Submits on different open items (odd ids stayed open), each a complete coding at version 0.
        var submitTimes = new List<double>(submits);
        for (var i = 0; i < submits + 5; i++)
        {
            var id = 1 + 2L * (i * 997 % (items / 2));
            using var response = await api.PostAsJsonAsync($"api/feedback/{id}/attribution", new
            {
                impact = new { metricId, direction = "down", magnitude = 4.5m, unit = "%" },
                rootCause = new { capabilityGapId = gapId, hypothesis = "The forecast ignores the live promotion feed." },
                owningDomainId = domainId,
                valueDimension = "pain",
                voiceRole = "buyer",
                tags = new[] { tagId },
                submit = true,
                version = 0,
            });
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"submit #{id} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            if (i >= 5)
                submitTimes.Add(BenchmarkApp.ServerMilliseconds(response));
        }
        submitTimes.Sort();
        var submitPass = Stats.Percentile(submitTimes, 50) <= 30;
        Console.WriteLine($"  {"submit attribution (POST, complete, v0)",-48} {Stats.Summary(submitTimes)}");
        Console.WriteLine($"target queue pages ≤ 100 ms server time at p95: {(pass ? "PASS" : "FAIL")}");
        Console.WriteLine($"target submit ≤ 30 ms server time at the median: {(submitPass ? "PASS" : "FAIL")}");
        folder.Delete(recursive: true);
        return pass && submitPass ? 0 : 1;
    }

    /// <summary>Even ids become coded (Attributed, with a submitted attribution) in two set-based statements; every item gets one of 20 owners.</summary>
    private static async Task<(int Metric, int Gap, int Domain, int Tag)> CodeHalfAsync(IServiceProvider services)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var metric = await db.BusinessMetrics.Where(m => !m.IsArchived && m.MergedIntoId == null).Select(m => m.Id).FirstAsync();
        var gap = await db.CapabilityGaps.Where(g => !g.IsArchived && g.MergedIntoId == null).Select(g => g.Id).FirstAsync();
        var domain = await db.OwningDomains.Where(d => !d.IsArchived && d.MergedIntoId == null).Select(d => d.Id).FirstAsync();
        var tag = await db.Tags.Where(t => !t.IsArchived && t.MergedIntoId == null).Select(t => t.Id).FirstAsync();

        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE "FeedbackItems" SET "OwnerCsmId" = 'csm-' || ("Id" % {Owners}),
                "Status" = CASE WHEN "Id" % 2 = 0 THEN 'Attributed' ELSE "Status" END
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Attributions" ("FeedbackItemId", "BusinessMetricId", "ImpactDirection", "ImpactMagnitude", "ImpactUnit",
                "CapabilityGapId", "RootCauseHypothesis", "OwningDomainId", "ValueDimension", "VoiceRole", "State", "Version",
                "UpdatedAt", "UpdatedById", "SubmittedAt")
            SELECT "Id", {metric}, 'Down', '5.0', '%', {gap}, 'Promotions are not in the forecast.', {domain}, 'Pain', 'User',
                'Submitted', 1, "IngestedAt", 'csm-' || ("Id" % {Owners}), "IngestedAt"
            FROM "FeedbackItems" WHERE "Id" % 2 = 0
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AttributionTags" ("AttributionId", "TagId") SELECT "Id", {tag} FROM "Attributions"
            """);
        await transaction.CommitAsync();
        // Fresh statistics, as after any large load, so the planner knows how selective the partial indexes are.
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        Console.WriteLine($"coded half the items in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return (metric, gap, domain, tag);
    }

    /// <summary>Runs the real queue query (CodingQueueQueries) in-process, captures its SQL, and prints SQLite's plan for it.</summary>
    private static async Task PrintQueuePlanAsync(IServiceProvider services)
    {
        foreach (var (label, filter) in new[]
                 {
                     ("first page", new CodingQueueFilter()),
                     ("channel=support, owner=csm-7", new CodingQueueFilter { Channel = "support", OwnerCsmId = "csm-7" }),
                 })
        {
            var plan = await QueryPlans.PrintAsync(services, $"coding queue ({label})",
                sql => sql.Contains("ORDER BY", StringComparison.Ordinal) && sql.Contains("\"AttributionDueAt\"", StringComparison.Ordinal),
                (db, provider) => new CodingQueueQueries(db, provider.GetRequiredService<ChannelCatalog>()).ListAsync(filter, null, 50));
            var usesIndex = plan.Any(line => line.Contains("IX_FeedbackItems_OpenQueue", StringComparison.Ordinal));
            Console.WriteLine(usesIndex ? "  -> uses a partial open-queue index" : "  -> WARNING: no partial open-queue index used");
        }
    }

    /// <summary>A few saves straight through AttributionService, to tell the service's own time from the HTTP pipeline's.</summary>
    private static async Task ProfileSubmitAsync(IServiceProvider services, int items, int metricId, int gapId, int domainId, int tagId)
    {
        for (var i = 0; i < 3; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var input = new AttributionInput
            {
                Impact = new ImpactInput { MetricId = metricId, Direction = "down", Magnitude = 4.5m, Unit = "%" },
                RootCause = new RootCauseInput { CapabilityGapId = gapId, Hypothesis = "Profiling." },
                OwningDomainId = domainId, ValueDimension = "pain", VoiceRole = "buyer", Tags = [tagId], Submit = true,
            };
            var stopwatch = Stopwatch.StartNew();
            var result = await scope.ServiceProvider.GetRequiredService<AttributionService>().SaveAsync(items - 1 - 2 * i, input, "bench");
            if (result.Outcome != CodingOutcome.Saved)
                throw new InvalidOperationException($"in-process submit: {result.Outcome} {string.Join("; ", result.Errors.Select(e => e.Message))}");
            Console.WriteLine($"in-process submit #{i + 1} (AttributionService, no HTTP): {stopwatch.Elapsed.TotalMilliseconds:0.0} ms");
        }
    }
}
