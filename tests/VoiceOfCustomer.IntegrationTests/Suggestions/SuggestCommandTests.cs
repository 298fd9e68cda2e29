using System.Text;
using System.Text.Json;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary><c>voc suggest eval</c> and <c>voc suggest split</c> through the real command tree, with no database at all.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class SuggestCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-suggest-");

    public void Dispose() => _folder.Delete(recursive: true);

    // A database setting that cannot work: the command must not build the app's services.
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new Dictionary<string, string?> { ["Database__Provider"] = "NoSuchDatabase" }, args);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }

    private static readonly (string Label, string[] Words)[] Topics =
    [
        ("billing", ["invoice", "charge", "refund", "payment", "bill", "card", "charged", "twice"]),
        ("shipping", ["delivery", "package", "courier", "tracking", "parcel", "arrive", "shipped", "late"]),
        ("login", ["password", "account", "reset", "locked", "sign", "username", "login", "code"]),
        ("发票", ["发票", "开票", "税号", "抬头", "报销", "金额", "电子", "专票"]),
    ];

    /// <summary>A labelled CSV with commas, quotes and line breaks inside quoted texts, some of them Chinese.</summary>
    private static string LabeledCsv(int perLabel, int seed)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("text,label,tags\n");
        foreach (var (label, words) in Topics)
        {
            for (var i = 0; i < perLabel; i++)
            {
                var picked = Enumerable.Range(0, random.Next(4, 7)).Select(_ => words[random.Next(words.Length)]).ToArray();
                var separator = label == "发票" ? "" : " ";
                var text = i % 5 == 0 ? $"{string.Join(separator, picked[..2])}, \"{picked[2]}\"\n{string.Join(separator, picked[3..])}" : string.Join(separator, picked);
                csv.Append('"').Append(text.Replace("\"", "\"\"")).Append("\",").Append(label).Append(",x\n");
            }
        }
        return csv.ToString();
    }

    [Fact]
    public async Task Eval_prints_a_summary_and_ends_with_one_json_object()
    {
        var train = Write("train.csv", LabeledCsv(40, seed: 1));
        var test = Write("test.csv", LabeledCsv(10, seed: 2));
        var outOfScope = Write("oos.csv", "text\nzebra quantum volcano\n🙂🙂\n");

        var (exit, output, error) = await RunAsync("suggest", "eval", "--train", train, "--test", test, "--out-of-scope", outOfScope, "--seed", "5");

        Assert.True(exit == 0, error);
        Assert.Contains("reliability", output);
        Assert.Contains("training", error);
        Assert.Contains("scoring 40/40", error);
        var last = output.TrimEnd().Split('\n')[^1];
        var json = JsonDocument.Parse(last).RootElement;
        foreach (var key in new[] { "top1", "top3", "macroF1", "n", "trainSeconds", "p50Ms", "p99Ms", "abstainInScope", "abstainOutOfScope",
                     "top1Answered", "coverage", "ece", "featureCount", "labels" })
            Assert.True(json.TryGetProperty(key, out _), $"missing {key} in {last}");
        Assert.Equal(40, json.GetProperty("n").GetInt32());
        Assert.Equal(4, json.GetProperty("labels").GetInt32());
        Assert.True(json.GetProperty("top1").GetDouble() >= 0.9, last);
        Assert.Equal(1.0, json.GetProperty("abstainOutOfScope").GetDouble());
    }

    [Fact]
    public async Task Eval_of_a_malformed_file_exits_2_naming_the_file_and_line()
    {
        var train = Write("train.csv", LabeledCsv(10, seed: 1));
        var test = Write("bad.csv", "text,label\n\"two\nlines\",billing\nfine,billing\n\"never closed,billing\n");

        var (exit, output, error) = await RunAsync("suggest", "eval", "--train", train, "--test", test);

        Assert.Equal(2, exit);
        Assert.Contains("bad.csv: line 5", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Eval_names_a_missing_column_and_a_missing_file()
    {
        var train = Write("train.csv", LabeledCsv(10, seed: 1));

        var (exit, _, error) = await RunAsync("suggest", "eval", "--train", train, "--test", train, "--text-column", "utterance");
        Assert.Equal(2, exit);
        Assert.Contains("no column 'utterance'; the header has: text, label, tags", error);

        (exit, _, error) = await RunAsync("suggest", "eval", "--train", train, "--test", Path.Combine(_folder.FullName, "gone.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("gone.csv: file not found", error);
    }

    [Fact]
    public async Task Split_writes_two_files_with_the_same_columns_that_eval_can_read()
    {
        var input = Write("all.csv", LabeledCsv(20, seed: 3));
        var (trainOut, testOut) = (Path.Combine(_folder.FullName, "tr.csv"), Path.Combine(_folder.FullName, "te.csv"));

        var (exit, _, error) = await RunAsync("suggest", "split", "--input", input, "--train-out", trainOut, "--test-out", testOut, "--test-share", "0.25");

        Assert.True(exit == 0, error);
        var train = VoiceOfCustomer.Suggestions.Evaluation.LabeledCsv.ReadTable(trainOut);
        var test = VoiceOfCustomer.Suggestions.Evaluation.LabeledCsv.ReadTable(testOut);
        Assert.Equal(["text", "label", "tags"], test.Header);
        Assert.Equal((60, 20), (train.Rows.Count, test.Rows.Count));
        Assert.All(test.Rows.GroupBy(r => r.Fields[1]), g => Assert.Equal(5, g.Count()));
        var original = VoiceOfCustomer.Suggestions.Evaluation.LabeledCsv.ReadTable(input).Rows.Select(r => string.Join('|', r.Fields)).Order();
        Assert.Equal(original, train.Rows.Concat(test.Rows).Select(r => string.Join('|', r.Fields)).Order());
    }
}
