using System.Numerics;
using System.Runtime.InteropServices;

namespace VoiceOfCustomer.Suggestions;

public sealed record LabeledText(string Text, string Label);

public sealed record ScoredLabel(string Label, double Confidence);

/// <summary>Why no suggestion was made.</summary>
public enum AbstainReason
{
    Empty,
    TooLong,
    NoWords,
    MixedScript,
    UnknownWords,
    LowConfidence,
    NoModel,
}

/// <summary>The ranked labels (best first, at most the number asked for) or, when <see cref="Abstained"/> is set, why none is offered.</summary>
public sealed record TextPrediction(IReadOnlyList<ScoredLabel> Ranked, AbstainReason? Abstained)
{
    public ScoredLabel? Best => Abstained is null && Ranked.Count > 0 ? Ranked[0] : null;

    public static TextPrediction Abstain(AbstainReason reason, IReadOnlyList<ScoredLabel>? ranked = null) => new(ranked ?? [], reason);
}

public sealed record TextClassifierOptions
{
    /// <summary>Passes over the training data.</summary>
    public int Epochs { get; init; } = 10;
    public float LearningRate { get; init; } = 0.1f;
    /// <summary>L2 penalty per update; 5e-5 is LinearSVC's C = 1 on about 20,000 items.</summary>
    public float L2 { get; init; } = 5e-5f;
    /// <summary>Calibrated top confidence below which the classifier abstains.</summary>
    public double AbstainBelow { get; init; } = 0.4;
    /// <summary>Share of the training data held out to fit the calibration temperature (none when under 40 items).</summary>
    public double CalibrationShare { get; init; } = 0.1;
    /// <summary>Fewer known words than this share of the text's words abstains: the model has not seen this language.</summary>
    public double MinKnownWordShare { get; init; } = 0.25;
    public int Seed { get; init; } = 17;
    /// <summary>Additive smoothing of the naive Bayes vote.</summary>
    public float NaiveBayesAlpha { get; init; } = 0.03f;
    /// <summary>Weight of the naive Bayes vote when nothing is held out to choose it (tiny training sets).</summary>
    public double NaiveBayesWeight { get; init; } = 0.1;
    /// <summary>
    /// One-vs-rest squared hinge (the loss of a linear SVM) rather than softmax cross-entropy: on intent data it ranks
    /// slightly better once the naive Bayes vote is added, and the temperature turns its scores into probabilities.
    /// </summary>
    public bool SquaredHinge { get; init; } = true;
}

/// <summary>One bin of a reliability table: of the held-out suggestions shown with a confidence in [From, To), how many were right.</summary>
public sealed record ReliabilityBin(double From, double To, int Count, double MeanConfidence, double Accuracy);

/// <summary>
/// A multinomial logistic-regression text classifier over <see cref="TextFeaturizer"/> features, with temperature
/// scaling so its confidences are calibrated. Training is per-sample AdaGrad on feature-major weights (each
/// feature's row of class weights is contiguous, so a feature updates every class with a few vector operations).
/// </summary>
public sealed class TextClassifier
{
    private const int FormatVersion = 1;

    private readonly string[] _labels;
    private readonly Dictionary<ulong, int> _vocabulary;
    private readonly float[] _idf;
    private readonly float[] _weights; // feature-major: [feature * classes + class]
    private readonly float[] _bias;
    private readonly HashSet<ulong> _knownWords;
    // Only while training: the naive Bayes vote, folded into the weights once its share is chosen.
    private float[]? _naiveBayesWeights;
    private float[]? _naiveBayesBias;

    private TextClassifier(string[] labels, Dictionary<ulong, int> vocabulary, float[] idf, float[] weights, float[] bias,
        HashSet<ulong> knownWords, double temperature, double abstainBelow, double minKnownWordShare)
    {
        _labels = labels;
        _vocabulary = vocabulary;
        _idf = idf;
        _weights = weights;
        _bias = bias;
        _knownWords = knownWords;
        Temperature = temperature;
        AbstainBelow = abstainBelow;
        MinKnownWordShare = minKnownWordShare;
    }

    public IReadOnlyList<string> Labels => _labels;
    public double Temperature { get; }
    public double AbstainBelow { get; }
    public double MinKnownWordShare { get; }
    public int FeatureCount => _idf.Length;

