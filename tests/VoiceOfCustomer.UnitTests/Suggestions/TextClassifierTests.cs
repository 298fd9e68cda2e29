using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class TextClassifierTests
{
    // Three themes in English and Chinese, phrased a few ways each, with fillers so no two texts are identical.
    private static readonly Dictionary<string, string[]> Themes = new()
    {
        ["billing"] =
        [
            "the invoice amount is wrong", "we were charged twice this month", "refund the duplicate payment", "billing shows an extra fee",
            "发票金额不对", "这个月被重复扣费了", "请退还多收的费用", "账单上多了一笔费用",
        ],
        ["login"] =
        [
            "cannot sign in to my account", "password reset email never arrives", "two factor code is rejected", "locked out after login attempts",
            "无法登录账户", "重置密码的邮件收不到", "验证码一直提示错误", "登录多次后账号被锁定",
        ],
        ["performance"] =
        [
            "the dashboard is very slow to load", "reports time out when exporting", "pages freeze for a minute", "search takes forever",
            "仪表盘加载非常慢", "导出报表时超时", "页面卡住一分钟", "搜索要等很久",
        ],
    };

    private static readonly string[] Fillers = ["", " please help", " again today", " for our team", " 谢谢", " 今天又出现了", " urgent", " 麻烦处理"];

    private static List<LabeledText> TrainingSet() =>
        [.. Themes.SelectMany(theme => theme.Value.SelectMany(text => Fillers.Select(filler => new LabeledText(text + filler, theme.Key))))];

    private static readonly Lazy<TextClassifier> Trained = new(() => TextClassifier.Train(TrainingSet()));

    [Theory]
    [InlineData("we got charged twice for the invoice", "billing")]
    [InlineData("I cannot sign in, the password reset never arrives", "login")]
    [InlineData("exporting the report is slow and times out", "performance")]
    [InlineData("上个月的发票被重复扣费", "billing")]
    [InlineData("登录时验证码错误，账号被锁定", "login")]
    [InlineData("报表页面加载很慢", "performance")]
    public void Suggests_the_theme_of_new_english_and_chinese_text(string text, string expected)
    {
        var prediction = Trained.Value.Predict(text);

        Assert.Null(prediction.Abstained);
        Assert.Equal(expected, prediction.Best!.Label);
        Assert.Equal(3, prediction.Ranked.Count);
        Assert.True(prediction.Ranked[0].Confidence >= prediction.Ranked[1].Confidence);
    }

    [Fact]
    public void A_model_never_claims_more_confidence_than_its_held_out_texts_can_show()
    {
        // 192 near-separable texts: the fitted temperature is small and the raw softmax says 1.0 for a clear text.
        var model = Trained.Value;
        var top = Assert.Single(model.Reliability, b => b.To == model.Reliability.Max(r => r.To));
        var right = Math.Round(top.Accuracy * top.Count);
        Assert.Equal((right + 1) / (top.Count + 2), model.ConfidenceCeiling, 9);
        Assert.True(model.ConfidenceCeiling < 1.0);

        var prediction = model.Predict("we were charged twice this month please help");
        Assert.Equal("billing", prediction.Best!.Label);
        Assert.Equal(model.ConfidenceCeiling, prediction.Best.Confidence, 9);
        Assert.All(prediction.Ranked, r => Assert.True(r.Confidence <= model.ConfidenceCeiling));
    }

    [Theory]
    [InlineData(60, 1.0, 61.0 / 62)]
    [InlineData(50, 0.9, 46.0 / 52)]
    [InlineData(0, 0.0, 0.5)]
    public void The_ceiling_is_the_rule_of_succession_over_the_top_bin(int count, double accuracy, double expected) =>
        Assert.Equal(expected, TextClassifier.CeilingOf(new ReliabilityBin(0.9, 1.0, count, 0.99, accuracy)), 9);

    [Fact]
    public void Chinese_needs_no_spaces_between_words()
    {
        // Every Han character is a token, so "重复扣费" is found inside an unbroken sentence it was never trained on.
        var tokens = TextFeaturizer.Tokenize("我们这个月重复扣费了");
        Assert.Equal(10, tokens.Items.Count);
        Assert.Equal("billing", Trained.Value.Predict("我们这个月重复扣费了").Best?.Label);
    }

    [Theory]
    [InlineData("", AbstainReason.Empty)]
    [InlineData("   \n\t ", AbstainReason.Empty)]
    [InlineData("😡😡😡 🔥🔥", AbstainReason.NoWords)]
    [InlineData("!!! ??? ...", AbstainReason.NoWords)]
    [InlineData("Привет мир, مرحبا بالعالم, hello world", AbstainReason.MixedScript)]
    [InlineData("Это совершенно неизвестный язык для модели", AbstainReason.UnknownWords)]
    public void Bad_input_is_an_abstention_not_an_error(string text, AbstainReason reason)
    {
        var prediction = Trained.Value.Predict(text);

        Assert.Equal(reason, prediction.Abstained);
        Assert.Null(prediction.Best);
    }

    [Fact]
    public void Huge_text_is_an_abstention()
    {
        var huge = string.Concat(Enumerable.Repeat("invoice charged twice ", 1000));
        Assert.True(huge.Length > TextFeaturizer.MaxLength);

        Assert.Equal(AbstainReason.TooLong, Trained.Value.Predict(huge).Abstained);
        Assert.Equal(AbstainReason.Empty, Trained.Value.Predict((string?)null).Abstained);
    }

    [Fact]
    public void English_product_names_inside_chinese_text_are_not_a_script_mix()
    {
        var prediction = Trained.Value.Predict("Dashboard 加载非常慢");

        Assert.NotEqual(AbstainReason.MixedScript, prediction.Abstained);
        Assert.Equal("performance", prediction.Ranked[0].Label);
    }

    [Fact]
    public void Low_confidence_abstains_but_still_ranks()
    {
        var strict = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { AbstainBelow = 0.999 });

        var prediction = strict.Predict("invoice login slow"); // one word of each theme

        Assert.Equal(AbstainReason.LowConfidence, prediction.Abstained);
        Assert.NotEmpty(prediction.Ranked);
    }

    [Fact]
    public void A_saved_model_predicts_exactly_as_before()
    {
        var model = Trained.Value;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            model.Write(writer);
        buffer.Position = 0;
        using var reader = new BinaryReader(buffer);

        var loaded = TextClassifier.Read(reader);

        Assert.Equal(model.Labels, loaded.Labels);
        Assert.Equal(model.Temperature, loaded.Temperature);
        Assert.Equal(model.HeldOutTop1, loaded.HeldOutTop1);
        Assert.Equal(model.Ensemble, loaded.Ensemble);
        foreach (var text in new[] { "refund please", "登录不了", "slow export" })
            Assert.Equal(model.Predict(text), loaded.Predict(text), new PredictionComparer());
    }

    [Theory]
    [InlineData(1, 3 * sizeof(double) + sizeof(float))] // format 1 has neither the ensemble weights nor the specialists
    [InlineData(2, sizeof(float))] // format 2 has the ensemble weights but no specialists
    public void A_model_saved_in_an_older_format_still_loads(int format, int bytesAddedSince)
    {
        var model = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { PairwiseSpecialists = false });
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            model.Write(writer);
        var bytes = buffer.ToArray()[..^bytesAddedSince];
        BitConverter.GetBytes(format).CopyTo(bytes, 0);
        using var reader = new BinaryReader(new MemoryStream(bytes));

        var loaded = TextClassifier.Read(reader);

        Assert.Equal(format == 1, loaded.Ensemble is null);
        Assert.Equal(0, loaded.PairwiseMix);
        Assert.Equal(model.Predict("refund please"), loaded.Predict("refund please"), new PredictionComparer());
    }

    [Fact]
    public void A_saved_model_with_pairwise_specialists_predicts_exactly_as_before()
    {
        var model = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { PairwiseShare = 2 });
        Assert.True(model.PairwiseMix > 0);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
            model.Write(writer);
        buffer.Position = 0;

        var loaded = TextClassifier.Read(new BinaryReader(buffer));

        Assert.Equal(model.PairwiseMix, loaded.PairwiseMix);
        foreach (var text in new[] { "refund please", "登录不了", "slow export", "charged twice and cannot sign in" })
            Assert.Equal(model.Predict(text), loaded.Predict(text), new PredictionComparer());
    }

    [Fact]
    public void With_the_specialists_on_a_clear_text_keeps_its_label()
    {
        var plain = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { PairwiseSpecialists = false, CalibrationShare = 0 });
        var refined = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { PairwiseShare = 2 });

        // Same members and seed: with the specialists on, the ranking of a clear text stays the same.
        Assert.Equal("billing", plain.Predict("we got charged twice for the invoice").Best?.Label);
        Assert.Equal("billing", refined.Predict("we got charged twice for the invoice").Best?.Label);
        Assert.Equal(0, plain.PairwiseMix);
    }

    [Fact]
    public void Training_is_reproducible_with_the_same_seed()
    {
        var first = TextClassifier.Train(TrainingSet());
        var second = TextClassifier.Train(TrainingSet());

        Assert.Equal(first.Predict("charged twice").Ranked, second.Predict("charged twice").Ranked);
    }

    [Fact]
    public void Held_out_share_gives_a_temperature_and_a_reliability_table()
    {
        var model = Trained.Value;

        Assert.NotEqual(1.0, model.Temperature);
        Assert.NotEmpty(model.Reliability);
        Assert.Equal((int)(TrainingSet().Count * 0.1), model.Reliability.Sum(b => b.Count));
        Assert.All(model.Reliability, b => Assert.InRange(b.MeanConfidence, b.From, b.To));
        Assert.NotNull(model.HeldOutTop1);
    }

    [Fact]
    public void Reliability_bins_count_what_was_right()
    {
        var bins = TextClassifier.BuildReliability([(0.95, true), (0.91, false), (0.85, true), (0.15, false)]);

        Assert.Equal(3, bins.Count);
        var top = bins.Single(b => b.From == 0.9);
        Assert.Equal(2, top.Count);
        Assert.Equal(0.5, top.Accuracy);
        Assert.Equal(0.93, top.MeanConfidence, 3);
    }

    [Fact]
    public void Nothing_to_train_on_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TextClassifier.Train([]));
    }

    [Fact]
    public void The_ensemble_weights_are_chosen_on_the_held_out_share()
    {
        var ensemble = Trained.Value.Ensemble;

        Assert.NotNull(ensemble);
        // Each member's scores are put on the scale of its own calibrated temperature, so the anchor's weight is not 1.
        Assert.True(ensemble.SquaredHinge > 0);
        Assert.NotEqual(1.0, ensemble.SquaredHinge);
        Assert.True(ensemble.Softmax >= 0);
        Assert.True(ensemble.NaiveBayes >= 0);
    }

    [Fact]
    public void Without_a_held_out_share_the_configured_weights_are_used()
    {
        var options = new TextClassifierOptions { CalibrationShare = 0, SoftmaxWeight = 0.25, NaiveBayesWeight = 0.15 };

        var model = TextClassifier.Train(TrainingSet(), options);

        Assert.Equal(new EnsembleWeights(1.0, 0.25, 0.15), model.Ensemble);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Either_linear_member_alone_still_classifies(bool squaredHinge, bool softmax)
    {
        var model = TextClassifier.Train(TrainingSet(), new TextClassifierOptions { SquaredHinge = squaredHinge, Softmax = softmax });

        Assert.Equal("billing", model.Predict("we got charged twice for the invoice").Best?.Label);
        Assert.Equal(squaredHinge, model.Ensemble!.SquaredHinge > 0);
        Assert.Equal(softmax, model.Ensemble.Softmax > 0);
    }

    [Fact]
    public void Training_no_linear_member_is_refused()
    {
        var options = new TextClassifierOptions { SquaredHinge = false, Softmax = false };

        Assert.Throws<ArgumentException>(() => TextClassifier.Train(TrainingSet(), options));
    }

    private sealed class PredictionComparer : IEqualityComparer<TextPrediction>
    {
        public bool Equals(TextPrediction? x, TextPrediction? y) =>
            x!.Abstained == y!.Abstained && x.Ranked.SequenceEqual(y.Ranked);

        public int GetHashCode(TextPrediction obj) => obj.Ranked.Count;
    }
}
