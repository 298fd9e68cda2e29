using static VoiceOfCustomer.Value.SpecialFunctions;

namespace VoiceOfCustomer.Value;

/// <summary>
/// BG/NBD parameters (Fader, Hardie &amp; Lee 2005): purchase rates λ ~ Gamma(shape <see cref="R"/>, rate <see cref="Alpha"/>)
/// and, after each repeat purchase, dropping out with probability p ~ Beta(<see cref="A"/>, <see cref="B"/>).
/// <see cref="Alpha"/> is in the summary's time unit (weeks or days).
/// </summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B);

/// <summary>A fitted BG/NBD model with its standard errors (null when the Hessian was not positive definite) and diagnostics.</summary>
public sealed record BgNbdFit(BgNbdModel Model, BgNbdParameters? StandardErrors, FitDiagnostics Diagnostics);

/// <summary>
/// The BG/NBD model of repeat buying: its likelihood and maximum-likelihood fit over a calibration summary
/// (x repeat purchases, the last at t_x, observed for T since the first), and the predictions of a fitted model.
/// Construct it from stored parameters to score customers without refitting.
/// </summary>
public sealed class BgNbdModel(BgNbdParameters parameters)
{
    public BgNbdParameters Parameters { get; } = parameters;

    /// <summary>Maximum-likelihood fit over log-parameters, so the estimates stay positive.</summary>
    /// <param name="frequency">x: repeat purchases in the calibration period (first purchase not counted).</param>
    /// <param name="recency">t_x: time of the last repeat purchase since the first (0 when x = 0).</param>
    /// <param name="age">T: time from the first purchase to the end of calibration.</param>
    /// <exception cref="ClvDataException">Inconsistent arrays, a value out of range, or no repeat buyers at all.</exception>
    public static BgNbdFit Fit(ReadOnlySpan<int> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> age)
    {
        var data = Data.Create(frequency, recency, age);
        // Times scaled so the longest T is 10 (as lifetimes does), which makes one start point fit weeks and days alike.
        var start = new[] { 0.0, 0.0, 0.0, 0.0 };
        var optimum = Optimizer.Minimize((point, gradient) =>
        {
            var (r, alpha, a, b) = (Math.Exp(point[0]), Math.Exp(point[1]), Math.Exp(point[2]), Math.Exp(point[3]));
            var sums = data.LogLikelihood(r, alpha, a, b);
            for (var i = 0; i < 4; i++)
                gradient[i] = -sums[i + 1] * Math.Exp(point[i]) / data.Count;
            return -sums[0] / data.Count;
        }, start);
        var scaled = optimum.Point.Select(Math.Exp).ToArray();
        var errors = Optimizer.StandardErrors((point, gradient) =>
        {
            var sums = data.LogLikelihood(point[0], point[1], point[2], point[3]);
            for (var i = 0; i < 4; i++)
                gradient[i] = -sums[i + 1];
        }, scaled);
        var logLikelihood = data.LogLikelihood(scaled[0], scaled[1], scaled[2], scaled[3])[0] + data.ScaleOffset;
        var estimates = new BgNbdParameters(scaled[0], scaled[1] / data.Scale, scaled[2], scaled[3]);
        return new BgNbdFit(new BgNbdModel(estimates),
            errors is null ? null : new BgNbdParameters(errors[0], errors[1] / data.Scale, errors[2], errors[3]),
            new FitDiagnostics(logLikelihood, optimum.Converged, optimum.Iterations, data.Count));
    }

    /// <summary>Fit over an RFM summary's calibration columns.</summary>
    public static BgNbdFit Fit(RfmSummary summary) => Fit(summary.Frequency, summary.Recency, summary.Age);

    /// <summary>The log-likelihood of the data at these parameters (for checks against published values).</summary>
    public static double LogLikelihood(BgNbdParameters parameters, ReadOnlySpan<int> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> age) =>
        Data.Create(frequency, recency, age, scaleTimes: false).LogLikelihood(parameters.R, parameters.Alpha, parameters.A, parameters.B)[0];