    /// <summary>The held-out reliability table computed while fitting the temperature (empty for tiny training sets).</summary>
    public IReadOnlyList<ReliabilityBin> Reliability { get; private init; } = [];

    /// <summary>Top-1 and top-3 accuracy on the held-out calibration share; null when nothing was held out.</summary>
    public double? HeldOutTop1 { get; private init; }
    public double? HeldOutTop3 { get; private init; }

    public static TextClassifier Train(IReadOnlyList<LabeledText> data, TextClassifierOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        Train(data, options, progress, FeatureCache.For(data.Select(d => d.Text)), cancellationToken);

    /// <summary>Trains with features computed beforehand, so several classifiers over the same texts featurize them once.</summary>
    internal static TextClassifier Train(IReadOnlyList<LabeledText> data, TextClassifierOptions? options,
        IProgress<double>? progress, FeatureCache features, CancellationToken cancellationToken)
    {
        options ??= new TextClassifierOptions();
        if (data.Count == 0)
            throw new ArgumentException("There is nothing to train on.", nameof(data));

        var random = new Random(options.Seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        random.Shuffle(order);
        var calibrationCount = data.Count >= 40 ? (int)(data.Count * options.CalibrationShare) : 0;

        var temperature = 1.0;
        IReadOnlyList<ReliabilityBin> reliability = [];
        double? top1 = null, top3 = null;
        var naiveBayesWeight = options.NaiveBayesWeight;
        if (calibrationCount > 0)
        {
            // Fit the temperature on data the model did not see, then retrain on everything with that temperature.
            var fitPart = order[calibrationCount..].Select(i => data[i]).ToList();
            var heldOut = order[..calibrationCount].Select(i => data[i]).ToList();
            var probe = Fit(fitPart, options, 1.0, features, p => progress?.Report(p * 0.45), cancellationToken);
            var truth = heldOut.Select(d => Array.IndexOf(probe._labels, d.Label)).ToList();
            var linear = heldOut.Select(d => probe.Logits(features.Get(d.Text).Counts)).ToList();
            var bayes = heldOut.Select(d => probe.NaiveBayesLogits(features.Get(d.Text).Counts)).ToList();
            naiveBayesWeight = ChooseNaiveBayesWeight(linear, bayes, truth);
            var logits = linear.Select((l, i) => Combine(l, bayes[i], naiveBayesWeight)).ToList();
            temperature = FitTemperature(logits, truth);
            reliability = ReliabilityTable(logits, truth, temperature);
            top1 = TopK(logits, truth, 1);
            top3 = TopK(logits, truth, 3);
        }
        var model = Fit(data, options, temperature, features, p => progress?.Report(calibrationCount > 0 ? 0.45 + p * 0.55 : p), cancellationToken);
        model.FoldNaiveBayes((float)naiveBayesWeight);
        return new TextClassifier(model._labels, model._vocabulary, model._idf, model._weights, model._bias, model._knownWords,
            temperature, options.AbstainBelow, options.MinKnownWordShare) { Reliability = reliability, HeldOutTop1 = top1, HeldOutTop3 = top3 };
    }

    /// <summary>
    /// Multinomial naive Bayes is linear in the same features and errs differently from logistic regression; the
    /// weight of its vote is the one that does best on the held-out share.
    /// </summary>
    private static double ChooseNaiveBayesWeight(List<float[]> linear, List<float[]> bayes, List<int> truth)
    {
        var best = 0.0;
        var bestScore = double.NegativeInfinity;
        foreach (var weight in new[] { 0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5 })
        {
            var combined = linear.Select((l, i) => Combine(l, bayes[i], weight)).ToList();
            var score = TopK(combined, truth, 1) + 0.1 * TopK(combined, truth, 3);
            if (score > bestScore + 1e-9)
            {
                bestScore = score;
                best = weight;
            }
        }
        return best;
    }

    private static float[] Combine(float[] linear, float[] bayes, double weight)
    {
        var combined = new float[linear.Length];
        for (var c = 0; c < combined.Length; c++)
            combined[c] = linear[c] + (float)weight * bayes[c];
        return combined;
    }

    private float[] NaiveBayesLogits(Dictionary<ulong, float> counts)
    {
        var (index, value) = Vectorize(counts, _vocabulary, _idf);
        var scores = new float[_labels.Length];
        Scores(_naiveBayesWeights!, _naiveBayesBias!, _labels.Length, index, value, scores);
        return scores;
    }

    private void FoldNaiveBayes(float weight)
    {
        if (_naiveBayesWeights is null || _naiveBayesBias is null)
            return;
        if (weight != 0)
        {
            for (var i = 0; i < _weights.Length; i++)
                _weights[i] += weight * _naiveBayesWeights[i];
            for (var c = 0; c < _bias.Length; c++)
                _bias[c] += weight * _naiveBayesBias[c];
        }
        _naiveBayesWeights = null;
        _naiveBayesBias = null;
    }

    private static (float[] Weights, float[] Bias) NaiveBayes((int[] Index, float[] Value)[] rows, int[] targets, int features, int classes, float alpha)
    {
        var counts = new float[features * classes];
        var perClass = new int[classes];
        for (var i = 0; i < rows.Length; i++)
        {
            var (index, value) = rows[i];
            var y = targets[i];
            perClass[y]++;
            for (var j = 0; j < index.Length; j++)
                counts[index[j] * classes + y] += value[j];
        }
        var totals = new double[classes];
        for (var f = 0; f < features; f++)
            for (var c = 0; c < classes; c++)
                totals[c] += counts[f * classes + c] + alpha;
        for (var f = 0; f < features; f++)
            for (var c = 0; c < classes; c++)
                counts[f * classes + c] = (float)(Math.Log(counts[f * classes + c] + alpha) - Math.Log(totals[c]));
        var bias = new float[classes];
        for (var c = 0; c < classes; c++)
            bias[c] = (float)Math.Log((perClass[c] + 1.0) / (rows.Length + classes));
        return (counts, bias);
    }

    private static double TopK(IReadOnlyList<float[]> logits, IReadOnlyList<int> truth, int k)
    {
        var hits = 0;
        for (var i = 0; i < logits.Count; i++)
        {
            if (truth[i] < 0)
                continue;
            var target = logits[i][truth[i]];
            var higher = logits[i].Count(s => s > target);
            if (higher < k)
                hits++;
        }
        return logits.Count == 0 ? 0 : (double)hits / logits.Count;
    }

    private static TextClassifier Fit(IReadOnlyList<LabeledText> data, TextClassifierOptions options, double temperature, FeatureCache features,
        Action<double> progress, CancellationToken cancellationToken)
    {
        var labels = data.Select(d => d.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var classes = labels.Length;

        // Vocabulary and document frequencies.
        var raw = new List<Dictionary<ulong, float>>(data.Count);
        var vocabulary = new Dictionary<ulong, int>();
        var documentFrequency = new List<int>();
        var knownWords = new HashSet<ulong>();
        foreach (var item in data)
        {
            var (counts, words) = features.Get(item.Text);
            knownWords.UnionWith(words);
            raw.Add(counts);
            foreach (var key in counts.Keys)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(vocabulary, key, out var exists);
                if (!exists)
                {
                    slot = documentFrequency.Count;
                    documentFrequency.Add(0);
                }
                documentFrequency[slot]++;
            }
        }
        var idf = new float[vocabulary.Count];
        for (var f = 0; f < idf.Length; f++)
            idf[f] = (float)(Math.Log((1.0 + data.Count) / (1.0 + documentFrequency[f])) + 1.0);

        var rows = new (int[] Index, float[] Value)[data.Count];
        for (var i = 0; i < data.Count; i++)
            rows[i] = Vectorize(raw[i], vocabulary, idf);
        raw.Clear(); // the counts belong to the shared cache: drop the references, never mutate them

        var weights = new float[vocabulary.Count * classes];
        var squares = new float[vocabulary.Count * classes];
        var bias = new float[classes];
        var biasSquares = new float[classes];
        var scores = new float[classes];
        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new Random(options.Seed);
        var learningRate = options.LearningRate;
        var l2 = options.L2;
        var targets = data.Select(d => labelIndex[d.Label]).ToArray();

        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            random.Shuffle(order);
            foreach (var i in order)
            {
                var (index, value) = rows[i];
                Scores(weights, bias, classes, index, value, scores);
                if (options.SquaredHinge)
                    HingeGradient(scores, targets[i]);
                else
                {
                    Softmax(scores);
                    scores[targets[i]] -= 1f; // scores now holds the gradient of the loss w.r.t. the logits
                }
                for (var c = 0; c < classes; c++)
                {
                    var g = scores[c];
                    biasSquares[c] += g * g;
                    bias[c] -= learningRate * g / MathF.Sqrt(biasSquares[c] + 1e-8f);
                }
                for (var j = 0; j < index.Length; j++)
                    AdaGradRow(weights.AsSpan(index[j] * classes, classes), squares.AsSpan(index[j] * classes, classes), scores, value[j], learningRate, l2);
            }
            progress((epoch + 1.0) / options.Epochs);
        }
        var (naiveBayesWeights, naiveBayesBias) = NaiveBayes(rows, targets, vocabulary.Count, classes, options.NaiveBayesAlpha);
        return new TextClassifier(labels, vocabulary, idf, weights, bias, knownWords, temperature, options.AbstainBelow, options.MinKnownWordShare)
        {
            _naiveBayesWeights = naiveBayesWeights,
            _naiveBayesBias = naiveBayesBias,
        };
    }

    private static void AdaGradRow(Span<float> w, Span<float> g2, ReadOnlySpan<float> gradient, float x, float learningRate, float l2)
    {
        var c = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var width = Vector<float>.Count;
            var vx = new Vector<float>(x);
            var vl2 = new Vector<float>(l2);
            var vlr = new Vector<float>(learningRate);
            var eps = new Vector<float>(1e-8f);
            for (; c + width <= w.Length; c += width)
            {
                var wv = new Vector<float>(w[c..]);
                var g = new Vector<float>(gradient[c..]) * vx + vl2 * wv;
                var s = new Vector<float>(g2[c..]) + g * g;
                s.CopyTo(g2[c..]);
                (wv - vlr * g / Vector.SquareRoot(s + eps)).CopyTo(w[c..]);
            }
        }
        for (; c < w.Length; c++)
        {
            var g = gradient[c] * x + l2 * w[c];
            g2[c] += g * g;
            w[c] -= learningRate * g / MathF.Sqrt(g2[c] + 1e-8f);
        }
    }

