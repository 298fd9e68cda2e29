using System.Collections.Concurrent;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Re-ranks a text's leading labels with one-vs-one specialists: for every pair among the <see cref="Leading"/> best
/// labels, a two-label linear SVM trained on those two labels' examples only. A one-vs-rest model must separate each
/// label from all the others at once; a specialist only has to tell "calendar" from "calendar_update", so it weighs
/// exactly the words that decide between them. Each leading label's score moves by <see cref="Mix"/> times its mean
/// margin against the others. Specialists are trained on first use and cached, so training stays linear in the data
/// however many labels there are; the examples they learn from are kept (at most
/// <see cref="MaxExamplesPerLabel"/> per label) and persisted with the model.
/// </summary>
internal sealed class PairwiseSpecialists
{
    /// <summary>Four leading labels (six pairs) rank as well as five on CLINC150 at two-thirds of the first-use cost.</summary>
    public const int Leading = 4;
    /// <summary>
    /// Scoring a text costs its dot products with the leaders' kept examples, so the cap is the coding form's budget:
    /// keeping 200 (all of CLINC150's 120 per intent) added 0.1 point of top-1 there (mean of five seeds) but took
    /// the form's suggestion median from about 0.9 to 1.2 ms and its p99 from 2.9 to 4.25 ms.
    /// </summary>
    public const int MaxExamplesPerLabel = 100;
    /// <summary>Every pair of up to 256 labels; a specialist holds one float per example, so at most about 26 MB.</summary>
    private const int MaxCachedPairs = 32768;
    /// <summary>Four passes of the dual solver rank as well as twenty: a specialist only orders a handful of labels.</summary>
    private const int MaxPasses = 4;
    /// <summary>Label sets with at most this many pairs (50 labels) train every specialist up front, so no request waits for one.</summary>
    private const int MaxEagerPairs = 1225;
    private const float Tolerance = 0.1f; // liblinear's default stopping tolerance for the dual solver

    private readonly (int[] Index, float[] Value)[][] _examplesByLabel;
    private readonly ConcurrentDictionary<long, Specialist> _cache = new();

    private readonly int _featureCount;

    public PairwiseSpecialists((int[] Index, float[] Value)[][] examplesByLabel, int featureCount, float mix)
    {
        _examplesByLabel = examplesByLabel;
        _featureCount = featureCount;
        Mix = mix;
    }

    /// <summary>What a mean pairwise margin is multiplied by before it is added to a leading label's score; 0 turns the specialists off.</summary>
    public float Mix { get; }
    internal IReadOnlyList<(int[] Index, float[] Value)[]> ExamplesByLabel => _examplesByLabel;

    /// <summary>Keeps an evenly spread sample of at most <see cref="MaxExamplesPerLabel"/> examples per label.</summary>
    public static (int[] Index, float[] Value)[][] Sample((int[] Index, float[] Value)[] rows, int[] targets, int labels, int seed)
    {
        var byLabel = new List<int>[labels];
        for (var c = 0; c < labels; c++)
            byLabel[c] = [];
        for (var i = 0; i < rows.Length; i++)
            byLabel[targets[i]].Add(i);
        var random = new Random(seed);
        var sampled = new (int[] Index, float[] Value)[labels][];
        for (var c = 0; c < labels; c++)
        {
            var members = byLabel[c].ToArray();
            if (members.Length > MaxExamplesPerLabel)
            {
                random.Shuffle(members);
                members = members[..MaxExamplesPerLabel];
                Array.Sort(members);
            }
            sampled[c] = members.Select(i => rows[i]).ToArray();
        }
        return sampled;
    }

