using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

/// <summary>The sBG against Fader &amp; Hardie (2007) "How to Project Customer Retention", and its own generative process.</summary>
public sealed class ShiftedBetaGeometricTests
{
    [Theory]
    [InlineData(new double[] { 1000, 631, 468, 382, 326, 289, 262, 241 }, 0.704, 1.182)] // the paper's "regular" cohort
    [InlineData(new double[] { 1000, 869, 743, 653, 593, 551, 517, 491 }, 0.668, 3.806)] // the paper's "high end" cohort
    public void Fit_reproduces_the_papers_estimates(double[] survivors, double alpha, double beta)
    {
        var fit = ShiftedBetaGeometric.Fit(survivors);
        Assert.True(fit.Diagnostics.Converged);
        Assert.Equal(alpha, fit.Model.Alpha, 5e-4);
        Assert.Equal(beta, fit.Model.Beta, 5e-4);
        Assert.Equal(1000, fit.Diagnostics.Observations);
    }

    [Theory]
    [InlineData(0.7, 1.2, 11)]
    [InlineData(2.5, 6.0, 12)]
    public void Fit_recovers_the_parameters_of_simulated_cohorts(double alpha, double beta, int seed)
    {
        var survivors = ClvSimulator.Survivors(new ShiftedBetaGeometric(alpha, beta), cohortSize: 20_000, periods: 10, seed);
        var fit = ShiftedBetaGeometric.Fit(survivors);
        Assert.True(fit.Diagnostics.Converged);
        BgNbdModelTests.AssertWithin(alpha, fit.Model.Alpha, fit.StandardErrors!.Alpha, "alpha");
        BgNbdModelTests.AssertWithin(beta, fit.Model.Beta, fit.StandardErrors!.Beta, "beta");
    }

    [Fact]
    public void Retention_rates_and_survival_follow_the_closed_forms()
    {
        var model = new ShiftedBetaGeometric(0.704, 1.182);
        Assert.Equal(1.182 / (0.704 + 1.182), model.RetentionRate(1), 1e-12);
        Assert.Equal((1.182 + 4) / (0.704 + 1.182 + 4), model.RetentionRate(5), 1e-12);
        // S(t) = B(α, β + t)/B(α, β), and the churn probabilities add up to 1 − S(t).
        Assert.Equal(Math.Exp(SpecialFunctions.LogBeta(0.704, 1.182 + 7) - SpecialFunctions.LogBeta(0.704, 1.182)), model.Survival(7), 1e-12);
        Assert.Equal(1 - model.Survival(7), Enumerable.Range(1, 7).Sum(model.ChurnProbability), 1e-12);
        Assert.Equal(model.RetentionRate(4), model.ProbabilityOfRenewal(3), 1e-15);
        Assert.Equal([1000, 1000 * model.Survival(1)], model.ProjectedSurvivors(1000, 0, 2));
    }

    [Theory]
    [InlineData(0, 0.10)]
    [InlineData(4, 0.10)]
    [InlineData(2, 0.25)]
    public void Derl_equals_the_discounted_sum_of_survival(int renewals, double discount)
    {
        var model = new ShiftedBetaGeometric(0.668, 3.806);
        // The payment at the next renewal counted in full, each later one discounted once more per period.
        var sum = 0.0;
        for (var t = 1; t < 5000; t++)
            sum += model.Survival(renewals + t) / model.Survival(renewals) / Math.Pow(1 + discount, t - 1);
        Assert.Equal(sum, model.DiscountedExpectedResidualLifetime(discount, renewals), 1e-6);
    }

    [Theory]
    [InlineData(new double[] { 1000, 600 }, "at least 3 points")]
    [InlineData(new double[] { 1000, 631, 700 }, "value 3 (700) is above value 2 (631)")]
    [InlineData(new double[] { 1000, -1, -2 }, "value 2 (-1)")]
    [InlineData(new double[] { 500, 500, 500 }, "No customer churned")]
    [InlineData(new double[] { 0, 0, 0 }, "cohort is empty")]
    public void Bad_survivor_series_are_refused_naming_the_value(double[] survivors, string message) =>
        Assert.Contains(message, Assert.Throws<ClvDataException>(() => ShiftedBetaGeometric.Fit(survivors)).Message);

    [Fact]
    public void Survivors_text_names_the_value_that_is_not_a_number()
    {
        Assert.Equal([1000, 631, 468], ShiftedBetaGeometric.ParseSurvivors("1000, 631,468"));
        Assert.Contains("value 2 ('6x1')", Assert.Throws<ClvDataException>(() => ShiftedBetaGeometric.ParseSurvivors("1000,6x1")).Message);
    }
}