    private static void Scores(float[] weights, float[] bias, int classes, ReadOnlySpan<int> index, ReadOnlySpan<float> value, Span<float> scores)
    {
        bias.CopyTo(scores);
        for (var j = 0; j < index.Length; j++)
        {
            var row = weights.AsSpan(index[j] * classes, classes);
            var x = value[j];
            var c = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var width = Vector<float>.Count;
                var vx = new Vector<float>(x);
                for (; c + width <= classes; c += width)
                    (new Vector<float>(scores[c..]) + new Vector<float>(row[c..]) * vx).CopyTo(scores[c..]);
            }
            for (; c < classes; c++)
                scores[c] += row[c] * x;
        }
    }

    /// <summary>One-vs-rest squared hinge (what LinearSVC minimises): each class wants a margin of 1 on its side.</summary>
    private static void HingeGradient(Span<float> scores, int target)
    {
        for (var c = 0; c < scores.Length; c++)
        {
            var y = c == target ? 1f : -1f;
            var slack = 1f - y * scores[c];
            scores[c] = slack > 0 ? -2f * y * slack : 0f;
        }
    }

    private static void Softmax(Span<float> scores)
    {
        var max = float.NegativeInfinity;
        foreach (var s in scores)
            max = Math.Max(max, s);
        var sum = 0f;
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = MathF.Exp(scores[c] - max);
            sum += scores[c];
        }
        for (var c = 0; c < scores.Length; c++)
            scores[c] /= sum;
    }

    private static (int[] Index, float[] Value) Vectorize(Dictionary<ulong, float> counts, Dictionary<ulong, int> vocabulary, float[] idf)
    {
        var index = new List<int>(counts.Count);
        var value = new List<float>(counts.Count);
        var family = new List<int>(counts.Count);
        Span<double> norms = stackalloc double[TextFeaturizer.FamilyCount];
        foreach (var (key, count) in counts)
        {
            if (!vocabulary.TryGetValue(key, out var f))
                continue;
            var weight = (1f + MathF.Log(count)) * idf[f];
            index.Add(f);
            value.Add(weight);
            var fam = TextFeaturizer.FamilyOf(key);
            family.Add(fam);
            norms[fam] += weight * weight;
        }
        for (var j = 0; j < value.Count; j++)
        {
            var norm = norms[family[j]];
            value[j] = norm > 0 ? (float)(value[j] / Math.Sqrt(norm)) : 0f;
        }
        return (index.ToArray(), value.ToArray());
    }

    private static ulong WordKey(string token) => TextFeaturizer.WordHash(token);

    /// <summary>Raw (uncalibrated) class scores for a text's features.</summary>
    private float[] Logits(Dictionary<ulong, float> counts)
    {
        var (index, value) = Vectorize(counts, _vocabulary, _idf);
        var scores = new float[_labels.Length];
        Scores(_weights, _bias, _labels.Length, index, value, scores);
        return scores;
    }

    private List<ScoredLabel> RankScores(float[] scores, int top)
    {
        var probabilities = Calibrated(scores, Temperature);
        var ranked = new List<ScoredLabel>(Math.Min(top, probabilities.Length));
        var taken = new bool[probabilities.Length];
        for (var r = 0; r < top && r < probabilities.Length; r++)
        {
            var best = -1;
            for (var c = 0; c < probabilities.Length; c++)
            {
                if (!taken[c] && (best < 0 || probabilities[c] > probabilities[best]))
                    best = c;
            }
            taken[best] = true;
            ranked.Add(new ScoredLabel(_labels[best], probabilities[best]));
        }
        return ranked;
    }

    /// <summary>
    /// The best <paramref name="top"/> labels with calibrated confidences, or an abstention: for bad input (empty,
    /// too long, no words, an unexpected mix of scripts, words the model has never seen) and for low confidence.
    /// </summary>
    public TextPrediction Predict(string? text, int top = 3)
    {
        if (InputScreen.Check(text) is { } rejected)
            return TextPrediction.Abstain(rejected);
        var tokens = TextFeaturizer.Tokenize(text!);
        if (tokens.Items.Count == 0)
            return TextPrediction.Abstain(AbstainReason.NoWords);
        // Rank even when abstaining, so an evaluation can still score what the model would have said.
        var counts = new Dictionary<ulong, float>();
        TextFeaturizer.Extract(tokens, counts);
        var ranked = RankScores(Logits(counts), top);
        if (InputScreen.IsUnexpectedScriptMix(tokens))
            return TextPrediction.Abstain(AbstainReason.MixedScript, ranked);
        var known = tokens.Items.Count(t => _knownWords.Contains(WordKey(t)));
        if (known < Math.Max(1, tokens.Items.Count * MinKnownWordShare))
            return TextPrediction.Abstain(AbstainReason.UnknownWords, ranked);
        return ranked.Count == 0 || ranked[0].Confidence < AbstainBelow
            ? TextPrediction.Abstain(AbstainReason.LowConfidence, ranked)
            : new TextPrediction(ranked, null);
    }

    private static double[] Calibrated(float[] scores, double temperature)
    {
        var probabilities = new double[scores.Length];
        var max = scores.Length == 0 ? 0 : scores.Max();
        var sum = 0.0;
        for (var c = 0; c < scores.Length; c++)
        {
            probabilities[c] = Math.Exp((scores[c] - max) / temperature);
            sum += probabilities[c];
        }
        for (var c = 0; c < scores.Length; c++)
            probabilities[c] /= sum;
        return probabilities;
    }

    /// <summary>The temperature that minimises held-out negative log-likelihood (golden-section search on log T).</summary>
    private static double FitTemperature(IReadOnlyList<float[]> logits, IReadOnlyList<int> truth)
    {
        double Loss(double logT)
        {
            var t = Math.Exp(logT);
            var loss = 0.0;
            for (var i = 0; i < logits.Count; i++)
            {
                if (truth[i] < 0)
                    continue; // a label only the held-out part has: the probe cannot score it
                var p = Calibrated(logits[i], t);
                loss -= Math.Log(Math.Max(p[truth[i]], 1e-12));
            }
            return loss;
        }
        double lo = Math.Log(0.01), hi = Math.Log(20); // near-separable data wants a small temperature
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = Loss(a), fb = Loss(b);
        for (var step = 0; step < 40; step++)
        {
            if (fa < fb)
            {
                hi = b; b = a; fb = fa; a = hi - ratio * (hi - lo); fa = Loss(a);
            }
            else
            {
                lo = a; a = b; fa = fb; b = lo + ratio * (hi - lo); fb = Loss(b);
            }
        }
        return Math.Exp((lo + hi) / 2);
    }

    private static List<ReliabilityBin> ReliabilityTable(IReadOnlyList<float[]> logits, IReadOnlyList<int> truth, double temperature)
    {
        var points = new List<(double Confidence, bool Right)>();
        for (var i = 0; i < logits.Count; i++)
        {
            var p = Calibrated(logits[i], temperature);
            var best = 0;
            for (var c = 1; c < p.Length; c++)
                if (p[c] > p[best]) best = c;
            points.Add((p[best], best == truth[i]));
        }
        return BuildReliability(points);
    }

    /// <summary>Ten equal-width confidence bins; empty bins are left out.</summary>
    public static List<ReliabilityBin> BuildReliability(IEnumerable<(double Confidence, bool Right)> points)
    {
        var bins = new List<ReliabilityBin>();
        var groups = points.GroupBy(p => Math.Min(9, (int)(p.Confidence * 10))).OrderBy(g => g.Key);
        foreach (var group in groups)
            bins.Add(new ReliabilityBin(group.Key / 10.0, (group.Key + 1) / 10.0, group.Count(), group.Average(p => p.Confidence), group.Average(p => p.Right ? 1.0 : 0.0)));
        return bins;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(FormatVersion);
        writer.Write(_labels.Length);
        foreach (var label in _labels)
            writer.Write(label);
        writer.Write(Temperature);
        writer.Write(AbstainBelow);
        writer.Write(MinKnownWordShare);
        writer.Write(_vocabulary.Count);
        foreach (var (key, f) in _vocabulary)
        {
            writer.Write(key);
            writer.Write(f);
        }
        foreach (var value in _idf)
            writer.Write(value);
        writer.Write(MemoryMarshal.AsBytes(_weights.AsSpan()));
        foreach (var value in _bias)
            writer.Write(value);
        writer.Write(_knownWords.Count);
        foreach (var word in _knownWords)
            writer.Write(word);
        writer.Write(HeldOutTop1 ?? -1);
        writer.Write(HeldOutTop3 ?? -1);
        writer.Write(Reliability.Count);
        foreach (var bin in Reliability)
        {
            writer.Write(bin.From); writer.Write(bin.To); writer.Write(bin.Count); writer.Write(bin.MeanConfidence); writer.Write(bin.Accuracy);
        }
    }

    public static TextClassifier Read(BinaryReader reader)
    {
        var format = reader.ReadInt32();
        if (format != FormatVersion)
            throw new InvalidDataException($"Unsupported suggestion model format {format}.");
        var labels = new string[reader.ReadInt32()];
        for (var i = 0; i < labels.Length; i++)
            labels[i] = reader.ReadString();
        var temperature = reader.ReadDouble();
        var abstainBelow = reader.ReadDouble();
        var minKnown = reader.ReadDouble();
        var features = reader.ReadInt32();
        var vocabulary = new Dictionary<ulong, int>(features);
        for (var i = 0; i < features; i++)
            vocabulary[reader.ReadUInt64()] = reader.ReadInt32();
        var idf = new float[features];
        for (var i = 0; i < features; i++)
            idf[i] = reader.ReadSingle();
        var weights = new float[features * labels.Length];
        var bytes = MemoryMarshal.AsBytes(weights.AsSpan());
        reader.BaseStream.ReadExactly(bytes); // a compressed stream may return fewer bytes per read
        var bias = new float[labels.Length];
        for (var i = 0; i < bias.Length; i++)
            bias[i] = reader.ReadSingle();
        var known = new HashSet<ulong>();
        var knownCount = reader.ReadInt32();
        for (var i = 0; i < knownCount; i++)
            known.Add(reader.ReadUInt64());
        var heldOutTop1 = reader.ReadDouble();
        var heldOutTop3 = reader.ReadDouble();
        var bins = new List<ReliabilityBin>();
        var binCount = reader.ReadInt32();
        for (var i = 0; i < binCount; i++)
            bins.Add(new ReliabilityBin(reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble()));
        return new TextClassifier(labels, vocabulary, idf, weights, bias, known, temperature, abstainBelow, minKnown)
        {
            Reliability = bins,
            HeldOutTop1 = heldOutTop1 < 0 ? null : heldOutTop1,
            HeldOutTop3 = heldOutTop3 < 0 ? null : heldOutTop3,
        };
    }
}
