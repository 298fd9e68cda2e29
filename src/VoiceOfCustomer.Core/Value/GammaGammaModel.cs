using static VoiceOfCustomer.Value.SpecialFunctions;

namespace VoiceOfCustomer.Value;

/// <summary>
/// Gamma-Gamma parameters (Fader &amp; Hardie 2013, note 025): a transaction's value is Gamma(shape <see cref="P"/>, rate ν)
/// with ν ~ Gamma(shape <see cref="Q"/>, rate <see cref="Gamma"/>) across customers. lifetimes calls <see cref="Gamma"/> v.
/// </summary>
public sealed record GammaGammaParameters(double P, double Q, double Gamma);

/// <summary>A fitted Gamma-Gamma model with its standard errors (null when the Hessian was not positive definite) and diagnostics.</summary>
public sealed record GammaGammaFit(GammaGammaModel Model, GammaGammaParameters? StandardErrors, FitDiagnostics Diagnostics);

/// <summary>
/// The Gamma-Gamma model of spend per transaction, fitted on the customers with repeat purchases (x &gt; 0) from their
/// mean repeat-purchase value z̄ and x; predicts a customer's expected average spend.
/// </summary>
public sealed class GammaGammaModel(GammaGammaParameters parameters)
{
    public GammaGammaParameters Parameters { get; } = parameters;

    /// <summary>E(M) = pγ/(q−1): the mean spend per transaction across customers (infinite when q ≤ 1).</summary>
    public double PopulationMeanSpend => Parameters.Q > 1 ? Parameters.P * Parameters.Gamma / (Parameters.Q - 1) : double.PositiveInfinity;

    /// <summary>
    /// Maximum-likelihood fit over log-parameters on the customers with x &gt; 0; the others are skipped, as in the note.
    /// </summary>
    /// <param name="frequency">x: repeat purchases in calibration.</param>
    /// <param name="meanSpend">z̄: mean value of those repeat purchases (ignored when x = 0).</param>
    /// <exception cref="ClvDataException">Columns of different length, a negative or non-finite spend, or no customer with x &gt; 0 and z̄ &gt; 0.</exception>
    public static GammaGammaFit Fit(ReadOnlySpan<int> frequency, ReadOnlySpan<double> meanSpend)
    {
        var data = Data.Create(frequency, meanSpend);
        // Start where the population mean pγ/(q−1) equals the observed mean spend (in units of it, see Data.Scale).
        var start = new[] { 0.0, Math.Log(2), 0.0 };
        var optimum = Optimizer.Minimize((point, gradient) =>
        {
            var sums = data.LogLikelihood(Math.Exp(point[0]), Math.Exp(point[1]), Math.Exp(point[2]));
            for (var i = 0; i < 3; i++)
                gradient[i] = -sums[i + 1] * Math.Exp(point[i]) / data.Count;
            return -sums[0] / data.Count;
        }, start);
        var scaled = optimum.Point.Select(Math.Exp).ToArray();
        var errors = Optimizer.StandardErrors((point, gradient) =>
        {
            var sums = data.LogLikelihood(point[0], point[1], point[2]);
            for (var i = 0; i < 3; i++)
                gradient[i] = -sums[i + 1];
        }, scaled);
        var logLikelihood = data.LogLikelihood(scaled[0], scaled[1], scaled[2])[0] + data.ScaleOffset;
        return new GammaGammaFit(new GammaGammaModel(new GammaGammaParameters(scaled[0], scaled[1], scaled[2] * data.Scale)),
            errors is null ? null : new GammaGammaParameters(errors[0], errors[1], errors[2] * data.Scale),
            new FitDiagnostics(logLikelihood, optimum.Converged, optimum.Iterations, data.Count));
    }

    /// <summary>Fit over an RFM summary's frequency and mean repeat spend.</summary>
    public static GammaGammaFit Fit(RfmSummary summary) => Fit(summary.Frequency, summary.MeanRepeatSpend);

    /// <summary>The log-likelihood of the customers with x &gt; 0 at these parameters.</summary>
    public static double LogLikelihood(GammaGammaParameters parameters, ReadOnlySpan<int> frequency, ReadOnlySpan<double> meanSpend) =>
        Data.Create(frequency, meanSpend, scaleSpend: false).LogLikelihood(parameters.P, parameters.Q, parameters.Gamma)[0];

