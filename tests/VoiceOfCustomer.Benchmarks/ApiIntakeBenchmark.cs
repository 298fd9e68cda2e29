using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.ApiKeys;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// <c>POST /api/feedback</c> under N concurrent connections against the Release build on SQLite.
/// Target: at least 1,500 requests/s with p99 latency at most 50 ms at 32 connections.
/// </summary>
public static class ApiIntakeBenchmark
{
    public static async Task<int> RunAsync(int connections, TimeSpan duration, TimeSpan warmup)
    {
        var folder = Directory.CreateTempSubdirectory("voc-bench-api-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        var services = await BenchmarkApp.PrepareDatabaseAsync(databaseFile);
        string token;
        await using (var scope = services.CreateAsyncScope())
            token = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("bench", ["intake"])).Token;

        await using var app = await BenchmarkApp.StartAsync(databaseFile, services);
        using var client = app.CreateClient(connections);
        client.DefaultRequestHeaders.Add("X-Api-Key", token);
        Console.WriteLine($"POST /api/feedback: {connections} connections, {warmup.TotalSeconds:0} s warm-up, {duration.TotalSeconds:0} s measured, SQLite {databaseFile}");

        var counter = 0L;
        await Load(client, connections, warmup, () => Interlocked.Increment(ref counter), record: null);
        var latencies = new List<double>[connections];
        var failures = 0L;
        var stopwatch = Stopwatch.StartNew();
        await Load(client, connections, duration, () => Interlocked.Increment(ref counter), (worker, ms, ok) =>
        {
            (latencies[worker] ??= new List<double>(100_000)).Add(ms);
            if (!ok) Interlocked.Increment(ref failures);
        });
        var elapsed = stopwatch.Elapsed.TotalSeconds;

        var all = latencies.Where(l => l is not null).SelectMany(l => l).ToList();
        var rps = all.Count / elapsed;
        all.Sort();
        var p99 = Stats.Percentile(all, 99);
        Console.WriteLine(FormattableString.Invariant($"requests {all.Count:N0} in {elapsed:0.0} s = {rps:N0} req/s; failures {failures}"));
        Console.WriteLine($"latency (client-observed): {Stats.Summary(all)}");
        var pass = rps >= 1500 && p99 <= 50 && failures == 0;
        Console.WriteLine(FormattableString.Invariant($"target ≥ 1,500 req/s and p99 ≤ 50 ms: {(pass ? "PASS" : "FAIL")} ({rps:N0} req/s, p99 {p99:0.0} ms)"));
        folder.Delete(recursive: true);
        return pass ? 0 : 1;
    }

    private static async Task Load(HttpClient client, int connections, TimeSpan duration, Func<long> next, Action<int, double, bool>? record)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, connections).Select(worker => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var n = next();
                var body = $$$"""
                    {"channel":"support","externalId":"B-{{{n}}}","customer":"ACME-{{{n % 200}}}","contact":{"name":"User {{{n % 1000}}}","email":"user{{{n % 1000}}}@acme.example"},
                     "verbatim":"Replenishment orders for store {{{n % 500}}} arrive late since the promotion started; on-time rate dropped about 12%. 补货单延迟。",
                     "receivedAt":"2026-11-01T08:00:00Z","language":"en","metadata":{"priority":"high","ticket":{{{n}}}}}
                    """;
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsync("api/feedback", new StringContent(body, Encoding.UTF8, "application/json"));
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                record?.Invoke(worker, ms, response.StatusCode == HttpStatusCode.Created);
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }
}
