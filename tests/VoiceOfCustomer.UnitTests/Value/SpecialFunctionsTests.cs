using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

public sealed class SpecialFunctionsTests
{
    [Theory]
    [InlineData(0.5, 0.57236494292470008)] // ln √π
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.0)]
    [InlineData(10.0, 12.801827480081469)] // ln 9!
    [InlineData(0.243, 1.3180435846996699)]
    [InlineData(150.5, 602.51395487058541)]
    public void LogGamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.LogGamma(x), 1e-12 * Math.Max(1, Math.Abs(expected)));

    [Theory]
    [InlineData(1.0, -0.57721566490153286)]
    [InlineData(0.5, -1.9635100260214235)]
    [InlineData(10.0, 2.2517525890667211)]
    [InlineData(0.243, -4.3510938644232107)]
    public void Digamma_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, SpecialFunctions.Digamma(x), 1e-12 * Math.Max(1, Math.Abs(expected)));

    [Fact]
    public void Digamma_is_the_derivative_of_log_gamma()
    {
        foreach (var x in new[] { 0.05, 0.7, 3.3, 25.0 })
        {
            var h = 1e-5 * x;
            var numerical = (SpecialFunctions.LogGamma(x + h) - SpecialFunctions.LogGamma(x - h)) / (2 * h);
            Assert.Equal(numerical, SpecialFunctions.Digamma(x), 1e-6);
        }
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Hypergeometric_series_matches_its_closed_forms(double z)
    {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z and ₂F₁(a, b; b; z) = (1 − z)^(−a).
        Assert.Equal(-Math.Log(1 - z) / z, SpecialFunctions.Hypergeometric2F1(1, 1, 2, z), 1e-12);
        Assert.Equal(Math.Pow(1 - z, -0.37), SpecialFunctions.Hypergeometric2F1(0.37, 2.5, 2.5, z), 1e-10);
    }

    [Fact]
    public void Hypergeometric_series_obeys_Eulers_transformation()
    {
        var (a, b, c, z) = (2.243, 4.426, 5.219, 0.6);
        var direct = SpecialFunctions.Hypergeometric2F1(a, b, c, z);
        Assert.Equal(5.3897887565402918, direct, 1e-12); // mpmath.hyp2f1 at 30 digits
        var transformed = Math.Pow(1 - z, c - a - b) * SpecialFunctions.Hypergeometric2F1(c - a, c - b, c, z);
        Assert.Equal(direct, transformed, 1e-11);
    }

    [Fact]
    public void Hypergeometric_series_refuses_z_outside_its_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Hypergeometric2F1(1, 1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialFunctions.Hypergeometric2F1(1, 1, -2, 0.5));
    }
}
