using VoiceOfCustomer.Customers;
using System.Diagnostics;
using VoiceOfCustomer.Value;
using static VoiceOfCustomer.Benchmarks.BenchmarkSupport;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// <c>clv [--customers 1000000] [--cdnow PATH] [--seed 1]</c>: the BG/NBD + Gamma-Gamma fit on CDNOW (from parsing the file
/// to the parameters; targets ≤ 1 s) and on a million simulated customers (≤ 60 s, ≤ 1 GB), measured in a child process of
/// its own so its peak memory is the fit's; then scoring every simulated customer's CLV and summarising their transactions.
/// </summary>
public static class ClvBenchmark
{
    public const string ChildMode = "clv-child";

    private static readonly BgNbdParameters Purchases = new(0.243, 4.414, 0.793, 2.426);
    private static readonly GammaGammaParameters Spend = new(6.25, 3.74, 15.44);

    public static async Task<int> RunAsync(string[] args)
    {
        var customers = IntOption(args, "--customers", 1_000_000);
        var seed = IntOption(args, "--seed", 1);
        Console.WriteLine(Invariant($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        var failed = false;
        if (Option(args, "--cdnow") is { } cdnow)
            failed |= !RunCdnow(cdnow);
        else
            Console.WriteLine("CDNOW: skipped (pass --cdnow PATH to CDNOW_sample.txt)");

        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ClvBenchmark).Assembly.Location);
        foreach (var argument in new[] { ChildMode, "--customers", customers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
            Console.WriteLine("  child> " + line);
        await process.WaitForExitAsync();
        return failed || process.ExitCode != 0 ? 1 : 0;
    }

    /// <summary>Parse, summarise and fit both models five times; the first run includes the JIT.</summary>
    private static bool RunCdnow(string path)
    {
        var seconds = new List<double>();
        BgNbdFit? purchases = null;
        GammaGammaFit? spend = null;
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            using var reader = new StreamReader(path);
            var summary = RfmSummary.Build(TransactionFile.Read(reader, TransactionFileFormat.Cdnow, DateTimeOffset.UtcNow), new DateOnly(1997, 9, 30), ClvPeriod.Week);
            purchases = BgNbdModel.Fit(summary);
            spend = GammaGammaModel.Fit(summary);
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        var (p, g) = (purchases!.Model.Parameters, spend!.Model.Parameters);
        Console.WriteLine(Invariant($"CDNOW: r {p.R:0.0000} alpha {p.Alpha:0.0000} a {p.A:0.0000} b {p.B:0.0000} LL {purchases.Diagnostics.LogLikelihood:0.00}; p {g.P:0.0000} q {g.Q:0.0000} gamma {g.Gamma:0.0000}"));
        var worst = seconds.Max();
        Console.WriteLine(Invariant($"CDNOW parse + summary + both fits: first run {seconds[0]:0.000} s (with JIT), then {string.Join(", ", seconds.Skip(1).Select(s => s.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s — target ≤ 1 s: {(worst <= 1 ? "PASS" : "FAIL")}"));
        return worst <= 1;
    }

    public static int RunChild(string[] args)
    {
        var customers = IntOption(args, "--customers", 1_000_000);
        var seed = IntOption(args, "--seed", 1);
        var clock = Stopwatch.StartNew();
        var data = ClvSimulator.Summary(Purchases, Spend, customers, acquisitionWindow: 12, observationEnd: 39, seed);
        var simulated = clock.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"simulated {customers:N0} customers (weeks, acquired over 12, observed to 39) in {simulated:0.00} s; {data.Frequency.Count(x => x > 0):N0} repeat buyers"));

        clock.Restart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var purchases = BgNbdModel.Fit(data.Frequency, data.Recency, data.Age);
        var bgnbdSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var spend = GammaGammaModel.Fit(data.Frequency, data.MeanRepeatSpend);
        var ggSeconds = clock.Elapsed.TotalSeconds;
        var fitPeak = PeakMemoryMb() ?? -1;
        var (p, pe) = (purchases.Model.Parameters, purchases.StandardErrors!);
        var (g, ge) = (spend.Model.Parameters, spend.StandardErrors!);
        Console.WriteLine(Invariant($"BG/NBD fit {bgnbdSeconds:0.00} s, {purchases.Diagnostics.Iterations} iterations, converged {purchases.Diagnostics.Converged}: r {p.R:0.0000}±{pe.R:0.0000} alpha {p.Alpha:0.000}±{pe.Alpha:0.000} a {p.A:0.0000}±{pe.A:0.0000} b {p.B:0.000}±{pe.B:0.000} (truth {Purchases})"));
        Console.WriteLine(Invariant($"Gamma-Gamma fit {ggSeconds:0.00} s on {spend.Diagnostics.Observations:N0}, {spend.Diagnostics.Iterations} iterations, converged {spend.Diagnostics.Converged}: p {g.P:0.000}±{ge.P:0.000} q {g.Q:0.000}±{ge.Q:0.000} gamma {g.Gamma:0.00}±{ge.Gamma:0.00} (truth {Spend})"));
        var fitSeconds = bgnbdSeconds + ggSeconds;
        Console.WriteLine(Invariant($"both fits {fitSeconds:0.00} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU), peak working set {fitPeak:0} MB (simulated data included), allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MB in all — target ≤ 60 s and ≤ 1,024 MB: {(fitSeconds <= 60 && fitPeak <= 1024 ? "PASS" : "FAIL")}"));

        clock.Restart();
        cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clv = new double[customers];
        var options = ClvOptions.Default;
        Parallel.For(0, customers, i => clv[i] = CustomerLifetimeValue.ForBuyer(purchases.Model, spend.Model, data.Frequency[i], data.Recency[i], data.Age[i], data.MeanRepeatSpend[i], ClvPeriod.Week, options));
        var tiers = CustomerLifetimeValue.Tiers(clv);
        Console.WriteLine(Invariant($"CLV ({options.HorizonMonths} months, margin {options.Margin}, discount {options.AnnualDiscountRate}) and tiers of {customers:N0} customers: {clock.Elapsed.TotalSeconds:0.00} s ({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU); equity {clv.Sum():N0}, top tier {tiers.Count(t => t == ValueTier.Top):N0} customers"));

        clock.Restart();
        var start = new DateOnly(2025, 1, 1);
        var records = ClvSimulator.Customers(Purchases, Spend, customers, 12, 39, seed + 1)
            .SelectMany((customer, i) => customer.PurchaseTimes.Select((t, j) => new PurchaseRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), start.AddDays((int)(t * 7)), customer.Amounts[j])));
        var summary = RfmSummary.Build(records, start.AddDays(39 * 7), ClvPeriod.Week);
        Console.WriteLine(Invariant($"summary of {customers:N0} simulated customers' transactions (drawn on the fly): {clock.Elapsed.TotalSeconds:0.00} s, {summary.Count:N0} customers; peak working set now {PeakMemoryMb() ?? -1:0} MB"));
        return purchases.Diagnostics.Converged && spend.Diagnostics.Converged && fitSeconds <= 60 && fitPeak <= 1024 ? 0 : 1;
    }
}
