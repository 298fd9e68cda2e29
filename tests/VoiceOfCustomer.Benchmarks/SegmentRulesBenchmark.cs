using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// Every shipped segment rule over N customers (default 1,000,000) on SQLite, in process: the first evaluation (every
/// customer moves, a history row each), a steady-state one (nobody moves), one after 1% of the customers changed, and a
/// preview. A third of the customers have behaviour measurements (the metric: rules' subqueries), 40% a contract.
/// Target: all rules over 1,000,000 customers in at most 10 s.
/// </summary>
public static class SegmentRulesBenchmark
{
    public static async Task<int> RunAsync(int customers)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-segments-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        try
        {
            var services = await BenchmarkApp.PrepareDatabaseAsync(databaseFile);
            await using (var scope = services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync(CancellationToken.None);
            await FillAsync(services, databaseFile, customers);

            var first = await EvaluateAsync(services);
            Console.WriteLine(BenchmarkSupport.Invariant($"first evaluation: {first.Elapsed.TotalSeconds:F2} s, {first.Moved:N0} of {first.Customers:N0} moved (a history row each)"));
            foreach (var moves in first.Segments)
                Console.WriteLine(BenchmarkSupport.Invariant($"  {moves.SegmentKey,-22} {moves.MovedIn,9:N0}"));
            var steady = await EvaluateAsync(services);
            Console.WriteLine(BenchmarkSupport.Invariant($"steady state:     {steady.Elapsed.TotalSeconds:F2} s, {steady.Moved:N0} moved"));

            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
                await db.Customers.Where(c => c.Id % 100 == 0).ExecuteUpdateAsync(s => s.SetProperty(c => c.AnnualRecurringRevenue, c => c.AnnualRecurringRevenue * 3));
            }
            var changed = await EvaluateAsync(services);
            Console.WriteLine(BenchmarkSupport.Invariant($"1% changed ARR:   {changed.Elapsed.TotalSeconds:F2} s, {changed.Moved:N0} moved"));

            var clock = Stopwatch.StartNew();
            SegmentPreview preview;
            await using (var scope = services.CreateAsyncScope())
                preview = await scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>()
                    .PreviewAsync("mid-market", """{"coordinate": "arr", "op": "between", "value": [50000, 500000]}""");
            Console.WriteLine(BenchmarkSupport.Invariant($"preview (mid-market from 50k): {clock.Elapsed.TotalSeconds:F2} s, {preview.MovingIn:N0} in, {preview.MovingOut:N0} out"));
            Console.WriteLine(BenchmarkSupport.Invariant($"peak memory: {BenchmarkSupport.PeakMemoryMb():F0} MB"));

            // The target is the re-evaluation (after a fit, an import, a rule's save); the first one, when every customer moves
            // and gets a history row, happens once per installation and is reported beside it.
            var worst = new[] { steady.Elapsed, changed.Elapsed }.Max();
            var pass = worst <= TimeSpan.FromSeconds(10) * (customers / 1_000_000.0);
            Console.WriteLine((pass ? "PASS" : "FAIL") + BenchmarkSupport.Invariant($" (target: re-evaluation within 10 s per 1,000,000 customers; slowest {worst.TotalSeconds:F2} s)"));
            return pass ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task<SegmentEvaluationResult> EvaluateAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>().EvaluateAllAsync();
    }

