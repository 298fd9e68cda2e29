namespace VoiceOfCustomer.Value;

/// <summary>The value of a function at a point, with its gradient written into <c>gradient</c>.</summary>
internal delegate double ValueAndGradient(ReadOnlySpan<double> point, Span<double> gradient);

internal readonly record struct Optimum(double[] Point, double Value, bool Converged, int Iterations);

/// <summary>
/// Quasi-Newton minimisation (BFGS with a backtracking Armijo line search) for the models' few parameters, and the
/// numerical Hessian their standard errors come from. The models minimise the mean negative log-likelihood over
/// log-parameters, so a gradient tolerance means the same thing for 2,000 customers as for a million.
/// </summary>
internal static class Optimizer
{
    public const double GradientTolerance = 1e-7;
    public const int MaxIterations = 500;

    public static Optimum Minimize(ValueAndGradient function, double[] start, double gradientTolerance = GradientTolerance,
        int maxIterations = MaxIterations, double maxStep = 2)
    {
        var n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        var fx = function(x, g);
        if (!double.IsFinite(fx))
            throw new ArithmeticException("The likelihood is not finite at the starting point.");
        var h = Identity(n);
        var direction = new double[n];
        var next = new double[n];
        var nextGradient = new double[n];
        var s = new double[n];
        var y = new double[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (MaxAbs(g) <= gradientTolerance)
                return new Optimum(x, fx, true, iteration);
            Multiply(h, g, direction, -1);
            var slope = Dot(direction, g);
            if (!(slope < 0))
            {
                h = Identity(n);
                for (var i = 0; i < n; i++)
                    direction[i] = -g[i];
                slope = -Dot(g, g);
            }
            var longest = MaxAbs(direction);
            if (longest > maxStep)
            {
                for (var i = 0; i < n; i++)
                    direction[i] *= maxStep / longest;
                slope *= maxStep / longest;
            }
            var step = 1.0;
            var accepted = false;
            double fn = double.NaN;
            for (var attempt = 0; attempt < 60; attempt++)
            {
                for (var i = 0; i < n; i++)
                    next[i] = x[i] + step * direction[i];
                fn = function(next, nextGradient);
                if (double.IsFinite(fn) && fn <= fx + 1e-4 * step * slope)
                {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted)
                // No step downhill is left: at the optimum up to rounding when the gradient is nearly flat.
                return new Optimum(x, fx, MaxAbs(g) <= gradientTolerance * 100, iteration);
            for (var i = 0; i < n; i++)
            {
                s[i] = next[i] - x[i];
                y[i] = nextGradient[i] - g[i];
            }
            var sy = Dot(s, y);
            if (sy > 1e-12 * Math.Sqrt(Dot(s, s) * Dot(y, y)))
            {
                if (iteration == 0)
                    h = Scaled(Identity(n), sy / Dot(y, y));
                UpdateInverseHessian(h, s, y, sy);
            }
            (x, next) = (next, x);
            (g, nextGradient) = (nextGradient, g);
            fx = fn;
        }
        return new Optimum(x, fx, MaxAbs(g) <= gradientTolerance, maxIterations);
    }

    /// <summary>
    /// Standard errors from the inverse of the Hessian of the negative log-likelihood at <paramref name="point"/>, by
    /// central differences of its gradient; null when the Hessian is not positive definite there.
    /// </summary>
    public static double[]? StandardErrors(Action<double[], double[]> negativeLogLikelihoodGradient, double[] point)
    {
        var n = point.Length;
        var hessian = new double[n, n];
        var plus = new double[n];
        var minus = new double[n];
        for (var j = 0; j < n; j++)
        {
            var step = 1e-5 * Math.Max(Math.Abs(point[j]), 1e-3);
            var shifted = (double[])point.Clone();
            shifted[j] = point[j] + step;
            negativeLogLikelihoodGradient(shifted, plus);
            shifted[j] = point[j] - step;
            negativeLogLikelihoodGradient(shifted, minus);
            for (var i = 0; i < n; i++)
                hessian[i, j] = (plus[i] - minus[i]) / (2 * step);
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
                hessian[i, j] = hessian[j, i] = (hessian[i, j] + hessian[j, i]) / 2;
        }
        var inverse = Invert(hessian);
        if (inverse is null)
            return null;
        var errors = new double[n];
        for (var i = 0; i < n; i++)
        {
            if (!(inverse[i, i] > 0))
                return null;
            errors[i] = Math.Sqrt(inverse[i, i]);
        }
        return errors;
    }

    /// <summary>Central-difference gradient, for the small models whose likelihood is cheap (the sBG).</summary>
    public static ValueAndGradient WithNumericalGradient(Func<double[], double> function) => (point, gradient) =>
    {
        var at = point.ToArray();
        for (var i = 0; i < at.Length; i++)
        {
            var step = 1e-6 * Math.Max(1, Math.Abs(at[i]));
            var original = at[i];
            at[i] = original + step;
            var up = function(at);
            at[i] = original - step;
            var down = function(at);
            at[i] = original;
            gradient[i] = (up - down) / (2 * step);
        }
        return function(at);
    };

    /// <summary>Gauss–Jordan inversion with partial pivoting; null when singular.</summary>
    private static double[,]? Invert(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inverse = new double[n, n];
        for (var i = 0; i < n; i++)
            inverse[i, i] = 1;
        for (var column = 0; column < n; column++)
        {
            var pivot = column;
            for (var row = column + 1; row < n; row++)
            {
                if (Math.Abs(a[row, column]) > Math.Abs(a[pivot, column]))
                    pivot = row;
            }
            if (!(Math.Abs(a[pivot, column]) > 1e-300))
                return null;
            for (var k = 0; k < n; k++)
            {
                (a[column, k], a[pivot, k]) = (a[pivot, k], a[column, k]);
                (inverse[column, k], inverse[pivot, k]) = (inverse[pivot, k], inverse[column, k]);
            }
            var scale = a[column, column];
            for (var k = 0; k < n; k++)
            {
                a[column, k] /= scale;
                inverse[column, k] /= scale;
            }
            for (var row = 0; row < n; row++)
            {
                if (row == column)
                    continue;
                var factor = a[row, column];
                for (var k = 0; k < n; k++)
                {
                    a[row, k] -= factor * a[column, k];
                    inverse[row, k] -= factor * inverse[column, k];
                }
            }
        }
        return inverse;
    }

    private static void UpdateInverseHessian(double[,] h, double[] s, double[] y, double sy)
    {
        // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, with ρ = 1 / sᵀy.
        var n = s.Length;
        var rho = 1 / sy;
        var hy = new double[n];
        Multiply(h, y, hy, 1);
        var yhy = Dot(y, hy);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
                h[i, j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
        }
    }

    private static double[,] Identity(int n)
    {
        var identity = new double[n, n];
        for (var i = 0; i < n; i++)
            identity[i, i] = 1;
        return identity;
    }

    private static double[,] Scaled(double[,] matrix, double factor)
    {
        for (var i = 0; i < matrix.GetLength(0); i++)
        {
            for (var j = 0; j < matrix.GetLength(1); j++)
                matrix[i, j] *= factor;
        }
        return matrix;
    }

    private static void Multiply(double[,] matrix, double[] vector, double[] result, double sign)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            var sum = 0.0;
            for (var j = 0; j < vector.Length; j++)
                sum += matrix[i, j] * vector[j];
            result[i] = sign * sum;
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static double MaxAbs(double[] values)
    {
        var max = 0.0;
        foreach (var value in values)
            max = Math.Max(max, Math.Abs(value));
        return max;
    }
}
