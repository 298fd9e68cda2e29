using System.Text.Json;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Evaluation;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class SuggesterEvaluationTests
{
    private static readonly Dictionary<string, string[]> Vocabulary = new()
    {
        ["billing"] = ["invoice", "charge", "refund", "payment", "bill", "card", "charged", "twice", "price", "receipt"],
        ["shipping"] = ["delivery", "package", "courier", "tracking", "parcel", "arrive", "shipped", "address", "late", "box"],
        ["login"] = ["password", "account", "reset", "locked", "sign", "username", "login", "code", "email", "access"],
    };

    private static readonly string[] Filler = ["please", "help", "my", "the", "is", "i", "can", "you", "with", "not"];

    /// <summary>Texts of 5-8 words: three or more from the label's own words, the rest filler every label shares.</summary>
    public static List<LabeledText> Synthetic(int perLabel, int seed)
    {
        var random = new Random(seed);
        var result = new List<LabeledText>();
        foreach (var (label, words) in Vocabulary)
        {
            for (var i = 0; i < perLabel; i++)
            {
                var length = random.Next(5, 9);
                var own = random.Next(3, length + 1);
                var picked = Enumerable.Range(0, length).Select(k => k < own ? words[random.Next(words.Length)] : Filler[random.Next(Filler.Length)]).ToArray();
                random.Shuffle(picked);
                result.Add(new LabeledText(string.Join(' ', picked), label));
            }
        }
        return result;
    }

    [Fact]
    public void A_separable_three_label_set_scores_high_and_the_json_has_every_key()
    {
        var train = Synthetic(80, seed: 1);
        var test = Synthetic(30, seed: 2);
        test.Add(new LabeledText("", "billing")); // empty text: an abstention and a miss
        var outOfScope = new List<LabeledText> { new("zebra quantum volcano", ""), new("🙂🙂🙂", ""), new("what is the capital of peru", "") };

        var report = SuggesterEvaluation.Run(train, test, outOfScope);

        Assert.Equal(91, report.Accuracy.N);
        Assert.True(report.Accuracy.Top1 >= 0.9, $"top-1 {report.Accuracy.Top1}");
        Assert.True(report.Accuracy.Top1 < 1, "the empty text counts as a miss");
        Assert.Equal(1, report.Accuracy.AbstainReasons[AbstainReason.Empty]);
        Assert.True(report.Accuracy.Top3 >= report.Accuracy.Top1);
        Assert.Equal(3, report.Labels);
        Assert.Equal(240, report.TrainCount);
        Assert.True(report.AbstainOutOfScope >= 2 / 3.0, $"out of scope abstained {report.AbstainOutOfScope}");
        Assert.True(report.P99Ms >= report.P50Ms && report.P50Ms > 0);
        Assert.Equal(90, report.Accuracy.Reliability.Sum(b => b.Count)); // every text but the empty one ranks labels

        var json = JsonDocument.Parse(report.ToJson()).RootElement;
        foreach (var key in new[] { "top1", "top3", "macroF1", "n", "trainSeconds", "p50Ms", "p99Ms", "abstainInScope", "abstainOutOfScope",
                     "top1Answered", "coverage", "ece", "featureCount", "labels", "temperature" })
            Assert.True(json.TryGetProperty(key, out _), $"missing {key}");
        Assert.Equal(91, json.GetProperty("n").GetInt32());
        Assert.Equal(Math.Round(report.Accuracy.Top1, 4), json.GetProperty("top1").GetDouble());
    }

    [Fact]
    public void Without_an_out_of_scope_file_its_key_is_left_out()
    {
        var report = SuggesterEvaluation.Run(Synthetic(20, 3), Synthetic(5, 4));

        Assert.False(JsonDocument.Parse(report.ToJson()).RootElement.TryGetProperty("abstainOutOfScope", out _));
    }

    private static ScoredCase Case(string gold, params string[] ranked) =>
        new(gold, [.. ranked.Select((label, i) => new ScoredLabel(label, 0.9 - 0.3 * i))], null);

    [Fact]
    public void Metrics_on_a_hand_made_prediction_set()
    {
        ScoredCase[] cases =
        [
            Case("a", "a", "b", "c"),
            Case("a", "a", "c", "b"),
            Case("a", "b", "a", "c"),   // top-1 miss, top-3 hit
            Case("b", "b", "a", "c"),
            Case("b", "c", "d", "e"),   // top-3 miss
            new("c", [], AbstainReason.Empty), // nothing ranked: a miss everywhere
            new("c", [new ScoredLabel("c", 0.3), new ScoredLabel("a", 0.2)], AbstainReason.LowConfidence), // abstained, yet top-1 right
            Case("x", "a"),             // a label only the test has: always an error
        ];

        var figures = SuggesterEvaluation.Score(cases, ["a", "b", "c", "d", "e", "x"]);

        // Top-1 hits: cases 1, 2, 4, 7 → 4/8; top-3 adds case 3 → 5/8.
        Assert.Equal(8, figures.N);
        Assert.Equal(0.5, figures.Top1, 10);
        Assert.Equal(0.625, figures.Top3, 10);
        // a: predicted 3 (cases 1, 2, 8), right 2, gold 3 → P 2/3, R 2/3, F1 2/3.
        // b: predicted 2 (3, 4), right 1, gold 2 → P 1/2, R 1/2, F1 1/2.
        // c: predicted 2 (5, 7), right 1, gold 2 → P 1/2, R 1/2, F1 1/2.
        // d, e, x: no hit → 0. Macro over the six labels.
        Assert.Equal((2 / 3.0 + 0.5 + 0.5) / 6, figures.MacroF1, 10);
        Assert.Equal(2 / 8.0, figures.AbstainInScope, 10);
        Assert.Equal(6 / 8.0, figures.Coverage, 10);
        Assert.Equal(3 / 6.0, figures.Top1Answered!.Value, 10); // answered: 1, 2, 3, 4, 5, 8; right: 1, 2, 4
        Assert.Equal(1, figures.AbstainReasons[AbstainReason.LowConfidence]);
        // Reliability: 6 cases at 0.9 (4 right? cases 1, 2, 4 right; 3, 5, 8 wrong → 3/6), one at 0.3 (right).
        var high = Assert.Single(figures.Reliability, b => b.From == 0.9);
        Assert.Equal((6, 0.5), (high.Count, high.Accuracy));
        var low = Assert.Single(figures.Reliability, b => b.From == 0.3);
        Assert.Equal((1, 1.0), (low.Count, low.Accuracy));
        // ECE = (6 × |0.5 − 0.9| + 1 × |1 − 0.3|) / 7.
        Assert.Equal((6 * 0.4 + 0.7) / 7, figures.Ece, 10);
    }

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        double[] sorted = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

        Assert.Equal(50, SuggesterEvaluation.Percentile(sorted, 0.5));
        Assert.Equal(99, SuggesterEvaluation.Percentile(sorted, 0.99));
        Assert.Equal(7, SuggesterEvaluation.Percentile([7.0], 0.99));
    }
}
