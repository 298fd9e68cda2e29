using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.UnitTests.Seeding;

public sealed class DemoStoryTests
{
    private static readonly DateTime Anchor = new(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc);
    private static readonly double[] Shares = [0.75, 1.0, 1.5];

    private static List<DemoVoiceFate> Fates(int seed, double weeksBack, int count = 4_000)
    {
        var story = new DemoStory(seed, Anchor, Shares);
        return [.. Enumerable.Range(0, count).Select(_ => story.Next(Anchor.AddDays(-7 * weeksBack)))];
    }

    /// <summary>Share of fates coded at or after <paramref name="share"/> of the target (never-coded ones count as late).</summary>
    private static double LateShare(List<DemoVoiceFate> fates, double share) =>
        fates.Count(f => f.CodedAtShare is not { } coded || coded >= share) / (double)fates.Count;

    [Fact]
    public void The_same_seed_and_anchor_give_the_same_fates()
    {
        Assert.Equal(Fates(42, 10), Fates(42, 10));
        Assert.NotEqual(Fates(42, 10), Fates(43, 10));
    }

    [Fact]
    public void Most_voices_are_coded_within_target_except_in_the_overrun_month_and_the_team_recovers_after_it()
    {
        var steady = LateShare(Fates(1, 15), 1.0);
        var overrun = LateShare(Fates(1, 7.5), 1.0);
        var recovered = LateShare(Fates(1, 3), 1.0);
        Assert.InRange(steady, 0.09, 0.16);
        Assert.InRange(overrun, 0.30, 0.42);
        Assert.InRange(recovered, 0.04, 0.09);
        // Warnings (after 75% of the target, coded in time) are the most common kind of lateness.
        var warned = Fates(1, 15).Count(f => f.CodedAtShare is >= 0.75 and < 1.0) / 4000.0;
        Assert.InRange(warned, 0.10, 0.16);
    }

    [Fact]
    public void Every_level_is_reached_clear_of_its_milestone_and_a_question_to_the_customer_comes_before_the_coding()
    {
        var fates = Fates(3, 7.5, 10_000);
        Assert.All(fates.Select(f => f.CodedAtShare).OfType<double>(), coded =>
            Assert.DoesNotContain(Shares, share => Math.Abs(coded - share) < 0.01));
        Assert.Contains(fates, f => f.CodedAtShare > 1.5);
        Assert.All(fates.Where(f => f.PausedAtShare is not null && f.CodedAtShare is not null), f => Assert.True(f.PausedAtShare < f.CodedAtShare));
        Assert.InRange(fates.Count(f => f.PausedAtShare is not null) / 10_000.0, 0.03, 0.05);
    }

    [Fact]
    public void Only_recent_voices_are_left_uncoded_or_still_waiting_for_the_customer()
    {
        Assert.DoesNotContain(Fates(5, 10), f => f.CodedAtShare is null || (f.PausedAtShare is not null && f.Waited is null));
        var recent = Fates(5, 1);
        Assert.Contains(recent, f => f.CodedAtShare is null);
        Assert.Contains(recent, f => f.PausedAtShare is not null && f.Waited is null);
    }
}
