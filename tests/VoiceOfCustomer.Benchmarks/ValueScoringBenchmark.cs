using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// The refit on stored data over N customers (default 1,000,000) on SQLite, in process: 60% buyers whose purchases come
/// from the BG/NBD and Gamma-Gamma processes, 30% contract customers (1–5 annual terms, some cancelled), 10% prospects.
/// Reports each phase; the target is the re-scoring (CLV, P(alive), tier, stage for every customer, written back) within
/// 10 s per million, and the whole refit's fit within 60 s.
/// </summary>
public static class ValueScoringBenchmark
{
    public static async Task<int> RunAsync(int customers)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-value-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        try
        {
            var services = await BenchmarkApp.PrepareDatabaseAsync(databaseFile, new Dictionary<string, string?> { ["CustomerValue:BackgroundRefit"] = "false" });
            await using (var scope = services.CreateAsyncScope())
                await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync(CancellationToken.None);
            var purchases = await FillAsync(databaseFile, customers);

            for (var round = 1; round <= 2; round++)
            {
                ValueRefitResult result;
                await using (var scope = services.CreateAsyncScope())
                    result = await scope.ServiceProvider.GetRequiredService<CustomerValueScorer>().RefitAsync("benchmark");
                var p = result.Phases;
                Console.WriteLine(BenchmarkSupport.Invariant(
                    $"refit {round}: {result.Elapsed.TotalSeconds:F1} s = reading {p.Loading.TotalSeconds:F1} s + fitting {p.Fitting.TotalSeconds:F1} s + scoring and writing {p.Scoring.TotalSeconds:F1} s (of which writing {p.Writing.TotalSeconds:F1} s) + segment rules {p.Segments.TotalSeconds:F1} s; {result.CustomersScored:N0} customers, {result.StageChanges:N0} stage changes, equity {result.CustomerEquity:N0}"));
                foreach (var fit in result.Fits)
                    Console.WriteLine(BenchmarkSupport.Invariant($"  {fit.Model,-28} {fit.Status,-13} {fit.Customers,10:N0} customers"));
                if (round == 2)
                {
                    Console.WriteLine(BenchmarkSupport.Invariant($"{purchases:N0} purchases; peak memory: {BenchmarkSupport.PeakMemoryMb():F0} MB"));
                    var scale = customers / 1_000_000.0;
                    var pass = p.Scoring <= TimeSpan.FromSeconds(10) * scale && p.Loading + p.Fitting <= TimeSpan.FromSeconds(60) * scale;
                    Console.WriteLine((pass ? "PASS" : "FAIL") + BenchmarkSupport.Invariant(
                        $" (targets per 1,000,000 customers: re-scoring ≤ 10 s, took {p.Scoring.TotalSeconds:F1} s; reading and fitting ≤ 60 s, took {(p.Loading + p.Fitting).TotalSeconds:F1} s)"));
                    return pass ? 0 : 1;
                }
            }
            return 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Customers, purchases and contracts by prepared INSERTs, 50,000 customers a transaction. Returns the purchases written.</summary>
    private static async Task<long> FillAsync(string databaseFile, int customers)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var connection = new SqliteConnection($"Data Source={databaseFile}");
        await connection.OpenAsync();
        var random = new Random(18);
        var now = DateTime.UtcNow.Date;
        string Instant(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var buyers = ClvSimulator.Customers(new BgNbdParameters(0.6, 6, 0.7, 3), new GammaGammaParameters(5, 4, 80), customers, 78, 104, seed: 5).GetEnumerator();
        long purchases = 0;
        for (var start = 1; start <= customers; start += 50_000)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var customer = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "Customers" ("Id", "Reference", "ReferenceNormalized", "Name", "LifecycleStage", "CreatedAt", "AcquiredAt", "InCoBuildProgramme",
                    "FeedbackLast90Days", "CommunityPostsLast90Days")
                VALUES ($id, $ref, $ref, $ref, 'Prospect', $created, $acquired, 0, 0, 0)
                """, "$id", "$ref", "$created", "$acquired");
            await using var purchase = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "CustomerTransactions" ("CustomerId", "Reference", "OccurredAt", "Amount", "CreatedAt") VALUES ($customer, $ref, $at, $amount, $at)
                """, "$customer", "$ref", "$at", "$amount");
            await using var contract = SqliteBulk.Command(connection, transaction, """
                INSERT INTO "CustomerContracts" ("CustomerId", "Reference", "StartsOn", "EndsOn", "AnnualValue", "Term", "Status", "CreatedAt")
                VALUES ($customer, $ref, $starts, $ends, $value, $term, $status, $created)
                """, "$customer", "$ref", "$starts", "$ends", "$value", "$term", "$status", "$created");
            for (var id = start; id < Math.Min(customers + 1, start + 50_000); id++)
            {
                buyers.MoveNext();
                var kind = id % 10;
                if (kind < 6)
                {
                    var first = now.AddDays(-728);
                    var simulated = buyers.Current;
                    SqliteBulk.Set(customer, id, $"C-{id}", Instant(first.AddDays(simulated.PurchaseTimes[0] * 7 - 30)), Instant(first.AddDays(simulated.PurchaseTimes[0] * 7)));
                    await customer.ExecuteNonQueryAsync();
                    for (var j = 0; j < simulated.PurchaseTimes.Length; j++)
                    {
                        SqliteBulk.Set(purchase, id, $"O-{j}", Instant(first.AddDays(simulated.PurchaseTimes[j] * 7)), Math.Round(simulated.Amounts[j], 2).ToString("0.00", CultureInfo.InvariantCulture));
                        await purchase.ExecuteNonQueryAsync();
                        purchases++;
                    }
                }
                else if (kind < 9)
                {
                    var terms = 1 + random.Next(5);
                    var startsOn = now.AddDays(-365 * terms + random.Next(1, 300));
                    SqliteBulk.Set(customer, id, $"C-{id}", Instant(startsOn.AddDays(-60)), Instant(startsOn));
                    await customer.ExecuteNonQueryAsync();
                    var cancelled = random.Next(5) == 0;
                    for (var term = 1; term <= terms; term++)
                    {
                        var termStart = startsOn.AddYears(term - 1);
                        var status = term < terms ? "Renewed" : cancelled ? "Cancelled" : "Active";
                        SqliteBulk.Set(contract, id, $"T-{term}", Day(termStart), Day(termStart.AddYears(1).AddDays(-1)), "120000", term, status, Instant(termStart));
                        await contract.ExecuteNonQueryAsync();
                    }
                }
                else
                {
                    SqliteBulk.Set(customer, id, $"C-{id}", Instant(now.AddDays(-random.Next(400))), null);
                    await customer.ExecuteNonQueryAsync();
                }
            }
            await transaction.CommitAsync();
        }
        Console.WriteLine(BenchmarkSupport.Invariant($"filled {customers:N0} customers (60% buyers, 30% contracts, 10% prospects) and {purchases:N0} purchases in {clock.Elapsed.TotalSeconds:F1} s"));
        return purchases;
    }
}
