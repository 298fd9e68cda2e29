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
            default:
                Console.Error.WriteLine("usage: VoiceOfCustomer.Benchmarks import [--rows N] [--keep]");
                return 2;
        }
    }
}
