using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>
/// <c>voc clv fit</c> fits the BG/NBD and Gamma-Gamma models to a transaction file; <c>voc clv sbg</c> fits the
/// shifted-beta-geometric model to a cohort's survivors. Both work on their input only: no database, no settings.
/// The last line of output is one JSON object; bad input exits 2 naming the row or value, a fit that did not converge exits 3.
/// </summary>
public static class ClvCommands
{
    public const int BadInput = 2;
    public const int NotConverged = 3;

    public sealed record FitArguments(string Transactions, string Format, DateOnly? CalibrationEnd, string Period, string? Customer,
        double? Forecast, ClvOptions Options);

    public static Command Build() => new("clv", "Customer lifetime value models: BG/NBD + Gamma-Gamma for buyers, shifted-beta-geometric for contracts.")
    {
        BuildFit(), BuildSbg(),
    };

    private static Command BuildFit()
    {
        var defaults = ClvOptions.Default;
        var transactions = new Option<string>("--transactions") { Description = "The transaction file.", Required = true };
        var format = new Option<string>("--format") { Description = "csv (header customer,date,amount; ISO dates) or cdnow (master_id sample_id yyyymmdd n_cds amount).", DefaultValueFactory = _ => "csv" };
        var calibrationEnd = new Option<string?>("--calibration-end") { Description = "Last day of the calibration period, yyyy-MM-dd (default: the last purchase date); later purchases are the holdout." };
        var period = new Option<string>("--period") { Description = "Time unit of t_x and T: week or day.", DefaultValueFactory = _ => "week" };
        var customer = new Option<string?>("--customer") { Description = "Also print this customer's history, P(alive), expected purchases and CLV." };
        var forecast = new Option<double?>("--forecast") { Description = "Periods ahead for --customer's expected purchases and the holdout check (default: the holdout's length, else a year)." };
        var margin = new Option<double>("--margin") { Description = "Margin share of revenue for CLV.", DefaultValueFactory = _ => defaults.Margin };
        var discount = new Option<double>("--discount-rate") { Description = "Annual discount rate for CLV.", DefaultValueFactory = _ => defaults.AnnualDiscountRate };
        var horizon = new Option<int>("--horizon-months") { Description = "CLV horizon in months.", DefaultValueFactory = _ => defaults.HorizonMonths };
        var command = new Command("fit", "Fit BG/NBD and Gamma-Gamma to a transaction log and print the parameters, standard errors and customer equity. The last line of output is one JSON object.")
        {
            transactions, format, calibrationEnd, period, customer, forecast, margin, discount, horizon,
        };
        command.SetAction(parse =>
        {
            var end = parse.GetValue(calibrationEnd);
            DateOnly? parsedEnd = null;
            if (end is not null)
            {
                if (!DateOnly.TryParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    return Fail(Console.Error, $"--calibration-end '{end}' is not a yyyy-MM-dd date.");
                parsedEnd = day;
            }
            return RunFit(new FitArguments(parse.GetValue(transactions)!, parse.GetValue(format)!, parsedEnd, parse.GetValue(period)!,
                parse.GetValue(customer), parse.GetValue(forecast),
                new ClvOptions(parse.GetValue(margin), parse.GetValue(discount), parse.GetValue(horizon))), Console.Out, Console.Error, TimeProvider.System);
        });
        return command;
    }

    private static Command BuildSbg()
    {
        var survivors = new Option<string>("--survivors") { Description = "Customers still active at the start of each period, the cohort's size first: 1000,631,468,...", Required = true };
        var periods = new Option<int>("--periods") { Description = "Periods to project beyond the series.", DefaultValueFactory = _ => 5 };
        var command = new Command("sbg", "Fit the shifted-beta-geometric retention model to a cohort's survivors and project the next periods. Prints one JSON object.")
        {
            survivors, periods,
        };
        command.SetAction(parse => RunSbg(parse.GetValue(survivors)!, parse.GetValue(periods), Console.Out, Console.Error));
        return command;
    }

    public static int RunFit(FitArguments arguments, TextWriter output, TextWriter errors, TimeProvider time)
    {
        var c = CultureInfo.InvariantCulture;
        if (!Enum.TryParse<TransactionFileFormat>(arguments.Format, ignoreCase: true, out var format) || !Enum.IsDefined(format))
            return Fail(errors, $"--format '{arguments.Format}' is not csv or cdnow.");
        if (!Enum.TryParse<ClvPeriod>(arguments.Period, ignoreCase: true, out var period) || !Enum.IsDefined(period))
            return Fail(errors, $"--period '{arguments.Period}' is not week or day.");
        if (arguments.Forecast is <= 0 || arguments.Forecast is { } f && !double.IsFinite(f))
            return Fail(errors, "--forecast must be a positive number of periods.");
        try
        {
            arguments.Options.Validated();
        }
        catch (ArgumentOutOfRangeException error)
        {
            return Fail(errors, $"--{OptionName(error.ParamName)}: {error.Message.Split(" (Parameter")[0]}");
        }
        var clock = Stopwatch.StartNew();
        RfmSummary summary;
        BgNbdFit purchases;
        GammaGammaFit spend;
        try
        {
            using var reader = new StreamReader(arguments.Transactions);
            summary = RfmSummary.Build(TransactionFile.Read(reader, format, time.GetUtcNow()), arguments.CalibrationEnd, period);
            errors.WriteLine(string.Create(c, $"read {summary.Count:N0} customers in {clock.Elapsed.TotalSeconds:0.000} s; fitting ..."));
            purchases = BgNbdModel.Fit(summary);
            spend = GammaGammaModel.Fit(summary);
        }
        catch (Exception error) when (error is TransactionFileException or ClvDataException or IOException or UnauthorizedAccessException)
        {
            return Fail(errors, error is TransactionFileException ? $"{Path.GetFileName(arguments.Transactions)}: {error.Message}" : error.Message);
        }
        var fitSeconds = clock.Elapsed.TotalSeconds;
        var clv = CustomerLifetimeValue.ForBuyers(purchases.Model, spend.Model, summary, arguments.Options);
        var equity = clv.Sum();
        var unit = period == ClvPeriod.Week ? "weeks" : "days";
        var forecast = arguments.Forecast ?? (summary.HoldoutLength > 0 ? summary.HoldoutLength : RfmSummary.ToPeriods(365, period));

        var repeatBuyers = summary.Frequency.Count(x => x > 0);
        output.WriteLine(string.Create(c,
            $"{summary.Count:N0} customers ({repeatBuyers:N0} repeat buyers) with a first purchase by {summary.CalibrationEnd:yyyy-MM-dd}; time in {unit}; fitted in {fitSeconds:0.000} s{(summary.LaterCustomers > 0 ? $"; {summary.LaterCustomers:N0} customers first bought later and are left out" : "")}"));
        var (p, pe) = (purchases.Model.Parameters, purchases.StandardErrors);
        output.WriteLine(string.Create(c,
            $"BG/NBD      r {p.R:0.0000} ({Se(pe?.R)})  alpha {p.Alpha:0.0000} ({Se(pe?.Alpha)})  a {p.A:0.0000} ({Se(pe?.A)})  b {p.B:0.0000} ({Se(pe?.B)})  LL {purchases.Diagnostics.LogLikelihood:0.000}  {Converged(purchases.Diagnostics)}"));
        var (g, ge) = (spend.Model.Parameters, spend.StandardErrors);
        output.WriteLine(string.Create(c,
            $"Gamma-Gamma p {g.P:0.0000} ({Se(ge?.P)})  q {g.Q:0.0000} ({Se(ge?.Q)})  gamma {g.Gamma:0.0000} ({Se(ge?.Gamma)})  LL {spend.Diagnostics.LogLikelihood:0.000}  on {spend.Diagnostics.Observations:N0} customers with x > 0  {Converged(spend.Diagnostics)}"));
        output.WriteLine(string.Create(c,
            $"customer equity {equity:N2}: CLV summed over all customers at margin {arguments.Options.Margin:0.###}, annual discount rate {arguments.Options.AnnualDiscountRate:0.###}, horizon {arguments.Options.HorizonMonths} months"));
        JsonObject? holdout = null;
        if (summary.HoldoutLength > 0)
        {
            var predicted = 0.0;
            for (var i = 0; i < summary.Count; i++)
                predicted += purchases.Model.ConditionalExpectedPurchases(summary.HoldoutLength, summary.Frequency[i], summary.Recency[i], summary.Age[i]);
            var actual = summary.HoldoutPurchases.Sum();
            output.WriteLine(string.Create(c, $"holdout {summary.HoldoutLength:0.##} {unit} to {summary.LastDate:yyyy-MM-dd}: {actual:N0} purchases, {predicted:N1} predicted"));
            holdout = new JsonObject { ["periods"] = summary.HoldoutLength, ["actual"] = actual, ["predicted"] = predicted };
        }
        JsonObject? customerJson = null;
        if (arguments.Customer is { } key)
        {
            var at = summary.IndexOf(key);
            if (at < 0)
                return Fail(errors, $"--customer '{key}' has no first purchase on or before {summary.CalibrationEnd:yyyy-MM-dd} in the file.");
            var (x, tx, age) = (summary.Frequency[at], summary.Recency[at], summary.Age[at]);
            var expected = purchases.Model.ConditionalExpectedPurchases(forecast, x, tx, age);
            var alive = purchases.Model.ProbabilityAlive(x, tx, age);
            var expectedSpend = spend.Model.ConditionalExpectedSpend(x, summary.MeanRepeatSpend[at]);
            output.WriteLine(string.Create(c,
                $"customer {key}: x {x}, t_x {tx:0.####}, T {age:0.####}, zbar {summary.MeanRepeatSpend[at]:0.####}; P(alive) {alive:0.0000}; E[Y({forecast:0.##})] {expected:0.0000}; expected spend {expectedSpend:0.00}; CLV {clv[at]:0.00}"));
            customerJson = new JsonObject
            {
                ["key"] = key, ["x"] = x, ["tx"] = tx, ["T"] = age, ["zbar"] = summary.MeanRepeatSpend[at], ["probabilityAlive"] = alive,
                ["forecastPeriods"] = forecast, ["expectedPurchases"] = expected, ["expectedSpend"] = expectedSpend, ["clv"] = clv[at],
            };
        }
        var json = new JsonObject
        {
            ["bgnbd"] = new JsonObject
            {
                ["r"] = p.R, ["alpha"] = p.Alpha, ["a"] = p.A, ["b"] = p.B, ["logLikelihood"] = purchases.Diagnostics.LogLikelihood,
                ["standardErrors"] = pe is null ? null : new JsonObject { ["r"] = pe.R, ["alpha"] = pe.Alpha, ["a"] = pe.A, ["b"] = pe.B },
                ["converged"] = purchases.Diagnostics.Converged, ["iterations"] = purchases.Diagnostics.Iterations,
            },
            ["gammaGamma"] = new JsonObject
            {
                ["p"] = g.P, ["q"] = g.Q, ["gamma"] = g.Gamma, ["logLikelihood"] = spend.Diagnostics.LogLikelihood,
                ["standardErrors"] = ge is null ? null : new JsonObject { ["p"] = ge.P, ["q"] = ge.Q, ["gamma"] = ge.Gamma },
                ["converged"] = spend.Diagnostics.Converged, ["iterations"] = spend.Diagnostics.Iterations, ["customers"] = spend.Diagnostics.Observations,
            },
            ["customers"] = summary.Count,
            ["repeatBuyers"] = repeatBuyers,
            ["period"] = unit,
            ["calibrationEnd"] = summary.CalibrationEnd.ToString("yyyy-MM-dd", c),
            ["customerEquity"] = equity,
            ["clvSettings"] = new JsonObject
            {
                ["margin"] = arguments.Options.Margin, ["annualDiscountRate"] = arguments.Options.AnnualDiscountRate, ["horizonMonths"] = arguments.Options.HorizonMonths,
            },
            ["fitSeconds"] = fitSeconds,
        };
        if (holdout is not null)
            json["holdout"] = holdout;
        if (customerJson is not null)
            json["customer"] = customerJson;
        output.WriteLine(json.ToJsonString());
        if (purchases.Diagnostics.Converged && spend.Diagnostics.Converged)
            return 0;
        errors.WriteLine("error: a fit did not converge (see \"converged\"); its estimates should not replace a previous fit.");
        return NotConverged;
    }

    public static int RunSbg(string survivorsText, int periods, TextWriter output, TextWriter errors)
    {
        if (periods is < 0 or > 1000)
            return Fail(errors, "--periods must be 0 to 1,000.");
        ShiftedBetaGeometricFit fit;
        double[] survivors;
        try
        {
            survivors = ShiftedBetaGeometric.ParseSurvivors(survivorsText);
            fit = ShiftedBetaGeometric.Fit(survivors);
        }
        catch (ClvDataException error)
        {
            return Fail(errors, $"--survivors: {error.Message}");
        }
        var model = fit.Model;
        var last = survivors.Length - 1;
        var json = new JsonObject
        {
            ["alpha"] = model.Alpha,
            ["beta"] = model.Beta,
            ["standardErrors"] = fit.StandardErrors is { } se ? new JsonObject { ["alpha"] = se.Alpha, ["beta"] = se.Beta } : null,
            ["logLikelihood"] = fit.Diagnostics.LogLikelihood,
            ["converged"] = fit.Diagnostics.Converged,
            ["iterations"] = fit.Diagnostics.Iterations,
            ["fittedSurvivors"] = Array(model.ProjectedSurvivors(survivors[0], 0, survivors.Length)),
            ["projectedSurvivors"] = Array(model.ProjectedSurvivors(survivors[0], last + 1, periods)),
            ["retentionRates"] = Array([.. Enumerable.Range(last + 1, periods).Select(model.RetentionRate)]),
        };
        output.WriteLine(json.ToJsonString());
        if (fit.Diagnostics.Converged)
            return 0;
        errors.WriteLine("error: the sBG fit did not converge (see \"converged\").");
        return NotConverged;
    }

    private static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string Se(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"±{v:0.0000}") : "no SE";

    private static string Converged(FitDiagnostics diagnostics) =>
        diagnostics.Converged ? $"converged in {diagnostics.Iterations} iterations" : $"NOT CONVERGED after {diagnostics.Iterations} iterations";

    private static string OptionName(string? parameter) => parameter switch
    {
        nameof(ClvOptions.Margin) => "margin",
        nameof(ClvOptions.AnnualDiscountRate) => "discount-rate",
        _ => "horizon-months",
    };

    private static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine($"error: {message}");
        return BadInput;
    }
}
