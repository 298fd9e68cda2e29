using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

/// <summary>The Gamma-Gamma spend model against Fader &amp; Hardie's note 025 spreadsheet and its own generative process.</summary>
public sealed class GammaGammaModelTests
{
    private static readonly GammaGammaModel Published = new(new GammaGammaParameters(6.25, 3.74, 15.44));

    [Fact]
    public void Expected_spend_of_the_first_ten_CDNOW_customers_matches_the_note()
    {
        // (x, z̄) of CDNOW customers 1–10 in Hardie's calibration summary, and the spreadsheet's expected spend.
        (int X, double MeanSpend, double Expected)[] customers =
        [
            (2, 22.345, 24.65), (1, 11.77, 18.91), (0, 0, 35.17), (0, 0, 35.17), (0, 0, 35.17),
            (7, 73.7414, 71.46), (1, 11.77, 18.91), (0, 0, 35.17), (2, 25.55, 27.28), (0, 0, 35.17),
        ];
        foreach (var (x, spend, expected) in customers)
            Assert.Equal(expected, Published.ConditionalExpectedSpend(x, spend), 0.1);
        Assert.Equal(35.22, Published.PopulationMeanSpend, 0.01);
    }

    [Fact]
    public void Log_likelihood_matches_the_notes_density()
    {
        int[] x = [1, 2, 7, 0];
        double[] spend = [11.77, 22.345, 73.74, 0];
        var (p, q, gamma) = Published.Parameters;
        var expected = 0.0;
        for (var i = 0; i < 3; i++)
        {
            // f(z̄ | p, q, γ, x) = Γ(px+q)/(Γ(px)Γ(q)) γ^q x^(px) z̄^(px−1) / (γ + x z̄)^(px+q)
            var px = p * x[i];
            expected += SpecialFunctions.LogGamma(px + q) - SpecialFunctions.LogGamma(px) - SpecialFunctions.LogGamma(q) + q * Math.Log(gamma)
                + px * Math.Log(x[i]) + (px - 1) * Math.Log(spend[i]) - (px + q) * Math.Log(gamma + x[i] * spend[i]);
        }
        Assert.Equal(expected, GammaGammaModel.LogLikelihood(Published.Parameters, x, spend), 1e-9);
    }

    [Theory]
    [InlineData(6.25, 3.74, 15.44, 1)]
    [InlineData(2.0, 8.0, 300.0, 2)]
    public void Fit_recovers_the_parameters_of_simulated_spend(double p, double q, double gamma, int seed)
    {
        var truth = new GammaGammaParameters(p, q, gamma);
        var data = ClvSimulator.Summary(new BgNbdParameters(1.5, 4, 0.5, 4), truth, 20_000, acquisitionWindow: 12, observationEnd: 52, seed);
        var fit = GammaGammaModel.Fit(data.Frequency, data.MeanRepeatSpend);
        Assert.True(fit.Diagnostics.Converged);
        Assert.Equal(data.Frequency.Count(x => x > 0), fit.Diagnostics.Observations);
        var se = fit.StandardErrors!;
        BgNbdModelTests.AssertWithin(truth.P, fit.Model.Parameters.P, se.P, "p");
        BgNbdModelTests.AssertWithin(truth.Q, fit.Model.Parameters.Q, se.Q, "q");
        BgNbdModelTests.AssertWithin(truth.Gamma, fit.Model.Parameters.Gamma, se.Gamma, "gamma");
    }

    [Fact]
    public void Data_without_repeat_spend_is_refused_clearly()
    {
        Assert.Contains("repeat purchases", Assert.Throws<ClvDataException>(() => GammaGammaModel.Fit([0, 0], [0, 0])).Message);
        Assert.Contains("Customer 2: mean spend -3", Assert.Throws<ClvDataException>(() => GammaGammaModel.Fit([1, 2], [5, -3])).Message);
    }
}
