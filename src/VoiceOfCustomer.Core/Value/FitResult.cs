namespace VoiceOfCustomer.Value;

/// <summary>How a maximum-likelihood fit went; stored beside the parameters so a non-converged fit is never used unknowingly.</summary>
/// <param name="LogLikelihood">The log-likelihood at the estimates (natural logarithm, whole data set).</param>
/// <param name="Converged">Whether the optimiser reached a flat gradient; when false the previous fit should stay in use.</param>
/// <param name="Iterations">Quasi-Newton iterations taken.</param>
/// <param name="Observations">Customers (or, for the sBG, customers in the cohort) the fit used.</param>
public sealed record FitDiagnostics(double LogLikelihood, bool Converged, int Iterations, int Observations);

/// <summary>Data that cannot be fitted or scored: too thin (no repeat buyers, no churn), inconsistent or out of range. The message names the value.</summary>
public sealed class ClvDataException(string message) : Exception(message);

/// <summary>Deterministic parallel sums: the data is cut into fixed chunks and the chunks' sums are added in order, so a fit gives the same digits on any number of cores.</summary>
internal static class ChunkedSum
{
    private const int ChunkSize = 16_384;

    /// <summary>Runs <paramref name="body"/> on [start, end) chunks, each writing <paramref name="width"/> partial sums, and returns their ordered total.</summary>
    public static double[] Run(int length, int width, Action<int, int, double[]> body)
    {
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        var partials = new double[chunks][];
        if (chunks <= 1)
        {
            partials = [new double[width]];
            body(0, length, partials[0]);
        }
        else
        {
            Parallel.For(0, chunks, chunk =>
            {
                var sums = new double[width];
                body(chunk * ChunkSize, Math.Min(length, (chunk + 1) * ChunkSize), sums);
                partials[chunk] = sums;
            });
        }
        var total = new double[width];
        foreach (var sums in partials)
        {
            for (var i = 0; i < width; i++)
                total[i] += sums[i];
        }
        return total;
    }
}
