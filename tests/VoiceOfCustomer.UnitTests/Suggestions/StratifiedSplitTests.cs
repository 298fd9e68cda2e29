using VoiceOfCustomer.Suggestions.Evaluation;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class StratifiedSplitTests
{
    // 3 labels with 10, 25 and 7 rows.
    private static readonly List<CsvRow> Rows = [.. new[] { ("a", 10), ("b", 25), ("c", 7) }
        .SelectMany(l => Enumerable.Range(0, l.Item2).Select(i => (Label: l.Item1, I: i)))
        .Select((r, line) => new CsvRow(line + 2, [$"{r.Label} text {r.I}", r.Label]))];

    private static string Key(CsvRow row) => row.Fields[0];

    [Fact]
    public void Each_label_sends_its_rounded_share_to_test_and_no_row_is_lost_or_duplicated()
    {
        var (train, test) = StratifiedSplit.Split(Rows, 1, 0.2, seed: 42);

        Assert.Equal(2, test.Count(r => r.Fields[1] == "a"));
        Assert.Equal(5, test.Count(r => r.Fields[1] == "b"));
        Assert.Equal(1, test.Count(r => r.Fields[1] == "c")); // 1.4 rounds to 1
        Assert.Equal(Rows.Select(Key).Order(), train.Concat(test).Select(Key).Order());
        Assert.Empty(train.Select(Key).Intersect(test.Select(Key)));
        Assert.True(train.Select(r => r.Line).SequenceEqual(train.Select(r => r.Line).Order()), "train keeps the file's order");
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var first = StratifiedSplit.Split(Rows, 1, 0.2, seed: 42).Test.Select(Key).ToList();
        var again = StratifiedSplit.Split(Rows, 1, 0.2, seed: 42).Test.Select(Key).ToList();
        var other = StratifiedSplit.Split(Rows, 1, 0.2, seed: 7).Test.Select(Key).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first.Count, other.Count);
    }

    [Fact]
    public void A_test_share_outside_0_to_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSplit.Split(Rows, 1, 1.5, seed: 1));
    }
}
