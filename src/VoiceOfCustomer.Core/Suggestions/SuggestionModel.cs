using System.IO.Compression;

namespace VoiceOfCustomer.Suggestions;

/// <summary>One coded item as training data: its verbatim and the codes the CSM gave it (null where not coded).</summary>
public sealed record CodedExample(
    string Text,
    string? BusinessMetric,
    string? CapabilityGap,
    string? OwningDomain,
    string? ValueDimension,
    IReadOnlyList<string> Tags);

/// <summary>A taxonomy entry as the cold-start model reads it.</summary>
public sealed record TaxonomyEntryText(SuggestionField Field, string Key, string Name, string? NameZh, string? Description);

/// <summary>What the model proposes for one field: up to three ranked values (best first) or an abstention.</summary>
public sealed record FieldSuggestion(SuggestionField Field, SuggestionSource Source, int ModelVersion, IReadOnlyList<ScoredLabel> Ranked, AbstainReason? Abstained)
{
    public ScoredLabel? Best => Abstained is null && Ranked.Count > 0 ? Ranked[0] : null;
}

/// <summary>
/// The local suggester: one <see cref="TextClassifier"/> per coding field, trained from coded items, or from the
/// taxonomy's own names and descriptions before there is any history (cold start). Fields with too little history
/// fall back to their cold-start classifier.
/// </summary>
public sealed class SuggestionModel
{
    /// <summary>A field needs this many coded examples, in at least two values, before it is learned from history.</summary>
    public const int MinExamplesPerField = 20;

    private readonly Dictionary<SuggestionField, (TextClassifier Classifier, SuggestionSource Source)> _fields;

    private SuggestionModel(Dictionary<SuggestionField, (TextClassifier, SuggestionSource)> fields) => _fields = fields;

    public int Version { get; set; }

    public bool IsColdStart => _fields.Values.All(f => f.Source == SuggestionSource.ColdStart);

    public IReadOnlyCollection<SuggestionField> Fields => _fields.Keys;

    public TextClassifier? ClassifierFor(SuggestionField field) => _fields.TryGetValue(field, out var f) ? f.Classifier : null;

    public SuggestionSource? SourceFor(SuggestionField field) => _fields.TryGetValue(field, out var f) ? f.Source : null;

    /// <summary>Suggestions for every field the model knows, each with its best value and two alternatives.</summary>
    public IReadOnlyList<FieldSuggestion> Suggest(string? text)
    {
        var result = new List<FieldSuggestion>(_fields.Count);
        var prepared = PreparedText.From(text);
        foreach (var field in Enum.GetValues<SuggestionField>())
        {
            if (!_fields.TryGetValue(field, out var entry))
                continue;
            var prediction = entry.Classifier.Predict(prepared, 3);
            result.Add(new FieldSuggestion(field, entry.Source, Version, prediction.Ranked, prediction.Abstained));
        }
        return result;
    }

    public static SuggestionModel Train(IReadOnlyList<CodedExample> examples, IReadOnlyList<TaxonomyEntryText> taxonomy,
        TextClassifierOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var all = Enum.GetValues<SuggestionField>();
        var plans = all.Select(field => (Field: field, Data: TrainingData(field, examples))).ToArray();
        // Every field reads the same verbatims: featurize them once, then train the fields side by side.
        var features = FeatureCache.For(examples.Select(e => e.Text));
        var done = new double[all.Length];
        var trained = new (TextClassifier Classifier, SuggestionSource Source)?[all.Length];
        Parallel.For(0, plans.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (field, data) = plans[i];
            var fieldProgress = new Progress<double>(p =>
            {
                done[i] = p;
                progress?.Report(done.Sum() / all.Length);
            });
            if (data.Count >= MinExamplesPerField && data.Select(d => d.Label).Distinct().Count() >= 2)
                trained[i] = (TextClassifier.Train(data, options, fieldProgress, features, cancellationToken), SuggestionSource.Local);
            else if (ColdStartData(field, taxonomy) is { Count: > 0 } seed && seed.Select(d => d.Label).Distinct().Count() >= 2)
                trained[i] = (TextClassifier.Train(seed, ColdStartOptions(options), fieldProgress, cancellationToken), SuggestionSource.ColdStart);
        });
        var fields = new Dictionary<SuggestionField, (TextClassifier, SuggestionSource)>();
        for (var i = 0; i < all.Length; i++)
        {
            if (trained[i] is { } entry)
                fields[all[i]] = entry;
        }
        return new SuggestionModel(fields);
    }

    /// <summary>A model from the taxonomy alone: what a new installation suggests before anything is coded.</summary>
    public static SuggestionModel ColdStart(IReadOnlyList<TaxonomyEntryText> taxonomy, TextClassifierOptions? options = null) =>
        Train([], taxonomy, options);

    private static TextClassifierOptions ColdStartOptions(TextClassifierOptions? options) =>
        (options ?? new TextClassifierOptions()) with { CalibrationShare = 0, MinKnownWordShare = 0, AbstainBelow = 0 };

    internal static List<LabeledText> TrainingData(SuggestionField field, IReadOnlyList<CodedExample> examples)
    {
        var data = new List<LabeledText>();
        foreach (var example in examples)
        {
            if (field == SuggestionField.Tags)
            {
                foreach (var tag in example.Tags)
                    data.Add(new LabeledText(example.Text, tag));
                continue;
            }
            var label = field switch
            {
                SuggestionField.BusinessMetric => example.BusinessMetric,
                SuggestionField.CapabilityGap => example.CapabilityGap,
                SuggestionField.OwningDomain => example.OwningDomain,
                SuggestionField.ValueDimension => example.ValueDimension,
                _ => null,
            };
            if (label is not null)
                data.Add(new LabeledText(example.Text, label));
        }
        return data;
    }

    private static List<LabeledText> ColdStartData(SuggestionField field, IReadOnlyList<TaxonomyEntryText> taxonomy)
    {
        var data = new List<LabeledText>();
        foreach (var entry in taxonomy.Where(t => t.Field == field))
        {
            data.Add(new LabeledText(entry.Name, entry.Key));
            if (!string.IsNullOrWhiteSpace(entry.NameZh))
                data.Add(new LabeledText(entry.NameZh, entry.Key));
            if (!string.IsNullOrWhiteSpace(entry.Description))
                data.Add(new LabeledText(entry.Name + ". " + entry.Description, entry.Key));
        }
        return data;
    }

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var compressed = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(compressed))
        {
            writer.Write(_fields.Count);
            foreach (var (field, (classifier, source)) in _fields)
            {
                writer.Write(field.ToString());
                writer.Write(source.ToString());
                classifier.Write(writer);
            }
        }
        return buffer.ToArray();
    }

    public static SuggestionModel Deserialize(byte[] payload, int version)
    {
        using var buffer = new MemoryStream(payload);
        using var compressed = new BrotliStream(buffer, CompressionMode.Decompress);
        using var reader = new BinaryReader(compressed);
        var count = reader.ReadInt32();
        var fields = new Dictionary<SuggestionField, (TextClassifier, SuggestionSource)>();
        for (var i = 0; i < count; i++)
        {
            var field = Enum.Parse<SuggestionField>(reader.ReadString());
            var source = Enum.Parse<SuggestionSource>(reader.ReadString());
            fields[field] = (TextClassifier.Read(reader), source);
        }
        return new SuggestionModel(fields) { Version = version };
    }
}
