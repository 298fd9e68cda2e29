using System.Globalization;

namespace VoiceOfCustomer.Value;

/// <summary>A fitted shifted-beta-geometric model with its standard errors (null when the Hessian was not positive definite) and diagnostics.</summary>
public sealed record ShiftedBetaGeometricFit(ShiftedBetaGeometric Model, ShiftedBetaGeometric? StandardErrors, FitDiagnostics Diagnostics);

/// <summary>
/// The shifted-beta-geometric (sBG) model of contract renewals (Fader &amp; Hardie 2007, "How to Project Customer
/// Retention"): each customer churns at the end of a period with probability θ ~ Beta(<see cref="Alpha"/>, <see cref="Beta"/>).
/// A period is one contract term (a year for annual contracts).
/// </summary>
public sealed record ShiftedBetaGeometric(double Alpha, double Beta)
{
    /// <summary>
    /// Maximum-likelihood fit from a cohort's survivors: customers active at the start of each period, the first being
    /// the cohort's size. The series must not increase and needs at least three points.
    /// </summary>
    /// <exception cref="ClvDataException">Fewer than three points, a negative or increasing count, an empty cohort, or no churn at all.</exception>
    public static ShiftedBetaGeometricFit Fit(IReadOnlyList<double> survivors)
    {
        Validate(survivors);
        var size = survivors[0];
        double NegativeLogLikelihood(double[] point) => -LogLikelihood(new ShiftedBetaGeometric(Math.Exp(point[0]), Math.Exp(point[1])), survivors) / size;
        var optimum = Optimizer.Minimize(Optimizer.WithNumericalGradient(NegativeLogLikelihood), [0.0, 0.0], gradientTolerance: 1e-9);
        var estimates = optimum.Point.Select(Math.Exp).ToArray();
        var errors = Optimizer.StandardErrors((point, gradient) =>
            Optimizer.WithNumericalGradient(p => -LogLikelihood(new ShiftedBetaGeometric(p[0], p[1]), survivors))(point, gradient), estimates);
        var model = new ShiftedBetaGeometric(estimates[0], estimates[1]);
        return new ShiftedBetaGeometricFit(model, errors is null ? null : new ShiftedBetaGeometric(errors[0], errors[1]),
            new FitDiagnostics(LogLikelihood(model, survivors), optimum.Converged, optimum.Iterations, (int)Math.Round(size)));
    }

