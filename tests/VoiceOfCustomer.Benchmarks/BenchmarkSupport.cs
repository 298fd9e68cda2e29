using System.Globalization;

namespace VoiceOfCustomer.Benchmarks;

internal static class BenchmarkSupport
{
    public static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Peak resident set size of this process (Linux <c>VmHWM</c>), in MB; null elsewhere.</summary>
    public static double? PeakMemoryMb()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path))
            return null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        return null;
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
