using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class PairwiseSpecialistsTests
{
    // Feature 0 is shared by labels 0 and 1 (what makes them look alike to a one-vs-rest model); feature 1 only appears
    // with label 0 and feature 2 only with label 1; label 2 has features 3 and 4 of its own.
    private static (int[] Index, float[] Value)[][] Examples() =>
    [
        [.. Enumerable.Range(0, 20).Select(_ => (new[] { 0, 1 }, new[] { 0.8f, 0.6f }))],
        [.. Enumerable.Range(0, 20).Select(_ => (new[] { 0, 2 }, new[] { 0.8f, 0.6f }))],
        [.. Enumerable.Range(0, 20).Select(_ => (new[] { 3, 4 }, new[] { 0.7f, 0.7f }))],
    ];

    [Fact]
    public void A_specialist_reorders_two_look_alike_labels_by_the_feature_that_tells_them_apart()
    {
        var specialists = new PairwiseSpecialists(Examples(), featureCount: 5, mix: 1f);
        // The base model slightly prefers label 1, but the text carries label 0's own feature.
        var scores = new[] { 0.50f, 0.55f, -1f };

        specialists.Adjust([0, 1], [0.8f, 0.6f], scores);

        Assert.True(scores[0] > scores[1], $"label 0 should now lead: {string.Join(", ", scores)}");
    }

    [Fact]
    public void The_margins_are_antisymmetric_and_only_the_leaders_move()
    {
        var examples = Examples();
        var specialists = new PairwiseSpecialists(examples, featureCount: 5, mix: 1f);
        var scores = new[] { 0.50f, 0.55f, -1f };

        var (leaders, adjustment) = specialists.Margins([0, 2], [0.8f, 0.6f], scores);

        Assert.Equal(3, leaders.Length); // fewer labels than PairwiseSpecialists.Leading: all of them lead
        Assert.Equal(0, adjustment.Sum(), 4);
        Assert.True(adjustment[Array.IndexOf(leaders, 1)] > 0, "the text carries label 1's own feature");
    }

    [Fact]
    public void A_mix_of_zero_leaves_the_scores_alone()
    {
        var specialists = new PairwiseSpecialists(Examples(), featureCount: 5, mix: 0f);
        var scores = new[] { 0.50f, 0.55f, -1f };

        specialists.Adjust([0, 1], [0.8f, 0.6f], scores);

        Assert.Equal(new[] { 0.50f, 0.55f, -1f }, scores);
    }

    [Fact]
    public void Sampling_keeps_at_most_the_cap_per_label_and_every_label()
    {
        var rows = Enumerable.Range(0, 250).Select(i => (new[] { i }, new[] { 1f })).ToArray();
        var targets = Enumerable.Range(0, 250).Select(i => i < 240 ? 0 : 1).ToArray();

        var sampled = PairwiseSpecialists.Sample(rows, targets, labels: 2, seed: 17);

        Assert.Equal(PairwiseSpecialists.MaxExamplesPerLabel, sampled[0].Length);
        Assert.Equal(10, sampled[1].Length);
        Assert.All(sampled[0], row => Assert.True(row.Index[0] < 240));
        Assert.Equal(sampled[0].Length, sampled[0].Select(r => r.Index[0]).Distinct().Count());
    }

    [Theory]
    [InlineData(12, 0, true)]  // every text the specialists touch goes wrong: off
    [InlineData(12, 8, false)] // more broken than mended, but within chance: they stay on
    [InlineData(2, 0, false)]  // too few texts to tell
    [InlineData(0, 12, false)] // they only help
    public void The_held_out_share_switches_the_specialists_off_only_when_they_clearly_hurt(int broken, int mended, bool hurt)
    {
        var logits = new List<float[]>();
        var truth = new List<int>();
        var margins = new List<PairwiseMargins>();
        // Label 0 leads label 1 by 0.1 before the specialists; a margin of +-1 towards label 1 flips the order.
        void Add(int count, int label, float towardsLabel1)
        {
            for (var i = 0; i < count; i++)
            {
                logits.Add([0.6f, 0.5f, -1f]);
                truth.Add(label);
                margins.Add(new PairwiseMargins([0, 1], [-towardsLabel1, towardsLabel1]));
            }
        }
        Add(broken, label: 0, towardsLabel1: 1f);  // right before, wrong after
        Add(mended, label: 1, towardsLabel1: 1f);  // wrong before, right after
        Add(30, label: 0, towardsLabel1: -1f);     // right either way

        var adjusted = logits.Select((l, i) =>
        {
            var copy = (float[])l.Clone();
            margins[i].AddTo(copy, mix: 1f);
            return copy;
        }).ToList();

        Assert.Equal(hurt, TextClassifier.SpecialistsHurt(logits, adjusted, truth));
    }
}
