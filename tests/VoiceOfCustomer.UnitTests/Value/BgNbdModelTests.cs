using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

/// <summary>
/// The BG/NBD against the figures of Fader, Hardie &amp; Lee (2005) and Hardie's spreadsheets (published constants, as
/// lifetimes' test_estimation.py and the R BTYD documentation quote them), and against its own generative process.
/// </summary>
public sealed class BgNbdModelTests
{
    /// <summary>The published estimates for CDNOW, rounded as in the paper.</summary>
    private static readonly BgNbdModel Published = new(new BgNbdParameters(0.243, 4.414, 0.793, 2.426));

    /// <summary>CLVTools' unrounded CDNOW estimates (test_correctness_bgnbd.R), which Hardie's sheet's figures come from.</summary>
    private static readonly BgNbdModel CdnowEstimate = new(new BgNbdParameters(0.2425945, 4.4136019, 0.7929199, 2.4258881));

    [Fact]
    public void Probability_of_no_purchase_matches_the_published_figures()
    {
        Assert.Equal(0.5737864, Published.ProbabilityOfPurchases(39, 0), 1e-7);
        Assert.Equal(1.07869e-07, Published.ProbabilityOfPurchases(2, 10), 1e-11);
    }

    [Fact]
    public void Probability_of_n_purchases_in_30_weeks_matches_the_published_figures()
    {
        double[] expected = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260];
        for (var n = 11; n <= 20; n++)
            Assert.Equal(expected[n - 11], Published.ProbabilityOfPurchases(30, n), 1e-9);
    }

    [Fact]
    public void Probabilities_of_n_purchases_sum_to_one()
    {
        var total = Enumerable.Range(0, 400).Sum(n => CdnowEstimate.ProbabilityOfPurchases(10, n));
        Assert.Equal(1, total, 1e-9);
    }

    [Theory]
    [InlineData(0.1429, 0.0078)]
    [InlineData(1, 0.0532)]
    [InlineData(3, 0.1506)]
    [InlineData(31.8571, 1.0405)]
    [InlineData(32, 1.0437)]
    [InlineData(78, 1.8576)]
    public void Expected_purchases_of_a_random_customer_match_Hardies_sheet(double weeks, double expected) =>
        Assert.Equal(expected, CdnowEstimate.ExpectedPurchases(weeks), 1e-3);

    [Fact]
    public void Expected_purchases_equal_the_mean_of_the_purchase_distribution()
    {
        var mean = Enumerable.Range(0, 400).Sum(n => n * CdnowEstimate.ProbabilityOfPurchases(20, n));
        Assert.Equal(mean, CdnowEstimate.ExpectedPurchases(20), 1e-7);
    }

    [Fact]
    public void Conditional_expectation_for_customer_1_matches_Hardies_sheet() =>
        Assert.Equal(1.226, CdnowEstimate.ConditionalExpectedPurchases(39, 2, 30.43, 38.86), 1e-3);

    [Fact]
    public void Probability_alive_is_one_without_repeat_purchases_and_falls_with_silence()
    {
        Assert.Equal(1, CdnowEstimate.ProbabilityAlive(0, 0, 38.86));
        var recent = CdnowEstimate.ProbabilityAlive(5, 38, 38.86);
        var longAgo = CdnowEstimate.ProbabilityAlive(5, 10, 38.86);
        Assert.True(recent > 0.85 && longAgo < 0.05, $"recent {recent}, long ago {longAgo}");
    }

    [Fact]
    public void Log_likelihood_matches_the_papers_formula_customer_by_customer()
    {
        int[] x = [0, 1, 2, 7, 0, 30];
        double[] tx = [0, 1.7, 30.4, 29.4, 0, 38];
        double[] age = [38.9, 38.9, 38.9, 38.9, 12, 38.9];
        var p = Published.Parameters;
        var expected = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            // L = B(a, b+x)/B(a, b) Γ(r+x)α^r / (Γ(r)(α+T)^(r+x)) + δ(x>0) B(a+1, b+x−1)/B(a, b) Γ(r+x)α^r / (Γ(r)(α+t_x)^(r+x))
            var common = SpecialFunctions.LogGamma(p.R + x[i]) - SpecialFunctions.LogGamma(p.R) + p.R * Math.Log(p.Alpha) - SpecialFunctions.LogBeta(p.A, p.B);
            var likelihood = Math.Exp(common + SpecialFunctions.LogBeta(p.A, p.B + x[i]) - (p.R + x[i]) * Math.Log(p.Alpha + age[i]));
            if (x[i] > 0)
                likelihood += Math.Exp(common + SpecialFunctions.LogBeta(p.A + 1, p.B + x[i] - 1) - (p.R + x[i]) * Math.Log(p.Alpha + tx[i]));
            expected += Math.Log(likelihood);
        }
        Assert.Equal(expected, BgNbdModel.LogLikelihood(p, x, tx, age), 1e-9);
    }

    [Theory]
    [InlineData(0.243, 4.414, 0.793, 2.426, 1)]
    [InlineData(0.8, 12.0, 1.5, 6.0, 2)]
    public void Fit_recovers_the_parameters_of_simulated_customers(double r, double alpha, double a, double b, int seed)
    {
        var truth = new BgNbdParameters(r, alpha, a, b);
        var data = ClvSimulator.Summary(truth, new GammaGammaParameters(6, 4, 15), 20_000, acquisitionWindow: 12, observationEnd: 52, seed);
        var fit = BgNbdModel.Fit(data.Frequency, data.Recency, data.Age);
        Assert.True(fit.Diagnostics.Converged);
        Assert.Equal(20_000, fit.Diagnostics.Observations);
        var se = fit.StandardErrors!;
        var estimate = fit.Model.Parameters;
        AssertWithin(truth.R, estimate.R, se.R, "r");
        AssertWithin(truth.Alpha, estimate.Alpha, se.Alpha, "alpha");
        AssertWithin(truth.A, estimate.A, se.A, "a");
        AssertWithin(truth.B, estimate.B, se.B, "b");
    }

    [Fact]
    public void Fit_in_days_scales_alpha_by_seven()
    {
        var data = ClvSimulator.Summary(new BgNbdParameters(0.5, 5, 0.8, 2.5), new GammaGammaParameters(6, 4, 15), 5_000, 12, 52, seed: 3);
        var weeks = BgNbdModel.Fit(data.Frequency, data.Recency, data.Age).Model.Parameters;
        var days = BgNbdModel.Fit(data.Frequency, [.. data.Recency.Select(t => t * 7)], [.. data.Age.Select(t => t * 7)]).Model.Parameters;
        Assert.Equal(weeks.Alpha * 7, days.Alpha, weeks.Alpha * 7 * 1e-5);
        Assert.Equal(weeks.R, days.R, 1e-5);
        Assert.Equal(weeks.A, days.A, 1e-4);
    }

    [Fact]
    public void Data_without_repeat_buyers_is_refused_clearly()
    {
        var error = Assert.Throws<ClvDataException>(() => BgNbdModel.Fit([0, 0, 0], [0, 0, 0], [10, 20, 30]));
        Assert.Contains("repeat buyers", error.Message);
    }

    [Fact]
    public void Inconsistent_summaries_are_refused_naming_the_customer()
    {
        Assert.Contains("Customer 2: recency", Assert.Throws<ClvDataException>(() => BgNbdModel.Fit([1, 1], [1, 12], [10, 10])).Message);
        Assert.Contains("Customer 1: frequency -1", Assert.Throws<ClvDataException>(() => BgNbdModel.Fit([-1, 1], [0, 1], [10, 10])).Message);
        Assert.Contains("differ in length", Assert.Throws<ClvDataException>(() => BgNbdModel.Fit([1, 1], [1], [10, 10])).Message);
    }

    internal static void AssertWithin(double truth, double estimate, double standardError, string name) =>
        Assert.True(Math.Abs(estimate - truth) <= 4 * standardError,
            FormattableString.Invariant($"{name}: estimate {estimate:0.0000} ± {standardError:0.0000} is more than 4 standard errors from {truth}"));
}
