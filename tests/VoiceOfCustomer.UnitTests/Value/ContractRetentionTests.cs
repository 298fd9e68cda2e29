using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

public sealed class ContractRetentionTests
{
    /// <summary>
    /// Customers who joined in different years (so are observed for 1 to 8 terms), each with θ ~ Beta(α, β): the censored
    /// fit recovers α and β within three standard errors.
    /// </summary>
    [Fact]
    public void Recovers_known_parameters_from_customers_observed_for_different_lengths()
    {
        var truth = new ShiftedBetaGeometric(0.8, 2.5);
        var random = new Random(20261203);
        var churned = new int[9];
        var active = new int[9];
        for (var i = 0; i < 20_000; i++)
        {
            var observedTerms = 1 + random.Next(8);
            var theta = ClvSimulator.Beta(random, truth.Alpha, truth.Beta);
            var term = 1;
            while (true)
            {
                if (term == observedTerms) { active[term]++; break; }
                if (random.NextDouble() < theta) { churned[term]++; break; }
                term++;
            }
        }
        var fit = ContractRetention.Fit(churned, active);
        Assert.True(fit.Diagnostics.Converged);
        Assert.NotNull(fit.StandardErrors);
        Assert.InRange(fit.Model.Alpha, truth.Alpha - 3 * fit.StandardErrors.Alpha, truth.Alpha + 3 * fit.StandardErrors.Alpha);
        Assert.InRange(fit.Model.Beta, truth.Beta - 3 * fit.StandardErrors.Beta, truth.Beta + 3 * fit.StandardErrors.Beta);
    }

    [Fact]
    public void One_cohort_seen_together_gives_the_same_fit_as_its_survivors_series()
    {
        // Fader & Hardie's "regular" cohort: 1000, 631, 468, 382, 326, 289, 262, 241 as churn counts and the last survivors.
        double[] survivors = [1000, 631, 468, 382, 326, 289, 262, 241];
        var churned = new int[9];
        var active = new int[9];
        for (var t = 1; t < survivors.Length; t++)
            churned[t] = (int)(survivors[t - 1] - survivors[t]);
        active[8] = (int)survivors[^1];
        var censored = ContractRetention.Fit(churned, active);
        var series = ShiftedBetaGeometric.Fit(survivors);
        Assert.Equal(series.Model.Alpha, censored.Model.Alpha, 3);
        Assert.Equal(series.Model.Beta, censored.Model.Beta, 3);
    }

    [Fact]
    public void Data_without_churn_or_without_renewals_is_refused_in_words()
    {
        Assert.Contains("has left", Assert.Throws<ClvDataException>(() => ContractRetention.Fit([0, 0, 0], [0, 5, 3])).Message);
        Assert.Contains("renewed", Assert.Throws<ClvDataException>(() => ContractRetention.Fit([0, 4], [0, 6])).Message);
    }

    [Fact]
    public void A_fit_at_the_boundary_has_constant_retention_and_a_geometric_residual_lifetime()
    {
        // α, β near 10^9 (what a fit finds when every customer churns at one rate): r = 6/11 each period.
        var model = new ShiftedBetaGeometric(5e8, 6e8);
        var r = 6.0 / 11;
        Assert.Equal(r / (1 - r / 1.1), model.DiscountedExpectedResidualLifetime(0.1, 3), 6);
        // Just below the switch the series agrees with it.
        Assert.Equal(new ShiftedBetaGeometric(4.5e4, 5.4e4).DiscountedExpectedResidualLifetime(0.1, 3), r / (1 - r / 1.1), 3);
    }
}
