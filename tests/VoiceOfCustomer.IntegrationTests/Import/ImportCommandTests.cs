using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using static VoiceOfCustomer.IntegrationTests.Import.ImportTestFiles;

namespace VoiceOfCustomer.IntegrationTests.Import;

/// <summary>Tests that change process-wide state (environment variables, the console) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "process state";
}

/// <summary><c>voc import</c> end to end: the real command tree, CliHost and its configuration from environment variables.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ImportCommandTests : IAsyncLifetime
{
    private readonly VocAppFactory _app = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-cli-");

    public async Task InitializeAsync() => await _app.EnsureChannelsAsync();

    public Task DisposeAsync()
    {
        _app.Dispose();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(_app, null, args);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Fact]
    public async Task Imports_a_file_prints_a_summary_with_the_rejected_rows_and_exits_0()
    {
        var file = Write("voices.csv", Utf8(HappyCsv + "\nH-4,ACME-1,,2026-03-04T05:06:07Z,,,,,\nH-5,ACME-1,late,someday,,,,,\n"));

        var (exit, output, _) = await RunAsync("import", file, "--channel", "support");

        Assert.Equal(0, exit);
        Assert.Contains("imported 3, duplicates 0, rejected 2 of 5 rows", output);
        Assert.Contains("line 6: verbatim: The verbatim is required", output);
        Assert.Contains("line 7: receivedAt: 'someday' is not an ISO 8601 date", output);
        Assert.Contains("rows/s", output);
        Assert.Equal("补货预测没有读取实时促销数据，导致门店首日缺货。", await _app.WithDbAsync(db => db.FeedbackItems.Where(f => f.ExternalId == "H-1").Select(f => f.Verbatim).SingleAsync()));
        var job = await _app.WithDbAsync(db => db.ImportJobs.SingleAsync());
        Assert.Equal((ImportJobStatus.Succeeded, "voices.csv", 3, 2), (job.Status, job.FileName, job.Imported, job.Rejected));

        var again = await RunAsync("import", file, "--channel", "support");
        Assert.Equal(0, again.Exit);
        Assert.Contains("imported 0, duplicates 3, rejected 2", again.Out);
    }

    [Fact]
    public async Task Maps_columns_and_honours_the_batch_size()
    {
        var file = Write("mapped.csv", Utf8("ticket,account,text\nM-1,ACME,one\nM-2,ACME,two\nM-3,ACME,three\n"));

        var (exit, output, _) = await RunAsync("import", file, "-c", "survey", "--map", "ticket=externalId", "--map", "account=customer", "text=verbatim", "--batch-size", "2");

        Assert.Equal(0, exit);
        Assert.Contains("imported 3", output);
        Assert.Equal(3, await _app.WithDbAsync(db => db.FeedbackItems.CountAsync(f => f.Channel!.Key == "survey")));
    }

    [Theory]
    [InlineData("wrong-header", "Wrong header: unknown column 'text'")]
    [InlineData("unknown-channel", "Unknown channel 'nowhere'")]
    [InlineData("missing-file", "file not found")]
    [InlineData("bad-map", "--map 'ticket' must look like column=field")]
    public async Task Bad_input_exits_2_with_a_clear_message_and_writes_nothing(string kind, string message)
    {
        var good = Write("good.csv", Utf8("customer,verbatim\nACME,hello\n"));
        string[] args = kind switch
        {
            "wrong-header" => ["import", Write("bad.csv", Utf8("customer,text\nACME,hello\n")), "--channel", "support"],
            "unknown-channel" => ["import", good, "--channel", "nowhere"],
            "missing-file" => ["import", Path.Combine(_folder.FullName, "absent.csv"), "--channel", "support"],
            _ => ["import", good, "--channel", "support", "--map", "ticket"],
        };

        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        Assert.Equal(0, await _app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
        Assert.Equal(0, await _app.WithDbAsync(db => db.ImportJobs.CountAsync()));
    }
}