    /// <summary>E[X(t)]: expected repeat purchases in (0, t] of a customer picked at random, just after the first purchase.</summary>
    public double ExpectedPurchases(double t) => ConditionalExpectedPurchases(t, 0, 0, 0);

    /// <summary>E[Y(t) | x, t_x, T]: expected purchases in the next t after the end of calibration for a customer with this history.</summary>
    public double ConditionalExpectedPurchases(double t, int x, double recency, double age)
    {
        Span<double> result = stackalloc double[1];
        ConditionalExpectedPurchases([t], x, recency, age, result);
        return result[0];
    }

    /// <summary>
    /// E[Y(t) | x, t_x, T] at several horizons at once (e.g. the end of each month for CLV): the hypergeometric series'
    /// coefficients depend on x only, so they are computed once and summed for every horizon together.
    /// </summary>
    public void ConditionalExpectedPurchases(ReadOnlySpan<double> horizons, int x, double recency, double age, Span<double> result)
    {
        var (r, alpha, a, b) = Parameters;
        if (Math.Abs(a - 1) < 1e-9)
            a = 1 + 1e-9; // The closed form has a removable singularity at a = 1.
        // Euler's transformation: ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z),
        // with z = t/(α+T+t), whose terms fall faster for the frequent buyers.
        var (upperA, upperB, lower) = (a + b - 1 - r, a - 1, a + b + x - 1);
        if (lower <= 0 && lower == Math.Floor(lower))
            throw new ArithmeticException(FormattableString.Invariant($"E[Y(t)] is undefined at a + b + x − 1 = {lower}."));
        var count = horizons.Length;
        Span<double> z = count <= 128 ? stackalloc double[count] : new double[count];
        Span<double> power = count <= 128 ? stackalloc double[count] : new double[count];
        Span<double> sum = count <= 128 ? stackalloc double[count] : new double[count];
        var maxZ = 0.0;
        for (var i = 0; i < count; i++)
        {
            z[i] = horizons[i] > 0 ? horizons[i] / (alpha + age + horizons[i]) : 0;
            power[i] = 1;
            sum[i] = 1;
            maxZ = Math.Max(maxZ, z[i]);
        }
        if (!(maxZ < 1))
            throw new ArgumentOutOfRangeException(nameof(horizons), "Horizons must be finite.");
        var coefficient = 1.0;
        var settledAfter = Math.Abs(upperA) + Math.Abs(upperB) + Math.Abs(lower);
        // Horizons whose series has settled stop being summed; with ascending horizons (smaller z first) they are a prefix.
        var firstActive = 0;
        for (var n = 0; firstActive < count; n++)
        {
            var ratio = (upperA + n) * (upperB + n) / ((lower + n) * (n + 1));
            coefficient *= ratio;
            for (var i = firstActive; i < count; i++)
            {
                power[i] *= z[i];
                sum[i] += coefficient * power[i];
            }
            if (coefficient == 0)
                break;
            if (n > settledAfter && (n & 7) == 7)
            {
                while (firstActive < count && Settled(coefficient * power[firstActive], Math.Abs(ratio) * z[firstActive], z[firstActive], sum[firstActive]))
                    firstActive++;
            }
            if (n > 10_000_000)
                throw new ArithmeticException("The BG/NBD's hypergeometric series did not settle.");
        }
        var logAlive = -Math.Log(1 + DeathOdds(x, recency, age));
        var factor = (a + b + x - 1) / (a - 1);
        for (var i = 0; i < count; i++)
            result[i] = horizons[i] > 0 ? factor * (1 - Math.Exp((a - 1) * double.LogP1(-z[i])) * sum[i]) * Math.Exp(logAlive) : 0;
    }

    /// <summary>
    /// Whether the terms after this one are bounded below 1e-15 of the sum (or of 1, should the sum pass near zero): far
    /// out the term ratio moves monotonically to z, so max(ratio, z) bounds every later one.
    /// </summary>
    private static bool Settled(double term, double termRatio, double z, double sum)
    {
        var bound = Math.Max(termRatio, z);
        return bound < 1 && Math.Abs(term) * bound / (1 - bound) <= 1e-15 * Math.Max(1, Math.Abs(sum));
    }

