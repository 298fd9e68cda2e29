namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/VoiceOfCustomer.Benchmarks -- BENCHMARK [options]</c>. One file per
/// benchmark; add yours to the switch. Hidden <c>*-child</c> modes run measured work in a process of its own.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var name = args.Length > 0 ? args[0] : "";
        var rest = args.Length > 0 ? args[1..] : [];
        switch (name)
        {
            case "import":
                return await ImportBenchmark.RunAsync(rest);
            case ImportBenchmark.ChildMode:
                return await ImportBenchmark.RunChildAsync(rest);
            case "api":
                return await ApiIntakeBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--connections", 32),
                    TimeSpan.FromSeconds(BenchmarkSupport.IntOption(rest, "--seconds", 20)),
                    TimeSpan.FromSeconds(BenchmarkSupport.IntOption(rest, "--warmup", 5)));
            case "list":
                return await FeedbackListBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--items", 1_000_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 100));
            case "customers":
                return await CustomerListBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--customers", 1_000_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 30));
            case "coding":
                return await CodingBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--items", 1_000_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 100),
                    BenchmarkSupport.IntOption(rest, "--submits", 200));
            case "sla":
                return await SlaBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--items", 1_000_000),
                    BenchmarkSupport.IntOption(rest, "--due", 10_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 50));
            case "suggest":
                return await SuggestionBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--coded", 20_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 200));
            case "mail":
                return await MailBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--mails", 1_000),
                    BenchmarkSupport.IntOption(rest, "--rounds", 5),
                    BenchmarkSupport.Option(rest, "--smtp-port") is { } port ? int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) : null);
            case "flows":
                return await FlowBenchmark.RunAsync(
                    BenchmarkSupport.IntOption(rest, "--live", 100_000),
                    BenchmarkSupport.IntOption(rest, "--due", 1_000),
                    BenchmarkSupport.IntOption(rest, "--tasks", 100_000),
                    BenchmarkSupport.IntOption(rest, "--samples", 100));
            case "clv":
                return await ClvBenchmark.RunAsync(rest);
            case ClvBenchmark.ChildMode:
                return ClvBenchmark.RunChild(rest);
            case "value":
                return await ValueScoringBenchmark.RunAsync(BenchmarkSupport.IntOption(rest, "--customers", 1_000_000));
            case "segments":
                return await SegmentRulesBenchmark.RunAsync(BenchmarkSupport.IntOption(rest, "--customers", 1_000_000));
            default:
                Console.Error.WriteLine("""
                    usage: VoiceOfCustomer.Benchmarks BENCHMARK [options]
                      import [--rows N] [--keep]                      CSV import vs a plain insert loop (SQLite)
                      api [--connections 32] [--seconds 20] [--warmup 5]  POST /api/feedback throughput and latency
                      list [--items 1000000] [--samples 100]          first page of the feedback list, server time
                      customers [--customers 1000000] [--samples 30]  first page of /customers in each sort and filter, a later page, a customer's page, server time
                      coding [--items 1000000] [--samples 100] [--submits 200]  coding queue pages and attribution submits, server time
                      suggest [--coded 20000] [--samples 200]         train the suggester on N coded items; server time of an item's suggestions
                      sla [--items 1000000] [--due 10000] [--samples 50]  due-timer query and processing a burst of due SLA timers (SQLite, in process)
                      flows [--live 100000] [--due 1000] [--tasks 100000] [--samples 100]  due flow timers with 100,000 live runs; My tasks with 100,000 open tasks
                      clv [--customers 1000000] [--cdnow PATH] [--seed 1]  BG/NBD + Gamma-Gamma fit: CDNOW from the file, N simulated customers (time, peak memory), CLV scoring
                      value [--customers 1000000]                    refit on stored purchases and contracts (SQLite, in process): reading, fitting, re-scoring every customer, segment rules
                      segments [--customers 1000000]                 every segment rule over N customers (SQLite, in process): first, steady, after a change; a preview
                      mail [--mails 1000] [--rounds 5] [--smtp-port P]  outbox delivery to maildev vs a plain loop over one MailKit connection
                    The api, list, customers and coding benchmarks start the Release build of the web app: dotnet build -c Release first.
                    """);
                return 2;
        }
    }
}
