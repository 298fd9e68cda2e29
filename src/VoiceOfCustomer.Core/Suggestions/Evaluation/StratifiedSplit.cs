namespace VoiceOfCustomer.Suggestions.Evaluation;

/// <summary>
/// A reproducible stratified train/test split: per label (in ordinal order of the label), the label's rows are
/// shuffled with one <see cref="Random"/> seeded once, and round(share × count) of them go to test. Both halves keep
/// the file's row order, so a split is easy to diff.
/// </summary>
public static class StratifiedSplit
{
    public static (List<CsvRow> Train, List<CsvRow> Test) Split(IReadOnlyList<CsvRow> rows, int labelColumn, double testShare, int seed)
    {
        if (testShare is < 0 or > 1 || double.IsNaN(testShare))
            throw new ArgumentOutOfRangeException(nameof(testShare), testShare, "The test share must be between 0 and 1.");

        var random = new Random(seed);
        var toTest = new bool[rows.Count];
        var byLabel = Enumerable.Range(0, rows.Count)
            .GroupBy(i => rows[i].Fields[labelColumn].Trim(), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byLabel)
        {
            var indexes = group.ToArray();
            random.Shuffle(indexes);
            var take = (int)Math.Round(testShare * indexes.Length, MidpointRounding.AwayFromZero);
            foreach (var index in indexes.Take(take))
                toTest[index] = true;
        }

        var train = new List<CsvRow>(rows.Count);
        var test = new List<CsvRow>();
        for (var i = 0; i < rows.Count; i++)
            (toTest[i] ? test : train).Add(rows[i]);
        return (train, test);
    }
}