    /// <summary>Customers, measurements and contracts by prepared INSERTs, 50,000 rows a transaction.</summary>
    private static async Task FillAsync(IServiceProvider services, string databaseFile, int customers)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, int> metrics;
        await using (var scope = services.CreateAsyncScope())
            metrics = await scope.ServiceProvider.GetRequiredService<VocDbContext>().BehaviourMetrics.ToDictionaryAsync(m => m.Key, m => m.Id);
        await using var connection = new SqliteConnection($"Data Source={databaseFile}");
        await connection.OpenAsync();
        var random = new Random(18);
        var stages = new[] { "Prospect", "New", "Active", "Active", "Active", "ChurnRisk", "WinBack" };
        var plans = new[] { null, "trial", "self-serve", "standard", "enterprise" };
        var now = DateTime.UtcNow;
        string Instant(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

        for (var start = 1; start <= customers; start += 50_000)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var customer = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "Customers" ("Id", "Reference", "ReferenceNormalized", "Name", "LifecycleStage", "CreatedAt", "AnnualRecurringRevenue",
                    "LifetimeValue", "AcquisitionCost", "Plan", "Sites", "InCoBuildProgramme", "FeedbackLast90Days", "CommunityPostsLast90Days", "AcquiredAt")
                VALUES ($id, $ref, $ref, $name, $stage, $now, $arr, $ltv, $cac, $plan, $sites, $cobuild, $voices, $posts, $acquired)
                """, "$id", "$ref", "$name", "$stage", "$now", "$arr", "$ltv", "$cac", "$plan", "$sites", "$cobuild", "$voices", "$posts", "$acquired");
            await using var measurement = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "BehaviourMeasurements" ("MetricId", "CustomerId", "Period", "PeriodStart", "PeriodMonths", "Value", "RecordedAt")
                VALUES ($metric, $customer, $period, $start, 1, $value, $now)
                """, "$metric", "$customer", "$period", "$start", "$value", "$now");
            await using var contract = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "CustomerContracts" ("CustomerId", "Reference", "StartsOn", "EndsOn", "AnnualValue", "Term", "Status", "RenewalDriver", "CreatedAt")
                VALUES ($customer, $ref, '2025-01-01', '2025-12-31', '0', 1, 'Active', $driver, $now)
                """, "$customer", "$ref", "$driver", "$now");
            for (var id = start; id < Math.Min(customers + 1, start + 50_000); id++)
            {
                var arr = Math.Round(Math.Exp(random.NextDouble() * 9 + 8), 2); // ~3k to ~24M, log-uniform
                SqliteBulk.Set(customer, id, $"C-{id}", $"Customer {id}", stages[random.Next(stages.Length)], Instant(now),
                    arr.ToString("0.00", CultureInfo.InvariantCulture), random.Next(3) == 0 ? null : (arr * 3).ToString("0.00", CultureInfo.InvariantCulture),
                    random.Next(3) == 0 ? null : (arr * random.NextDouble()).ToString("0.00", CultureInfo.InvariantCulture),
                    plans[random.Next(plans.Length)], random.Next(4) == 0 ? random.Next(1, 600) : null, random.Next(20) == 0 ? 1 : 0,
                    random.Next(30), random.Next(10), random.Next(6) == 0 ? null : Instant(now.AddDays(-random.Next(3000))));
                await customer.ExecuteNonQueryAsync();
                if (id % 3 == 0)
                {
                    foreach (var (key, period, monthStart) in new[] { ("core-module-usage", "2026-09", "2026-09-01"), ("core-module-usage", "2026-10", "2026-10-01"),
                        ("customisation-level", "2026-10", "2026-10-01"), ("feature-adoption-rate", "2026-10", "2026-10-01") })
                    {
                        SqliteBulk.Set(measurement, metrics[key], id, period, monthStart, Math.Round(random.NextDouble() * 100, 1), Instant(now));
                        await measurement.ExecuteNonQueryAsync();
                    }
                }
                if (id % 5 < 2)
                {
                    SqliteBulk.Set(contract, id, $"K-{id}", random.Next(3) == 0 ? "price" : "value", Instant(now));
                    await contract.ExecuteNonQueryAsync();
                }
            }
            await transaction.CommitAsync();
        }
        Console.WriteLine(BenchmarkSupport.Invariant($"filled {customers:N0} customers (a third measured, 40% with a contract) in {clock.Elapsed.TotalSeconds:F1} s"));
    }
}