    /// <summary>Parses "1000,631,468" (commas, optionally spaces) into counts, naming the value that is not a number.</summary>
    /// <exception cref="ClvDataException">A value that is not a non-negative number.</exception>
    public static double[] ParseSurvivors(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new ClvDataException($"Survivors value {i + 1} ('{parts[i]}') is not a number.");
        }
        return values;
    }

    /// <summary>Σ churned in period t × ln P(T = t) + still active at the last point × ln S(last).</summary>
    public static double LogLikelihood(ShiftedBetaGeometric model, IReadOnlyList<double> survivors)
    {
        var logLikelihood = 0.0;
        for (var t = 1; t < survivors.Count; t++)
        {
            var churned = survivors[t - 1] - survivors[t];
            if (churned > 0)
                logLikelihood += churned * Math.Log(model.ChurnProbability(t));
        }
        var last = survivors[^1];
        return last > 0 ? logLikelihood + last * Math.Log(model.Survival(survivors.Count - 1)) : logLikelihood;
    }

    /// <summary>P(T = t): the probability that a new customer's last period is t (churns at its end), t ≥ 1.</summary>
    public double ChurnProbability(int t)
    {
        var probability = Alpha / (Alpha + Beta);
        for (var i = 2; i <= t; i++)
            probability *= (Beta + i - 2) / (Alpha + Beta + i - 1);
        return probability;
    }

    /// <summary>S(t) = B(α, β+t)/B(α, β): the share of a new cohort still active at the start of period t + 1 (S(0) = 1).</summary>
    public double Survival(int t)
    {
        var survival = 1.0;
        for (var i = 1; i <= t; i++)
            survival *= RetentionRate(i);
        return survival;
    }

    /// <summary>r_t = (β + t − 1)/(α + β + t − 1): the share of those active in period t − 1 who renew into period t, t ≥ 1.</summary>
    public double RetentionRate(int t) => (Beta + t - 1) / (Alpha + Beta + t - 1);

    /// <summary>The probability that a customer who has renewed <paramref name="renewals"/> times renews at the next renewal: r_(n+1).</summary>
    public double ProbabilityOfRenewal(int renewals) => RetentionRate(renewals + 1);

    /// <summary>Expected survivors of a cohort of <paramref name="cohortSize"/> at the start of periods <paramref name="fromPeriod"/> .. + count − 1 (period 0 is the start).</summary>
    public double[] ProjectedSurvivors(double cohortSize, int fromPeriod, int count) =>
        [.. Enumerable.Range(fromPeriod, count).Select(t => cohortSize * Survival(t))];

    /// <summary>
    /// Discounted expected residual lifetime (Fader &amp; Hardie 2010), in payments: for a customer who has made
    /// <paramref name="renewals"/> renewals, evaluated just before the next renewal decision, the expected number of
    /// further payments, the one at that decision counted in full and each later one discounted by (1 + d) per period:
    /// DERL = (β + n)/(α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1/(1 + d)). A contract customer's CLV is margin ×
    /// value per period × DERL.
    /// </summary>
    /// <param name="discountRate">Discount rate per period (for annual contracts, the annual rate), &gt; 0.</param>
    public double DiscountedExpectedResidualLifetime(double discountRate, int renewals)
    {
        if (!(discountRate > 0))
            throw new ArgumentOutOfRangeException(nameof(discountRate), discountRate, "The discount rate must be positive, or the residual lifetime may be infinite.");
        if (renewals < 0)
            throw new ArgumentOutOfRangeException(nameof(renewals), renewals, "Renewals cannot be negative.");
        var n = renewals;
        var retention = (Beta + n) / (Alpha + Beta + n);
        // A fit at the boundary (α, β → ∞ with their ratio fixed: every customer churns at the same rate) makes retention
        // constant; the series then is geometric, Σ (r / (1 + d))^k, and ₂F₁ with parameters near 10^9 would not converge.
        if (Alpha + Beta > 1e5)
            return retention / (1 - retention / (1 + discountRate));
        return retention * SpecialFunctions.Hypergeometric2F1(1, Beta + n + 1, Alpha + Beta + n + 1, 1 / (1 + discountRate));
    }

    private static void Validate(IReadOnlyList<double> survivors)
    {
        if (survivors.Count < 3)
            throw new ClvDataException($"A survivors series needs at least 3 points (the cohort's size and two later counts); got {survivors.Count}.");
        for (var t = 0; t < survivors.Count; t++)
        {
            var value = survivors[t];
            if (!(value >= 0) || !double.IsFinite(value))
                throw new ClvDataException(FormattableString.Invariant($"Survivors value {t + 1} ({value}) must be a count ≥ 0."));
            if (t > 0 && value > survivors[t - 1])
                throw new ClvDataException(FormattableString.Invariant($"Survivors must not increase: value {t + 1} ({value}) is above value {t} ({survivors[t - 1]})."));
        }
        if (survivors[0] <= 0)
            throw new ClvDataException("The cohort is empty: the first survivors value (the cohort's size) must be above 0.");
        if (survivors[^1] == survivors[0])
            throw new ClvDataException("No customer churned in the series; the sBG cannot be fitted to a cohort without churn.");
        if (survivors[^1] == 0 && survivors[1] == 0)
            throw new ClvDataException("Every customer churned in the first period; the sBG cannot be fitted to a cohort without renewals.");
    }
}
