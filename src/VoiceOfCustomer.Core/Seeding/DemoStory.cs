namespace VoiceOfCustomer.Seeding;

/// <summary>
/// What happened to one demo voice after it arrived, in shares of its attribution target (counted on its clock,
/// so in working time where its segment has a calendar): when the CSM asked the customer something and how long the
/// answer took, and when the coding was submitted.
/// </summary>
/// <param name="CodedAtShare">Share of the target used when the coding was submitted; null: nobody has coded it (yet).</param>
/// <param name="PausedAtShare">Share used when the CSM asked the customer (the clock pauses); null: never asked.</param>
/// <param name="Waited">How long the customer took to answer (wall-clock); null: still waiting.</param>
public sealed record DemoVoiceFate(double? CodedAtShare, double? PausedAtShare = null, TimeSpan? Waited = null);

/// <summary>
/// The two quarters the demo organisation has lived through, relative to the anchor: a team that codes most voices
/// well within target, a month (weeks 6 to 9 before the anchor) when volume outran it and warnings, breaches and
/// leadership escalations piled up, then a recovery better than before. Recent weeks also hold a few voices nobody
/// picked up (open and breached now) and customers who have not answered yet. Deterministic: the same seed, anchor
/// and sequence of calls give the same fates.
/// </summary>
/// <param name="milestoneShares">The SLA workflow's milestones as shares of the target, in order (0.75, 1.0, 1.5 by default).</param>
public sealed class DemoStory(int seed, DateTime anchor, IReadOnlyList<double> milestoneShares)
{
    /// <summary>Chance that a voice is coded before the first milestone, after it, after the second... (one more than the milestones).</summary>
    private static readonly double[] Steady = [0.75, 0.13, 0.08, 0.04];
    private static readonly double[] Overrun = [0.42, 0.22, 0.21, 0.15];
    private static readonly double[] Recovered = [0.83, 0.11, 0.045, 0.015];

    private const double OverrunPeakWeeksBack = 7.5;
    private const double OverrunHalfWidthWeeks = 2;
    private const double RecoveredWithinWeeks = 5.5;

    private readonly Random _random = new(unchecked(seed * 104_729 + 11));
    private readonly DateTime _anchor = DateTime.SpecifyKind(anchor, DateTimeKind.Utc);

    /// <summary>The fate of the next voice, which arrived at <paramref name="arrivedAt"/>.</summary>
    public DemoVoiceFate Next(DateTime arrivedAt)
    {
        var weeksBack = (_anchor - arrivedAt).TotalDays / 7;
        var level = PickLevel(LevelChances(weeksBack));
        double? coded = ShareWithin(level);

        // A few recent voices fell through the cracks: nobody has coded them, so they are breached by now.
        if (weeksBack < 4 && _random.NextDouble() < 0.015)
            coded = null;

        if (_random.NextDouble() >= 0.04)
            return new DemoVoiceFate(coded);
        // The CSM asked the customer first; recent questions may still be unanswered.
        var pausedAt = (coded ?? 0.6) * (0.2 + 0.5 * _random.NextDouble());
        TimeSpan? waited = weeksBack < 1.5 && _random.NextDouble() < 0.35 ? null : TimeSpan.FromHours(8 + _random.NextDouble() * 136);
        return new DemoVoiceFate(coded, pausedAt, waited);
    }

    /// <summary>The overrun month rises to its worst and falls back; after it the team is better than before.</summary>
    internal static double[] LevelChances(double weeksBack)
    {
        var overrun = Math.Clamp(1 - Math.Abs(weeksBack - OverrunPeakWeeksBack) / OverrunHalfWidthWeeks, 0, 1);
        var before = weeksBack < RecoveredWithinWeeks ? Recovered : Steady;
        return [.. before.Select((p, i) => p * (1 - overrun) + Overrun[i] * overrun)];
    }

    private int PickLevel(double[] chances)
    {
        var levels = Math.Min(chances.Length, milestoneShares.Count + 1);
        var roll = _random.NextDouble() * chances.Take(levels).Sum();
        for (var level = 0; level < levels - 1; level++)
        {
            roll -= chances[level];
            if (roll < 0)
                return level;
        }
        return levels - 1;
    }

    /// <summary>A share between milestone <paramref name="level"/> - 1 and the next, clear of both, so the level reached is the one meant.</summary>
    private double ShareWithin(int level)
    {
        var first = milestoneShares.Count == 0 ? 1.0 : milestoneShares[0];
        if (level == 0)
            return first * (0.1 + 0.82 * Math.Pow(_random.NextDouble(), 1.4)); // most voices are coded early
        var low = milestoneShares[level - 1];
        var high = level < milestoneShares.Count ? milestoneShares[level] : low * 1.8;
        var margin = (high - low) * 0.06;
        return low + margin + (high - low - 2 * margin) * _random.NextDouble();
    }
}