    /// <summary>
    /// E[M | x, z̄] = p(γ + x z̄)/(px + q − 1): a customer's expected spend per transaction, between the population mean
    /// and their own mean; the population mean when x = 0.
    /// </summary>
    public double ConditionalExpectedSpend(int x, double meanSpend)
    {
        var (p, q, gamma) = Parameters;
        return x <= 0 ? PopulationMeanSpend : p * (gamma + x * meanSpend) / (p * x + q - 1);
    }

    private sealed class Data
    {
        private int[] _x = [];
        private double[] _spend = [];
        private long[] _countByX = [];
        private double _sumXLogSpendAndX;
        private double _sumLogSpend;

        public int Count => _x.Length;
        /// <summary>The spend unit the fit works in (the mean z̄), so one start point fits cents and millions alike.</summary>
        public double Scale { get; private set; } = 1;
        /// <summary>The log-likelihood in the data's own unit is the scaled one plus this (the density's Jacobian).</summary>
        public double ScaleOffset { get; private set; }

        public static Data Create(ReadOnlySpan<int> frequency, ReadOnlySpan<double> meanSpend, bool scaleSpend = true)
        {
            if (frequency.Length != meanSpend.Length)
                throw new ClvDataException($"The summary's columns differ in length: {frequency.Length} frequencies, {meanSpend.Length} mean spends.");
            var x = new List<int>();
            var spend = new List<double>();
            var maxX = 0;
            for (var i = 0; i < frequency.Length; i++)
            {
                if (frequency[i] <= 0)
                    continue;
                if (!(meanSpend[i] >= 0) || !double.IsFinite(meanSpend[i]))
                    throw new ClvDataException(FormattableString.Invariant($"Customer {i + 1}: mean spend {meanSpend[i]} must be a finite amount ≥ 0."));
                // A mean of zero (free repeat orders only) has no density under the model; it says nothing about spend.
                if (meanSpend[i] == 0)
                    continue;
                x.Add(frequency[i]);
                spend.Add(meanSpend[i]);
                maxX = Math.Max(maxX, frequency[i]);
            }
            if (x.Count == 0)
                throw new ClvDataException($"None of the {frequency.Length:N0} customers has repeat purchases with a positive amount; the Gamma-Gamma model needs them to fit.");
            var scale = scaleSpend ? spend.Average() : 1;
            var data = new Data { _x = [.. x], _spend = new double[spend.Count], _countByX = new long[maxX + 1], Scale = scale };
            for (var i = 0; i < data._x.Length; i++)
            {
                var m = spend[i] / scale;
                data._spend[i] = m;
                data._countByX[data._x[i]]++;
                data._sumXLogSpendAndX += data._x[i] * (Math.Log(m) + Math.Log(data._x[i]));
                data._sumLogSpend += Math.Log(m);
            }
            data.ScaleOffset = -data._x.Length * Math.Log(scale);
            return data;
        }

        /// <summary>[LL, ∂LL/∂p, ∂LL/∂q, ∂LL/∂γ].</summary>
        public double[] LogLikelihood(double p, double q, double gamma)
        {
            // Per customer: lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q lnγ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄).
            double ll = 0, dp = 0, dq = 0, dGamma = 0;
            var (lgQ, psiQ, logGamma) = (LogGamma(q), Digamma(q), Math.Log(gamma));
            for (var x = 1; x < _countByX.Length; x++)
            {
                var count = _countByX[x];
                if (count == 0)
                    continue;
                ll += count * (LogGamma(p * x + q) - LogGamma(p * x) - lgQ + q * logGamma);
                var psiPxq = Digamma(p * x + q);
                dp += count * x * (psiPxq - Digamma(p * x));
                dq += count * (psiPxq - psiQ + logGamma);
                dGamma += count * q / gamma;
            }
            ll += p * _sumXLogSpendAndX - _sumLogSpend;
            dp += _sumXLogSpendAndX;
            var (xs, spends) = (_x, _spend);
            var perCustomer = ChunkedSum.Run(xs.Length, 4, (from, to, sums) =>
            {
                double sLl = 0, sDp = 0, sDq = 0, sDGamma = 0;
                for (var i = from; i < to; i++)
                {
                    var x = xs[i];
                    var total = gamma + x * spends[i];
                    var logTotal = Math.Log(total);
                    sLl -= (p * x + q) * logTotal;
                    sDp -= x * logTotal;
                    sDq -= logTotal;
                    sDGamma -= (p * x + q) / total;
                }
                sums[0] = sLl;
                sums[1] = sDp;
                sums[2] = sDq;
                sums[3] = sDGamma;
            });
            return [ll + perCustomer[0], dp + perCustomer[1], dq + perCustomer[2], dGamma + perCustomer[3]];
        }
    }
}
