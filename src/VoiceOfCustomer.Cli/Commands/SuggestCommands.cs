using System.CommandLine;
using System.Globalization;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Evaluation;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>
/// <c>voc suggest eval</c> and <c>voc suggest split</c>: measure the local suggester on labelled CSV files. They work
/// on files only, so unlike the other commands they never build <see cref="CliHost"/> (no database, no settings).
/// </summary>
public static class SuggestCommands
{
    public const int BadInput = 2;

    public sealed record EvalArguments(
        string Train, string Test, string TextColumn, string LabelColumn, string? OutOfScope, int? Seed, double? AbstainBelow);

    public sealed record SplitArguments(string Input, string TrainOut, string TestOut, double TestShare, int Seed, string LabelColumn);

    public static Command Build() => new("suggest", "Evaluate the local tag suggester on labelled CSV files.") { BuildEval(), BuildSplit() };

    private static Command BuildEval()
    {
        var train = new Option<string>("--train") { Description = "Labelled CSV to train on (header row; UTF-8).", Required = true };
        var test = new Option<string>("--test") { Description = "Labelled CSV to score.", Required = true };
        var textColumn = new Option<string>("--text-column") { Description = "Column with the text.", DefaultValueFactory = _ => "text" };
        var labelColumn = new Option<string>("--label-column") { Description = "Column with the label.", DefaultValueFactory = _ => "label" };
        var outOfScope = new Option<string?>("--out-of-scope") { Description = "CSV of texts that belong to no label (its label column is ignored): reports how often they are abstained on." };
        var seed = new Option<int?>("--seed") { Description = "Training seed (default: the classifier's)." };
        var abstainBelow = new Option<double?>("--abstain-below") { Description = "Confidence below which the suggester abstains (default: the classifier's)." };
        var command = new Command("eval", "Train the local suggester on one labelled CSV and score another. The last line of output is one JSON object.")
        {
            train, test, textColumn, labelColumn, outOfScope, seed, abstainBelow,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(RunEval(
            new EvalArguments(parse.GetValue(train)!, parse.GetValue(test)!, parse.GetValue(textColumn)!, parse.GetValue(labelColumn)!,
                parse.GetValue(outOfScope), parse.GetValue(seed), parse.GetValue(abstainBelow)),
            Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    private static Command BuildSplit()
    {
        var input = new Option<string>("--input") { Description = "Labelled CSV to split.", Required = true };
        var trainOut = new Option<string>("--train-out") { Description = "Where to write the training part.", Required = true };
        var testOut = new Option<string>("--test-out") { Description = "Where to write the test part.", Required = true };
        var testShare = new Option<double>("--test-share") { Description = "Share of each label's rows that goes to test.", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<int>("--seed") { Description = "Shuffle seed; the same seed gives the same split.", DefaultValueFactory = _ => 42 };
        var labelColumn = new Option<string>("--label-column") { Description = "Column the split is stratified on.", DefaultValueFactory = _ => "label" };
        var command = new Command("split", "Split a labelled CSV into train and test files, stratified by label and reproducible by seed.")
        {
            input, trainOut, testOut, testShare, seed, labelColumn,
        };
        command.SetAction(parse => RunSplit(
            new SplitArguments(parse.GetValue(input)!, parse.GetValue(trainOut)!, parse.GetValue(testOut)!, parse.GetValue(testShare),
                parse.GetValue(seed), parse.GetValue(labelColumn)!),
            Console.Out, Console.Error));
        return command;
    }

    public static int RunEval(EvalArguments arguments, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        var c = CultureInfo.InvariantCulture;
        if (arguments.AbstainBelow is < 0 or > 1)
            return Fail(errors, "--abstain-below must be between 0 and 1.");
        List<LabeledText> train, test;
        List<LabeledText>? outOfScope = null;
        try
        {
            train = LabeledCsv.Read(arguments.Train, arguments.TextColumn, arguments.LabelColumn);
            test = LabeledCsv.Read(arguments.Test, arguments.TextColumn, arguments.LabelColumn);
            if (arguments.OutOfScope is { } oosPath)
                outOfScope = LabeledCsv.Read(oosPath, arguments.TextColumn, arguments.LabelColumn, requireLabel: false);
        }
        catch (LabeledCsvException error)
        {
            return Fail(errors, error.Message);
        }
        if (train.Count == 0)
            return Fail(errors, $"{Path.GetFileName(arguments.Train)}: no records after the header; nothing to train on.");
        if (test.Count == 0)
            return Fail(errors, $"{Path.GetFileName(arguments.Test)}: no records after the header; nothing to score.");

        var defaults = new TextClassifierOptions();
        var options = defaults with
        {
            Seed = arguments.Seed ?? defaults.Seed,
            AbstainBelow = arguments.AbstainBelow ?? defaults.AbstainBelow,
        };
        errors.WriteLine(string.Create(c,
            $"training on {train.Count:N0} texts ({train.Select(t => t.Label).Distinct(StringComparer.Ordinal).Count()} labels), scoring {test.Count:N0}{(outOfScope is null ? "" : $" + {outOfScope.Count:N0} out of scope")} ..."));
        var printer = new ProgressPrinter(errors);
        var report = SuggesterEvaluation.Run(train, test, outOfScope, options, printer, cancellationToken);
        printer.Done();

        PrintSummary(output, report, arguments);
        output.WriteLine(report.ToJson());
        return 0;
    }

    public static int RunSplit(SplitArguments arguments, TextWriter output, TextWriter errors)
    {
        if (arguments.TestShare is <= 0 or >= 1 || double.IsNaN(arguments.TestShare))
            return Fail(errors, "--test-share must be between 0 and 1 (exclusive).");
        try
        {
            var table = LabeledCsv.ReadTable(arguments.Input);
            var label = table.Column(arguments.LabelColumn);
            var (train, test) = StratifiedSplit.Split(table.Rows, label, arguments.TestShare, arguments.Seed);
            LabeledCsv.Write(arguments.TrainOut, table.Header, train);
            LabeledCsv.Write(arguments.TestOut, table.Header, test);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{table.Rows.Count:N0} rows, {table.Rows.Select(r => r.Fields[label].Trim()).Distinct(StringComparer.Ordinal).Count()} labels: {train.Count:N0} → {arguments.TrainOut}, {test.Count:N0} → {arguments.TestOut} (seed {arguments.Seed})"));
            return 0;
        }
        catch (LabeledCsvException error)
        {
            return Fail(errors, error.Message);
        }
        catch (IOException error)
        {
            return Fail(errors, error.Message);
        }
        catch (UnauthorizedAccessException error)
        {
            return Fail(errors, error.Message);
        }
    }

    private static void PrintSummary(TextWriter output, EvaluationReport report, EvalArguments arguments)
    {
        var c = CultureInfo.InvariantCulture;
        var a = report.Accuracy;
        output.WriteLine(string.Create(c, $"train {Path.GetFileName(arguments.Train)}: {report.TrainCount:N0} texts, {report.Labels} labels, {report.FeatureCount:N0} features, trained in {report.TrainSeconds:0.00} s"));
        output.WriteLine(string.Create(c, $"test  {Path.GetFileName(arguments.Test)}: {a.N:N0} texts"));
        output.WriteLine(string.Create(c, $"  top-1 {a.Top1:P2}   top-3 {a.Top3:P2}   macro-F1 {a.MacroF1:0.0000}"));
        output.WriteLine(string.Create(c,
            $"  abstained {a.AbstainInScope:P2} (coverage {a.Coverage:P2}; top-1 on answered {(a.Top1Answered is { } t ? t.ToString("P2", c) : "n/a")}) at threshold {report.AbstainBelow:0.00}"));
        if (a.AbstainReasons.Count > 0)
            output.WriteLine("  abstentions by reason: " + string.Join(", ", a.AbstainReasons.OrderByDescending(r => r.Value).Select(r => string.Create(c, $"{r.Key} {r.Value:N0}"))));
        if (report.AbstainOutOfScope is { } oos)
            output.WriteLine(string.Create(c, $"  out of scope {Path.GetFileName(arguments.OutOfScope)}: {report.OutOfScopeCount:N0} texts, abstained {oos:P2}"));
        output.WriteLine(string.Create(c, $"  latency per suggestion: p50 {report.P50Ms:0.000} ms, p99 {report.P99Ms:0.000} ms; temperature {report.Temperature:0.000}"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"reliability on the test set (top-1 confidence; ECE {a.Ece:0.0000}):"));
        output.WriteLine("  confidence     count   mean conf   accuracy");
        foreach (var bin in a.Reliability)
            output.WriteLine(string.Create(c, $"  {bin.From:0.0}–{bin.To:0.0}   {bin.Count,10:N0}   {bin.MeanConfidence,9:P1}   {bin.Accuracy,8:P1}"));
        output.WriteLine();
    }

    private static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine($"error: {message}");
        return BadInput;
    }

    /// <summary>Progress on stderr: rewritten in place on a terminal, a line per 10% when redirected.</summary>
    private sealed class ProgressPrinter(TextWriter errors) : IProgress<EvaluationProgress>
    {
        private readonly bool _interactive = ReferenceEquals(errors, Console.Error) && !Console.IsErrorRedirected;
        private string _stage = "";
        private int _lastStep = -1;
        private bool _wroteInPlace;

        public void Report(EvaluationProgress value)
        {
            var step = (int)(value.Fraction * 10);
            if (value.Stage == _stage && step == _lastStep)
                return;
            if (value.Stage != _stage)
                Done();
            _stage = value.Stage;
            _lastStep = step;
            var line = value.Stage == "scoring"
                ? string.Create(CultureInfo.InvariantCulture, $"scoring {value.Done:N0}/{value.Total:N0}")
                : string.Create(CultureInfo.InvariantCulture, $"training {value.Fraction:P0}");
            if (_interactive)
            {
                errors.Write("\r" + line.PadRight(40));
                _wroteInPlace = true;
            }
            else
            {
                errors.WriteLine(line);
            }
        }

        public void Done()
        {
            if (_wroteInPlace)
                errors.WriteLine();
            _wroteInPlace = false;
        }
    }
}
