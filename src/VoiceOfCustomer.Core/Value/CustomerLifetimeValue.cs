using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.Value;

/// <summary>The economics CLV is computed with; the app binds these from its settings.</summary>
/// <param name="Margin">Share of revenue that is margin, 0–1.</param>
/// <param name="AnnualDiscountRate">Yearly discount rate, e.g. 0.10; a month is discounted by (1 + rate)^(1/12).</param>
/// <param name="HorizonMonths">How far ahead a buyer's purchases are counted.</param>
public sealed record ClvOptions(double Margin = 0.30, double AnnualDiscountRate = 0.10, int HorizonMonths = 36)
{
    public static ClvOptions Default { get; } = new();

    /// <summary>(1 + annual)^(1/12) − 1.</summary>
    public double MonthlyDiscountRate => Math.Pow(1 + AnnualDiscountRate, 1.0 / 12) - 1;

    /// <summary>Throws when a value is outside its range, naming it.</summary>
    public ClvOptions Validated()
    {
        if (!(Margin is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, "The margin must be between 0 and 1.");
        if (!(AnnualDiscountRate is >= 0 and < 10))
            throw new ArgumentOutOfRangeException(nameof(AnnualDiscountRate), AnnualDiscountRate, "The annual discount rate must be between 0 and 10.");
        if (HorizonMonths is < 1 or > 1200)
            throw new ArgumentOutOfRangeException(nameof(HorizonMonths), HorizonMonths, "The horizon must be 1 to 1,200 months.");
        return this;
    }
}

/// <summary>
/// Customer lifetime value: discounted expected margin over a horizon. Buyers are valued by BG/NBD × Gamma-Gamma,
/// contract customers by their cohort's sBG, prospects by comparable customers' CLV × their conversion probability.
/// </summary>
public static class CustomerLifetimeValue
{
    /// <summary>Days in an average month, for the period conversion.</summary>
    public const double DaysPerMonth = 365.25 / 12;

    /// <summary>
    /// A buyer's CLV: Σ over months i = 1..H of (E[Y(i months)] − E[Y(i − 1 months)] | x, t_x, T) × E[M | x, z̄] × margin
    /// / (1 + monthly discount)^i, as lifetimes' customer_lifetime_value does with a margin.
    /// </summary>
    /// <param name="period">The time unit the BG/NBD was fitted in (its α, t_x and T).</param>
    public static double ForBuyer(BgNbdModel purchases, GammaGammaModel spend, int x, double recency, double age, double meanRepeatSpend,
        ClvPeriod period, ClvOptions options)
    {
        var month = RfmSummary.ToPeriods(1, period) * DaysPerMonth;
        var horizon = options.HorizonMonths;
        Span<double> ends = horizon <= 128 ? stackalloc double[horizon] : new double[horizon];
        Span<double> cumulative = horizon <= 128 ? stackalloc double[horizon] : new double[horizon];
        for (var i = 0; i < horizon; i++)
            ends[i] = (i + 1) * month;
        purchases.ConditionalExpectedPurchases(ends, x, recency, age, cumulative);
        var monthlyFactor = 1 / (1 + options.MonthlyDiscountRate);
        var perPurchase = spend.ConditionalExpectedSpend(x, meanRepeatSpend) * options.Margin;
        var (value, previous, discount) = (0.0, 0.0, 1.0);
        for (var i = 0; i < horizon; i++)
        {
            discount *= monthlyFactor;
            value += (cumulative[i] - previous) * perPurchase * discount;
            previous = cumulative[i];
        }
        return value;
    }

    /// <summary>Every customer of a summary, in parallel; the result is in the summary's order.</summary>
    public static double[] ForBuyers(BgNbdModel purchases, GammaGammaModel spend, RfmSummary summary, ClvOptions options)
    {
        options.Validated();
        var values = new double[summary.Count];
        Parallel.For(0, summary.Count, i => values[i] = ForBuyer(purchases, spend, summary.Frequency[i], summary.Recency[i], summary.Age[i],
            summary.MeanRepeatSpend[i], summary.Period, options));
        return values;
    }

    /// <summary>
    /// A contract customer's CLV: margin × value per contract period × DERL at the per-period discount rate, for one who
    /// has renewed <paramref name="renewals"/> times (the coming renewal payment counted in full).
    /// </summary>
    /// <param name="periodsPerYear">Contract periods a year (1 for annual contracts, 12 for monthly) for the discount rate.</param>
    public static double ForContract(ShiftedBetaGeometric retention, double valuePerPeriod, int renewals, ClvOptions options, int periodsPerYear = 1)
    {
        var periodRate = Math.Pow(1 + options.AnnualDiscountRate, 1.0 / periodsPerYear) - 1;
        return options.Margin * valuePerPeriod * retention.DiscountedExpectedResidualLifetime(periodRate, renewals);
    }

    /// <summary>A prospect's CLV: the expected CLV of comparable customers (same segment and stage) × the probability of converting.</summary>
    public static double ForProspect(double comparableCustomersClv, double conversionProbability) =>
        comparableCustomersClv * Math.Clamp(conversionProbability, 0, 1);

    /// <summary>
    /// Value tiers: customers sorted by CLV (highest first); those before whom less than <paramref name="topShare"/> of the
    /// equity is accounted for are <see cref="ValueTier.Top"/>, then up to <paramref name="topShare"/> +
    /// <paramref name="middleShare"/> <see cref="ValueTier.Middle"/>, the rest <see cref="ValueTier.Rest"/>. Negative CLVs count as 0.
    /// Ties keep input order, so the result is deterministic.
    /// </summary>
    public static ValueTier[] Tiers(ReadOnlySpan<double> clv, double topShare = 0.2, double middleShare = 0.3)
    {
        if (!(topShare is >= 0 and <= 1) || !(middleShare is >= 0 and <= 1) || topShare + middleShare > 1)
            throw new ArgumentOutOfRangeException(nameof(topShare), "The tier shares must be between 0 and 1 and add up to at most 1.");
        var tiers = new ValueTier[clv.Length];
        var values = new double[clv.Length];
        var order = new int[clv.Length];
        var total = 0.0;
        for (var i = 0; i < clv.Length; i++)
        {
            values[i] = double.IsFinite(clv[i]) ? Math.Max(0, clv[i]) : 0;
            order[i] = i;
            total += values[i];
            tiers[i] = ValueTier.Rest;
        }
        if (!(total > 0))
            return tiers;
        Array.Sort(order, (left, right) => values[right].CompareTo(values[left]) is var c && c != 0 ? c : left.CompareTo(right));
        var before = 0.0;
        foreach (var i in order)
        {
            if (values[i] <= 0)
                break;
            tiers[i] = before < topShare * total ? ValueTier.Top : before < (topShare + middleShare) * total ? ValueTier.Middle : ValueTier.Rest;
            before += values[i];
        }
        return tiers;
    }
}