    /// <summary>P(alive | x, t_x, T): the probability that a customer with this history has not dropped out by T.</summary>
    public double ProbabilityAlive(int x, double recency, double age) => 1 / (1 + DeathOdds(x, recency, age));

    /// <summary>P(X(t) = n): the probability that a customer picked at random makes exactly n repeat purchases in (0, t].</summary>
    public double ProbabilityOfPurchases(double t, int n)
    {
        var (r, alpha, a, b) = Parameters;
        var logBetaAb = LogBeta(a, b);
        var logStay = Math.Log(alpha / (alpha + t));
        var logBuy = Math.Log(t / (alpha + t));
        var alive = Math.Exp(LogBeta(a, b + n) - logBetaAb + LogGamma(r + n) - LogGamma(r) - LogGamma(n + 1) + r * logStay + n * logBuy);
        if (n == 0)
            return alive;
        var belowN = 0.0;
        for (var j = 0; j < n; j++)
            belowN += Math.Exp(LogGamma(r + j) - LogGamma(r) - LogGamma(j + 1) + r * logStay + j * logBuy);
        return alive + Math.Exp(LogBeta(a + 1, b + n - 1) - logBetaAb) * (1 - belowN);
    }

    /// <summary>a/(b+x−1) ((α+T)/(α+t_x))^(r+x): the odds that a customer with x &gt; 0 dropped out after the last purchase.</summary>
    private double DeathOdds(int x, double recency, double age)
    {
        if (x <= 0)
            return 0;
        var (r, alpha, a, b) = Parameters;
        return a / (b + x - 1) * Math.Exp((r + x) * (Math.Log(alpha + age) - Math.Log(alpha + recency)));
    }

    /// <summary>The validated calibration columns, with x grouped so the log-gamma terms are computed once per distinct value.</summary>
    private sealed class Data
    {
        private int[] _x = [];
        private double[] _recency = [];
        private double[] _age = [];
        private long[] _countByX = [];

        public int Count => _x.Length;
        public double Scale { get; private set; } = 1;
        /// <summary>Σx ln(scale): the log-likelihood on unscaled times is the scaled one plus this.</summary>
        public double ScaleOffset { get; private set; }

        public static Data Create(ReadOnlySpan<int> frequency, ReadOnlySpan<double> recency, ReadOnlySpan<double> age, bool scaleTimes = true)
        {
            if (frequency.Length != recency.Length || frequency.Length != age.Length)
                throw new ClvDataException($"The summary's columns differ in length: {frequency.Length} frequencies, {recency.Length} recencies, {age.Length} ages.");
            if (frequency.Length == 0)
                throw new ClvDataException("No customers to fit.");
            var maxX = 0;
            var maxAge = 0.0;
            long repeatBuyers = 0, totalX = 0;
            for (var i = 0; i < frequency.Length; i++)
            {
                var (x, tx, t) = (frequency[i], recency[i], age[i]);
                if (x < 0)
                    throw new ClvDataException($"Customer {i + 1}: frequency {x} is negative.");
                if (!(t >= 0) || !double.IsFinite(t))
                    throw new ClvDataException(FormattableString.Invariant($"Customer {i + 1}: age T = {t} must be a finite number ≥ 0."));
                if (!(tx >= 0) || tx > t * (1 + 1e-12) + 1e-12)
                    throw new ClvDataException(FormattableString.Invariant($"Customer {i + 1}: recency t_x = {tx} must lie between 0 and T = {t}."));
                if (x == 0 && tx != 0)
                    throw new ClvDataException(FormattableString.Invariant($"Customer {i + 1}: recency t_x = {tx} must be 0 when there are no repeat purchases."));
                maxX = Math.Max(maxX, x);
                maxAge = Math.Max(maxAge, t);
                totalX += x;
                if (x > 0)
                    repeatBuyers++;
            }
            if (repeatBuyers == 0)
                throw new ClvDataException($"None of the {frequency.Length:N0} customers bought again in the calibration period; the BG/NBD needs repeat buyers to fit.");
            var scale = scaleTimes && maxAge > 0 ? 10 / maxAge : 1;
            var data = new Data
            {
                _x = frequency.ToArray(),
                _recency = new double[recency.Length],
                _age = new double[age.Length],
                _countByX = new long[maxX + 1],
                Scale = scale,
                ScaleOffset = totalX * Math.Log(scale),
            };
            for (var i = 0; i < data._x.Length; i++)
            {
                data._recency[i] = Math.Min(recency[i], age[i]) * scale;
                data._age[i] = age[i] * scale;
                data._countByX[data._x[i]]++;
            }
            return data;
        }

