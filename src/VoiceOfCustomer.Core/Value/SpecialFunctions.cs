namespace VoiceOfCustomer.Value;

/// <summary>
/// The special functions the lifetime-value models need: log-gamma, digamma, log-beta and the Gauss hypergeometric
/// series ₂F₁ on [0, 1). Written here (not taken from a package) so the fit's inner loop calls plain static methods.
/// </summary>
public static class SpecialFunctions
{
    private const double HalfLogTwoPi = 0.91893853320467274178;

    /// <summary>ln Γ(x) for x &gt; 0: shifted up to x ≥ 10, then Stirling's series (about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        if (!(x > 0))
            return x == 0 ? double.PositiveInfinity : double.NaN;
        var shift = 0.0;
        if (x < 10)
        {
            var product = 1.0;
            while (x < 10)
            {
                product *= x;
                x += 1;
            }
            shift = Math.Log(product);
        }
        var inverse = 1 / x;
        var inverse2 = inverse * inverse;
        var series = inverse * (1.0 / 12 + inverse2 * (-1.0 / 360 + inverse2 * (1.0 / 1260 + inverse2 * (-1.0 / 1680
            + inverse2 * (1.0 / 1188 + inverse2 * (-691.0 / 360360 + inverse2 * (1.0 / 156)))))));
        return (x - 0.5) * Math.Log(x) - x + HalfLogTwoPi + series - shift;
    }

    /// <summary>ψ(x) = d/dx ln Γ(x) for x &gt; 0: shifted up to x ≥ 10, then the asymptotic series.</summary>
    public static double Digamma(double x)
    {
        if (!(x > 0))
            return double.NaN;
        var shift = 0.0;
        while (x < 10)
        {
            shift += 1 / x;
            x += 1;
        }
        var inverse2 = 1 / (x * x);
        var series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132)))));
        return Math.Log(x) - 0.5 / x - series - shift;
    }

    /// <summary>ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).</summary>
    public static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>
    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z &lt; 1 by its power series, summed until the bound on
    /// the rest of the series falls below 1e-16 of the sum. Callers near z = 1 should first apply Euler's transformation
    /// ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z) when it makes the terms fall faster, as the BG/NBD does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">z outside [0, 1), or c a non-positive integer.</exception>
    /// <exception cref="ArithmeticException">The series did not settle within a million terms.</exception>
    public static double Hypergeometric2F1(double a, double b, double c, double z)
    {
        if (!(z >= 0 && z < 1))
            throw new ArgumentOutOfRangeException(nameof(z), z, "₂F₁ is summed here for 0 ≤ z < 1 only.");
        if (c <= 0 && c == Math.Floor(c))
            throw new ArgumentOutOfRangeException(nameof(c), c, "₂F₁ is undefined when c is 0 or a negative integer.");
        var term = 1.0;
        var sum = 1.0;
        for (var n = 0; n < 1_000_000; n++)
        {
            var ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
            term *= ratio;
            sum += term;
            if (term == 0)
                return sum;
            // Far enough out the ratio moves monotonically towards z, so max(|ratio|, z) bounds every later one.
            var bound = Math.Max(Math.Abs(ratio), z);
            if (n > Math.Abs(a) + Math.Abs(b) + Math.Abs(c) && bound < 1 && Math.Abs(term) * bound / (1 - bound) <= 1e-16 * Math.Abs(sum))
                return sum;
        }
        throw new ArithmeticException(FormattableString.Invariant($"₂F₁({a}, {b}; {c}; {z}) did not converge within a million terms."));
    }
}
