namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// The features of each distinct text, computed once and then only read: every field's classifier and both training
/// passes (the calibration probe and the final model) share them, and fields can train in parallel over one cache.
/// </summary>
internal sealed class FeatureCache
{
    private readonly Dictionary<string, Featurized> _texts;

    private FeatureCache(Dictionary<string, Featurized> texts) => _texts = texts;

    internal sealed record Featurized(Dictionary<ulong, float> Counts, ulong[] Words);

    public static FeatureCache For(IEnumerable<string> texts)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToArray();
        var computed = new Featurized[distinct.Length];
        Parallel.For(0, distinct.Length, i => computed[i] = Compute(distinct[i]));
        var map = new Dictionary<string, Featurized>(distinct.Length, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++)
            map[distinct[i]] = computed[i];
        return new FeatureCache(map);
    }

    /// <summary>A text the cache was not built with is featurized on the spot and not stored, so reads stay thread-safe.</summary>
    public Featurized Get(string text) => _texts.TryGetValue(text, out var found) ? found : Compute(text);

    private static Featurized Compute(string text)
    {
        var (counts, wordKeys) = TextFeaturizer.Featurize(TextFeaturizer.Tokenize(text));
        return new Featurized(counts, wordKeys.Distinct().ToArray());
    }
}