    /// <summary>The adjustment each leading label's score gets for a text, per unit of <see cref="Mix"/>.</summary>
    public PairwiseMargins Margins(ReadOnlySpan<int> index, ReadOnlySpan<float> value, float[] scores)
    {
        var leaders = TextClassifier.TopIndices(scores, Leading);
        var k = leaders.Length;
        var adjustment = new float[k];
        if (k < 2)
            return new(leaders, adjustment);
        // Every pair's margin is a weighted sum of the text's dot products with the two labels' kept examples, so
        // those are computed once per leading label and shared by its pairs.
        var dots = ExampleDots(index, value, leaders);
        for (var p = 0; p < k; p++)
        {
            for (var q = p + 1; q < k; q++)
            {
                var margin = leaders[p] < leaders[q]
                    ? For(leaders[p], leaders[q]).Margin(dots[p], dots[q])
                    : -For(leaders[q], leaders[p]).Margin(dots[q], dots[p]);
                adjustment[p] += margin;
                adjustment[q] -= margin;
            }
        }
        for (var p = 0; p < k; p++)
            adjustment[p] /= k - 1;
        return new(leaders, adjustment);
    }

    [ThreadStatic] private static float[]? t_text;

    /// <summary>The text's dot product with each kept example of each leading label.</summary>
    private float[][] ExampleDots(ReadOnlySpan<int> index, ReadOnlySpan<float> value, int[] leaders)
    {
        if (t_text is null || t_text.Length < _featureCount)
            t_text = new float[_featureCount];
        var text = t_text; // dense, so an example's features are looked up directly; zero again on the way out
        for (var j = 0; j < index.Length; j++)
            text[index[j]] = value[j];
        var dots = new float[leaders.Length][];
        for (var p = 0; p < leaders.Length; p++)
        {
            var examples = _examplesByLabel[leaders[p]];
            var row = dots[p] = new float[examples.Length];
            for (var e = 0; e < examples.Length; e++)
            {
                var (exampleIndex, exampleValue) = examples[e];
                var dot = 0f;
                for (var j = 0; j < exampleIndex.Length; j++)
                    dot += text[exampleIndex[j]] * exampleValue[j];
                row[e] = dot;
            }
        }
        for (var j = 0; j < index.Length; j++)
            text[index[j]] = 0f;
        return dots;
    }

    /// <summary>Adds <see cref="Mix"/> times the specialists' mean margins to the leading labels' scores.</summary>
    public void Adjust(ReadOnlySpan<int> index, ReadOnlySpan<float> value, float[] scores)
    {
        if (Mix != 0)
            Margins(index, value, scores).AddTo(scores, Mix);
    }

    /// <summary>
    /// Trains every pair's specialist now when the label set is small enough (the coding form's fields), so a request
    /// never waits for one; larger label sets train on first use.
    /// </summary>
    public void WarmUp()
    {
        var labels = _examplesByLabel.Length;
        if (labels * (labels - 1) / 2 > MaxEagerPairs)
            return;
        for (var a = 0; a < labels; a++)
            for (var b = a + 1; b < labels; b++)
                For(a, b);
    }

    /// <summary>The specialist of labels <paramref name="low"/> &lt; <paramref name="high"/>; its margins lean towards <paramref name="low"/>.</summary>
    private Specialist For(int low, int high)
    {
        var key = (long)low * _examplesByLabel.Length + high;
        if (_cache.TryGetValue(key, out var found))
            return found;
        if (_cache.Count >= MaxCachedPairs)
            _cache.Clear(); // a crude bound: retraining a pair costs well under a millisecond
        return _cache.GetOrAdd(key, _ => Specialist.Train(low, high, _examplesByLabel[low], _examplesByLabel[high], _featureCount));
    }

    /// <summary>
    /// A linear SVM (squared hinge, C = 1, bias as a feature) between two labels, trained with the dual coordinate
    /// descent of liblinear, which is what scikit-learn's LinearSVC runs. It keeps its dual form: one coefficient per
    /// example (its weight times its side), since the weight vector is their sum over the examples. That is 4 bytes
    /// per example instead of 8 per feature the two labels use: about 0.8 KB a pair rather than 30 KB on CLINC150,
    /// where scoring 4,500 texts trained some 5,000 pairs.
    /// </summary>
    private sealed class Specialist
    {
        private readonly float[] _coefficients; // the positive label's examples first, then the negative's
        private readonly int _positiveCount;
        private readonly float _bias;

        private Specialist(float[] coefficients, int positiveCount, float bias)
        {
            _coefficients = coefficients;
            _positiveCount = positiveCount;
            _bias = bias;
        }

