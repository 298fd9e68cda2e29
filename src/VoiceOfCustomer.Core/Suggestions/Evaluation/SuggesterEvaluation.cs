using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.Suggestions.Evaluation;

/// <summary>One scored text: its gold label and what the classifier said (ranked labels are kept even when it abstained for low confidence).</summary>
public sealed record ScoredCase(string Gold, IReadOnlyList<ScoredLabel> Ranked, AbstainReason? Abstained);

/// <summary>Where an evaluation is: <see cref="Stage"/> is "training" (Fraction 0..1) or "scoring" (Done of Total texts).</summary>
public sealed record EvaluationProgress(string Stage, double Fraction, int Done, int Total);

/// <summary>The accuracy figures of a set of scored cases (see <see cref="SuggesterEvaluation.Score"/>).</summary>
public sealed record AccuracyFigures(
    int N,
    double Top1,
    double Top3,
    double MacroF1,
    double? Top1Answered,
    double Coverage,
    double AbstainInScope,
    double Ece,
    IReadOnlyList<ReliabilityBin> Reliability,
    IReadOnlyDictionary<AbstainReason, int> AbstainReasons);

/// <summary>Everything <c>voc suggest eval</c> reports.</summary>
public sealed record EvaluationReport(
    AccuracyFigures Accuracy,
    int TrainCount,
    int Labels,
    double TrainSeconds,
    double P50Ms,
    double P99Ms,
    int FeatureCount,
    double Temperature,
    double AbstainBelow,
    int? OutOfScopeCount,
    double? AbstainOutOfScope)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One line of JSON: camelCase keys, fractions 0..1 rounded to 4 decimals, times in ms / s.</summary>
    public string ToJson()
    {
        var a = Accuracy;
        var json = new JsonSummary(
            Top1: R4(a.Top1), Top3: R4(a.Top3), MacroF1: R4(a.MacroF1), N: a.N, TrainSeconds: Math.Round(TrainSeconds, 3),
            P50Ms: Math.Round(P50Ms, 4), P99Ms: Math.Round(P99Ms, 4), AbstainInScope: R4(a.AbstainInScope),
            AbstainOutOfScope: AbstainOutOfScope is { } oos ? R4(oos) : null, NOutOfScope: OutOfScopeCount,
            Top1Answered: a.Top1Answered is { } answered ? R4(answered) : null, Coverage: R4(a.Coverage), Ece: R4(a.Ece),
            FeatureCount: FeatureCount, Labels: Labels, NTrain: TrainCount, Temperature: Math.Round(Temperature, 4),
            AbstainBelow: AbstainBelow);
        return JsonSerializer.Serialize(json, JsonOptions);
    }

    private static double R4(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    private sealed record JsonSummary(
        double Top1, double Top3, double MacroF1, int N, double TrainSeconds, double P50Ms, double P99Ms,
        double AbstainInScope, double? AbstainOutOfScope, int? NOutOfScope, double? Top1Answered, double Coverage, double Ece,
        int FeatureCount, int Labels, int NTrain, double Temperature, double AbstainBelow);
}

/// <summary>
/// Trains the local suggester's <see cref="TextClassifier"/> on one labelled set and scores another: top-1/top-3,
/// macro-F1, abstention, calibration and per-call latency. Accuracy is measured on the ranked labels whatever the
/// abstention (a low-confidence abstention still ranks; a screened-out text ranks nothing and counts as a miss), so
/// the abstention threshold does not flatter top-1; <c>top1Answered</c> and <c>coverage</c> show its trade-off.
/// </summary>
public static class SuggesterEvaluation
{
    private const int WarmUpCalls = 50;