        /// <summary>[LL, ∂LL/∂r, ∂LL/∂α, ∂LL/∂a, ∂LL/∂b] at these (scaled-time) parameters.</summary>
        public double[] LogLikelihood(double r, double alpha, double a, double b)
        {
            // The terms that depend on x only, once per distinct x.
            double ll = 0, dr = 0, dAlpha = 0, da = 0, db = 0;
            var logAlpha = Math.Log(alpha);
            var (lgR, lgB, lgAb) = (LogGamma(r), LogGamma(b), LogGamma(a + b));
            var (psiR, psiB, psiAb) = (Digamma(r), Digamma(b), Digamma(a + b));
            var logBxMinus1 = new double[_countByX.Length];
            for (var x = 0; x < _countByX.Length; x++)
            {
                if (x > 0)
                    logBxMinus1[x] = Math.Log(b + x - 1);
                var count = _countByX[x];
                if (count == 0)
                    continue;
                ll += count * (LogGamma(r + x) - lgR + r * logAlpha + lgAb + LogGamma(b + x) - lgB - LogGamma(a + b + x));
                var psiAbx = Digamma(a + b + x);
                dr += count * (Digamma(r + x) - psiR + logAlpha);
                dAlpha += count * r / alpha;
                da += count * (psiAb - psiAbx);
                db += count * (psiAb + Digamma(b + x) - psiB - psiAbx);
            }
            var logA = Math.Log(a);
            var (xs, recencies, ages) = (_x, _recency, _age);
            var perCustomer = ChunkedSum.Run(xs.Length, 5, (from, to, sums) =>
            {
                double sLl = 0, sDr = 0, sDAlpha = 0, sDa = 0, sDb = 0;
                for (var i = from; i < to; i++)
                {
                    var x = xs[i];
                    var logAgeTerm = Math.Log(alpha + ages[i]);
                    var a3 = -(r + x) * logAgeTerm;
                    if (x == 0)
                    {
                        sLl += a3;
                        sDr -= logAgeTerm;
                        sDAlpha -= r / (alpha + ages[i]);
                        continue;
                    }
                    var logRecencyTerm = Math.Log(alpha + recencies[i]);
                    var a4 = logA - logBxMinus1[x] - (r + x) * logRecencyTerm;
                    // log(e^a3 + e^a4) and the two terms' shares w3 + w4 = 1, computed without overflow.
                    double w3, w4, logSum;
                    if (a3 >= a4)
                    {
                        var e = Math.Exp(a4 - a3);
                        logSum = a3 + double.LogP1(e);
                        w4 = e / (1 + e);
                        w3 = 1 - w4;
                    }
                    else
                    {
                        var e = Math.Exp(a3 - a4);
                        logSum = a4 + double.LogP1(e);
                        w3 = e / (1 + e);
                        w4 = 1 - w3;
                    }
                    sLl += logSum;
                    sDr -= w3 * logAgeTerm + w4 * logRecencyTerm;
                    sDAlpha -= (r + x) * (w3 / (alpha + ages[i]) + w4 / (alpha + recencies[i]));
                    sDa += w4 / a;
                    sDb -= w4 / (b + x - 1);
                }
                sums[0] = sLl;
                sums[1] = sDr;
                sums[2] = sDAlpha;
                sums[3] = sDa;
                sums[4] = sDb;
            });
            return [ll + perCustomer[0], dr + perCustomer[1], dAlpha + perCustomer[2], da + perCustomer[3], db + perCustomer[4]];
        }
    }
}