        /// <summary>
        /// How far the text leans to the positive label, from its dot products with the positive label's examples and
        /// with the negative label's, in the order they were trained on.
        /// </summary>
        public float Margin(ReadOnlySpan<float> positiveDots, ReadOnlySpan<float> negativeDots)
        {
            var score = _bias;
            for (var i = 0; i < _positiveCount; i++)
                score += _coefficients[i] * positiveDots[i];
            for (var i = _positiveCount; i < _coefficients.Length; i++)
                score += _coefficients[i] * negativeDots[i - _positiveCount];
            return score;
        }

        // Scratch per thread, indexed by global feature: the weights being trained and a stamp marking which
        // features the current pair uses. Dense arrays instead of a dictionary make a specialist a fraction of a
        // millisecond to train.
        [ThreadStatic] private static float[]? t_weights;
        [ThreadStatic] private static int[]? t_stamps;
        [ThreadStatic] private static int t_stamp;

        public static Specialist Train(int positive, int negative, (int[] Index, float[] Value)[] positives,
            (int[] Index, float[] Value)[] negatives, int featureCount)
        {
            if (t_weights is null || t_weights.Length < featureCount)
            {
                t_weights = new float[featureCount];
                t_stamps = new int[featureCount];
                t_stamp = 0;
            }
            var w = t_weights;
            var stamps = t_stamps!;
            var stamp = ++t_stamp;

            var n = positives.Length + negatives.Length;
            var rows = new (int[] Index, float[] Value)[n];
            var ys = new float[n];
            var diagonals = new float[n];
            const float halfInverseC = 0.5f; // the squared hinge's dual diagonal, 1 / (2C) with C = 1
            for (var i = 0; i < n; i++)
            {
                var row = i < positives.Length ? positives[i] : negatives[i - positives.Length];
                rows[i] = row;
                ys[i] = i < positives.Length ? 1f : -1f;
                var squared = 1f; // the bias feature
                for (var j = 0; j < row.Index.Length; j++)
                {
                    var f = row.Index[j];
                    if (stamps[f] != stamp)
                    {
                        stamps[f] = stamp;
                        w[f] = 0f;
                    }
                    squared += row.Value[j] * row.Value[j];
                }
                diagonals[i] = squared + halfInverseC;
            }

            var bias = 0f;
            var alpha = new float[n];
            var order = Enumerable.Range(0, n).ToArray();
            var random = new Random(positive * 7919 + negative);
            for (var pass = 0; pass < MaxPasses; pass++)
            {
                random.Shuffle(order);
                float maxGradient = float.NegativeInfinity, minGradient = float.PositiveInfinity;
                foreach (var i in order)
                {
                    var (index, value) = rows[i];
                    var y = ys[i];
                    var dot = bias;
                    for (var j = 0; j < index.Length; j++)
                        dot += w[index[j]] * value[j];
                    var gradient = y * dot - 1f + halfInverseC * alpha[i];
                    var projected = alpha[i] == 0 ? Math.Min(gradient, 0f) : gradient;
                    maxGradient = Math.Max(maxGradient, projected);
                    minGradient = Math.Min(minGradient, projected);
                    if (Math.Abs(projected) < 1e-12f)
                        continue;
                    var old = alpha[i];
                    alpha[i] = Math.Max(old - gradient / diagonals[i], 0f);
                    var step = (alpha[i] - old) * y;
                    for (var j = 0; j < index.Length; j++)
                        w[index[j]] += step * value[j];
                    bias += step;
                }
                if (maxGradient - minGradient < Tolerance)
                    break;
            }

            for (var i = 0; i < n; i++)
                alpha[i] *= ys[i];
            return new Specialist(alpha, positives.Length, bias);
        }
    }
}

/// <summary>A text's leading labels (best first) and each one's mean margin against the others, per unit of mix.</summary>
internal sealed record PairwiseMargins(int[] Leaders, float[] Adjustment)
{
    public void AddTo(float[] scores, float mix)
    {
        for (var p = 0; p < Leaders.Length; p++)
            scores[Leaders[p]] += mix * Adjustment[p];
    }
}
