using System.Diagnostics;
using System.Globalization;

namespace VoiceOfCustomer.Seeding;

/// <summary>
/// Writes a long seed's progress as lines ("  history    120 / 720 (17%)  3.4 s"), at most one per phase per second
/// plus each phase's last. Synchronous (unlike <see cref="Progress{T}"/>), so lines come out in order.
/// </summary>
public sealed class SeedProgressWriter(Action<string> writeLine) : IProgress<SeedProgress>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.MinValue;
    private string? _phase;

    public void Report(SeedProgress value)
    {
        var now = _clock.Elapsed;
        var finished = value.Done >= value.Total;
        if (value.Phase == _phase && !finished && now - _last < TimeSpan.FromSeconds(1))
            return;
        _phase = value.Phase;
        _last = now;
        var percent = value.Total == 0 ? 100 : 100.0 * value.Done / value.Total;
        writeLine(string.Create(CultureInfo.InvariantCulture, $"  {value.Phase,-10} {value.Done,12:N0} / {value.Total:N0} ({percent:F0}%)  {now.TotalSeconds:F1} s"));
    }
}