    public static EvaluationReport Run(
        IReadOnlyList<LabeledText> train,
        IReadOnlyList<LabeledText> test,
        IReadOnlyList<LabeledText>? outOfScope = null,
        TextClassifierOptions? options = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (train.Count == 0)
            throw new ArgumentException("The training set is empty.", nameof(train));
        if (test.Count == 0)
            throw new ArgumentException("The test set is empty.", nameof(test));

        var stopwatch = Stopwatch.StartNew();
        var classifier = TextClassifier.Train(train, options,
            new Progress(p => progress?.Report(new EvaluationProgress("training", p, 0, 0))), cancellationToken);
        var trainSeconds = stopwatch.Elapsed.TotalSeconds;

        // The first calls JIT the prediction path; timing them would measure the compiler, not the model.
        for (var i = 0; i < Math.Min(WarmUpCalls, test.Count); i++)
            classifier.Predict(test[i].Text, 3);

        var cases = new List<ScoredCase>(test.Count);
        var elapsedMs = new double[test.Count];
        for (var i = 0; i < test.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var prediction = classifier.Predict(test[i].Text, 3);
            elapsedMs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            cases.Add(new ScoredCase(test[i].Label, prediction.Ranked, prediction.Abstained));
            if ((i + 1) % 250 == 0 || i + 1 == test.Count)
                progress?.Report(new EvaluationProgress("scoring", (i + 1) / (double)test.Count, i + 1, test.Count));
        }

        double? abstainOutOfScope = null;
        if (outOfScope is { Count: > 0 })
        {
            var abstained = outOfScope.Count(item => classifier.Predict(item.Text, 3).Abstained is not null);
            abstainOutOfScope = abstained / (double)outOfScope.Count;
        }

        Array.Sort(elapsedMs);
        var labels = train.Select(t => t.Label).Concat(test.Select(t => t.Label));
        return new EvaluationReport(
            Score(cases, labels),
            train.Count,
            classifier.Labels.Count,
            trainSeconds,
            Percentile(elapsedMs, 0.50),
            Percentile(elapsedMs, 0.99),
            classifier.FeatureCount,
            classifier.Temperature,
            classifier.AbstainBelow,
            outOfScope?.Count,
            abstainOutOfScope);
    }

    /// <summary>
    /// The accuracy figures of scored cases. Macro-F1 is the F1 of the top-1 label per label, averaged over
    /// <paramref name="labels"/> (the labels of train ∪ test) plus any label predicted; a label with no hit scores 0.
    /// </summary>
    public static AccuracyFigures Score(IReadOnlyList<ScoredCase> cases, IEnumerable<string> labels)
    {
        var n = cases.Count;
        int top1 = 0, top3 = 0, answered = 0, answeredRight = 0;
        var truePositives = new Dictionary<string, int>(StringComparer.Ordinal);
        var predicted = new Dictionary<string, int>(StringComparer.Ordinal);
        var gold = new Dictionary<string, int>(StringComparer.Ordinal);
        var reasons = new Dictionary<AbstainReason, int>();
        var points = new List<(double Confidence, bool Right)>(n);
        foreach (var label in labels)
            gold.TryAdd(label, 0);

        foreach (var scored in cases)
        {
            gold[scored.Gold] = gold.GetValueOrDefault(scored.Gold) + 1;
            var best = scored.Ranked.Count > 0 ? scored.Ranked[0] : null;
            var right = best is not null && best.Label == scored.Gold;
            if (right)
            {
                top1++;
                truePositives[scored.Gold] = truePositives.GetValueOrDefault(scored.Gold) + 1;
            }
            if (scored.Ranked.Take(3).Any(r => r.Label == scored.Gold))
                top3++;
            if (best is not null)
            {
                predicted[best.Label] = predicted.GetValueOrDefault(best.Label) + 1;
                points.Add((best.Confidence, right));
            }
            if (scored.Abstained is { } reason)
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
            else
            {
                answered++;
                if (right) answeredRight++;
            }
        }

        var f1Sum = 0.0;
        var allLabels = gold.Keys.Union(predicted.Keys, StringComparer.Ordinal).ToList();
        foreach (var label in allLabels)
        {
            var tp = truePositives.GetValueOrDefault(label);
            if (tp == 0)
                continue;
            var precision = tp / (double)predicted[label];
            var recall = tp / (double)gold[label];
            f1Sum += 2 * precision * recall / (precision + recall);
        }

        var reliability = TextClassifier.BuildReliability(points);
        var ece = points.Count == 0 ? 0 : reliability.Sum(b => b.Count * Math.Abs(b.Accuracy - b.MeanConfidence)) / points.Count;
        return new AccuracyFigures(
            n,
            Share(top1, n),
            Share(top3, n),
            allLabels.Count == 0 ? 0 : f1Sum / allLabels.Count,
            answered == 0 ? null : answeredRight / (double)answered,
            Share(answered, n),
            Share(n - answered, n),
            ece,
            reliability,
            reasons);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double quantile)
    {
        if (sorted.Count == 0)
            return 0;
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private static double Share(int count, int total) => total == 0 ? 0 : count / (double)total;

    // Reports on the training thread (System.Progress<T> would post to the thread pool and arrive out of order).
    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
