using System.Globalization;
using System.Text;
using System.Text.Json;
using VoiceOfCustomer.Cli.Commands;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.IntegrationTests.Value;

/// <summary><c>voc clv fit</c> and <c>voc clv sbg</c> through the real command tree, on generated files, with no database at all.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ClvCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-clv-");

    public void Dispose() => _folder.Delete(recursive: true);

    // A database setting that cannot work: the commands must not build the app's services.
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["Database__Provider"] = "NoSuchDatabase" }, args);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>Purchases of simulated buyers as customer,date,amount rows, from 2020-01-01 (so never in the future).</summary>
    private static string SimulatedCsv(BgNbdParameters truth, int customers, int seed)
    {
        var start = new DateTime(2020, 1, 1, 9, 30, 0);
        var csv = new StringBuilder("customer,date,amount\n");
        var i = 0;
        foreach (var customer in ClvSimulator.Customers(truth, new GammaGammaParameters(6.25, 3.74, 15.44), customers, acquisitionWindow: 12, observationEnd: 78, seed))
        {
            i++;
            for (var j = 0; j < customer.PurchaseTimes.Length; j++)
            {
                var when = start.AddDays(customer.PurchaseTimes[j] * 7);
                // Every other row with a time of day: the reader takes both forms.
                var date = j % 2 == 0 ? when.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : when.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
                csv.Append(CultureInfo.InvariantCulture, $"cust-{i},{date},{customer.Amounts[j]:0.00}\n");
            }
        }
        return csv.ToString();
    }

    [Fact]
    public async Task Fit_prints_a_summary_and_ends_with_one_json_object_near_the_simulated_truth()
    {
        var truth = new BgNbdParameters(0.243, 4.414, 0.793, 2.426);
        var file = Write("transactions.csv", SimulatedCsv(truth, 6_000, seed: 21));

        var (exit, output, error) = await RunAsync("clv", "fit", "--transactions", file, "--calibration-end", "2020-09-29", "--customer", "cust-1");

        Assert.True(exit == 0, error);
        var lines = output.TrimEnd().Split('\n');
        Assert.Contains(lines, line => line.StartsWith("BG/NBD", StringComparison.Ordinal) && line.Contains("converged", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("customer equity", StringComparison.Ordinal) && line.Contains("margin 0.3", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        var bgnbd = root.GetProperty("bgnbd");
        Assert.True(bgnbd.GetProperty("converged").GetBoolean());
        var se = bgnbd.GetProperty("standardErrors");
        foreach (var (name, value) in new[] { ("r", truth.R), ("alpha", truth.Alpha), ("a", truth.A), ("b", truth.B) })
            Assert.True(Math.Abs(bgnbd.GetProperty(name).GetDouble() - value) <= 4 * se.GetProperty(name).GetDouble(), $"{name}: {bgnbd}");
        Assert.True(bgnbd.GetProperty("logLikelihood").GetDouble() < 0);
        var gammaGamma = root.GetProperty("gammaGamma");
        Assert.True(gammaGamma.GetProperty("converged").GetBoolean());
        Assert.True(Math.Abs(gammaGamma.GetProperty("q").GetDouble() - 3.74) <= 4 * gammaGamma.GetProperty("standardErrors").GetProperty("q").GetDouble(), gammaGamma.ToString());
        Assert.Equal(6_000, root.GetProperty("customers").GetInt32());
        Assert.True(root.GetProperty("customerEquity").GetDouble() > 0);
        Assert.True(root.GetProperty("holdout").GetProperty("actual").GetInt32() > 0);
        Assert.Equal("cust-1", root.GetProperty("customer").GetProperty("key").GetString());
    }

    [Fact]
    public async Task Fit_refuses_a_bad_row_naming_its_line_and_value()
    {
        var file = Write("bad.csv", "customer,date,amount\na,2020-01-01,10\na,2020-02-01,-4.5\n");
        var (exit, output, error) = await RunAsync("clv", "fit", "--transactions", file);
        Assert.Equal(ClvCommands.BadInput, exit);
        Assert.Contains("bad.csv: line 3: amount '-4.5' is negative", error);
        Assert.Equal("", output);

        var future = Write("future.csv", $"customer,date,amount\na,2020-01-01,10\na,{DateTime.UtcNow.AddDays(3):yyyy-MM-dd},4\n");
        (exit, _, error) = await RunAsync("clv", "fit", "--transactions", future);
        Assert.Equal(ClvCommands.BadInput, exit);
        Assert.Contains("line 3", error);
        Assert.Contains("is in the future", error);
    }

    [Fact]
    public async Task Fit_refuses_data_without_repeat_buyers()
    {
        var file = Write("thin.csv", "customer,date,amount\na,2020-01-01,10\nb,2020-01-05,12\n");
        var (exit, _, error) = await RunAsync("clv", "fit", "--transactions", file, "--format", "csv", "--period", "day");
        Assert.Equal(ClvCommands.BadInput, exit);
        Assert.Contains("repeat buyers", error);
    }

    [Fact]
    public async Task Sbg_fits_the_papers_regular_cohort_and_projects_retention()
    {
        var (exit, output, error) = await RunAsync("clv", "sbg", "--survivors", "1000,631,468,382,326,289,262,241", "--periods", "3");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        var root = json.RootElement;
        Assert.Equal(0.704, root.GetProperty("alpha").GetDouble(), 1e-3);
        Assert.Equal(1.182, root.GetProperty("beta").GetDouble(), 1e-3);
        Assert.True(root.GetProperty("converged").GetBoolean());
        var survivors = root.GetProperty("projectedSurvivors").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var rates = root.GetProperty("retentionRates").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(3, survivors.Length);
        Assert.True(survivors[0] < 241 && survivors[2] < survivors[1], string.Join(",", survivors));
        // r_8 = (β + 7)/(α + β + 7) for the first period after the series.
        Assert.Equal((1.182 + 7) / (0.704 + 1.182 + 7), rates[0], 1e-3);
    }

    [Theory]
    [InlineData("1000,631,700", "value 3 (700) is above value 2 (631)")]
    [InlineData("1000,631", "at least 3 points")]
    [InlineData("1000,abc,300", "value 2 ('abc') is not a number")]
    public async Task Sbg_refuses_a_bad_series_naming_the_value(string survivors, string message)
    {
        var (exit, output, error) = await RunAsync("clv", "sbg", "--survivors", survivors);
        Assert.Equal(ClvCommands.BadInput, exit);
        Assert.Contains(message, error);
        Assert.Equal("", output);
    }
}
