namespace VoiceOfCustomer.Value;

/// <summary>One simulated buyer: the time of the first purchase and every purchase's time and amount (the first included), in periods.</summary>
public sealed record SimulatedCustomer(double[] PurchaseTimes, double[] Amounts);

/// <summary>A simulated calibration summary, in the shape the models fit.</summary>
public sealed record SimulatedSummary(int[] Frequency, double[] Recency, double[] Age, double[] MeanRepeatSpend);

/// <summary>
/// Draws data from the models' own generative processes with a seeded <see cref="Random"/>: for tests that recover known
/// parameters, the benchmark and demo data whose CLV is fitted rather than typed.
/// </summary>
public static class ClvSimulator
{
    /// <summary>
    /// Buyers acquired uniformly over [0, <paramref name="acquisitionWindow"/>) and observed to <paramref name="observationEnd"/>:
    /// λ ~ Gamma(r, α), p ~ Beta(a, b); purchases come as a Poisson process at rate λ and after each repeat purchase the
    /// customer drops out with probability p. Each purchase is worth Gamma(p, ν) with ν ~ Gamma(q, γ) per customer.
    /// </summary>
    public static IEnumerable<SimulatedCustomer> Customers(BgNbdParameters purchases, GammaGammaParameters spend, int count,
        double acquisitionWindow, double observationEnd, int seed)
    {
        if (!(acquisitionWindow >= 0 && observationEnd > acquisitionWindow))
            throw new ArgumentOutOfRangeException(nameof(observationEnd), "Observation must end after the acquisition window.");
        var random = new Random(seed);
        var times = new List<double>();
        var amounts = new List<double>();
        for (var i = 0; i < count; i++)
        {
            times.Clear();
            amounts.Clear();
            Draw(random, purchases, spend, acquisitionWindow, observationEnd, times, amounts);
            yield return new SimulatedCustomer([.. times], [.. amounts]);
        }
    }

    /// <summary>The calibration summary of <see cref="Customers"/> drawn directly (nothing per customer is kept), T = observation end − first purchase.</summary>
    public static SimulatedSummary Summary(BgNbdParameters purchases, GammaGammaParameters spend, int count, double acquisitionWindow,
        double observationEnd, int seed)
    {
        var random = new Random(seed);
        var (x, recency, age, meanSpend) = (new int[count], new double[count], new double[count], new double[count]);
        var times = new List<double>();
        var amounts = new List<double>();
        for (var i = 0; i < count; i++)
        {
            times.Clear();
            amounts.Clear();
            Draw(random, purchases, spend, acquisitionWindow, observationEnd, times, amounts);
            x[i] = times.Count - 1;
            recency[i] = times[^1] - times[0];
            age[i] = observationEnd - times[0];
            var repeatSpend = 0.0;
            for (var j = 1; j < amounts.Count; j++)
                repeatSpend += amounts[j];
            meanSpend[i] = x[i] > 0 ? repeatSpend / x[i] : 0;
        }
        return new SimulatedSummary(x, recency, age, meanSpend);
    }

    /// <summary>Customers active at the start of periods 0..<paramref name="periods"/> of a cohort under the sBG: churn probability θ ~ Beta(α, β) per customer, each period.</summary>
    public static double[] Survivors(ShiftedBetaGeometric retention, int cohortSize, int periods, int seed)
    {
        var random = new Random(seed);
        var survivors = new double[periods + 1];
        for (var i = 0; i < cohortSize; i++)
        {
            var churn = Beta(random, retention.Alpha, retention.Beta);
            survivors[0]++;
            for (var t = 1; t <= periods && random.NextDouble() >= churn; t++)
                survivors[t]++;
        }
        return survivors;
    }

    private static void Draw(Random random, BgNbdParameters purchases, GammaGammaParameters spend, double acquisitionWindow, double observationEnd,
        List<double> times, List<double> amounts)
    {
        var rate = Gamma(random, purchases.R, purchases.Alpha);
        var dropout = Beta(random, purchases.A, purchases.B);
        var spendRate = Gamma(random, spend.Q, spend.Gamma);
        var time = random.NextDouble() * acquisitionWindow;
        times.Add(time);
        amounts.Add(Gamma(random, spend.P, spendRate));
        while (true)
        {
            time += -Math.Log(1 - random.NextDouble()) / rate;
            if (time > observationEnd)
                return;
            times.Add(time);
            amounts.Add(Gamma(random, spend.P, spendRate));
            if (random.NextDouble() < dropout)
                return;
        }
    }

    /// <summary>Gamma(shape, rate) by Marsaglia and Tsang; shapes below 1 through Gamma(shape + 1) · U^(1/shape).</summary>
    public static double Gamma(Random random, double shape, double rate)
    {
        if (shape < 1)
            return Gamma(random, shape + 1, rate) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double normal, v;
            do
            {
                normal = Normal(random);
                v = 1 + c * normal;
            }
            while (v <= 0);
            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * normal * normal + d - d * v + d * Math.Log(v))
                return d * v / rate;
        }
    }

    public static double Beta(Random random, double a, double b)
    {
        var x = Gamma(random, a, 1);
        return x / (x + Gamma(random, b, 1));
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
