using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Workflows.Flows;

/// <summary><c>voc workflow start</c> and <c>runs</c> against a temp SQLite database and a temp workflows folder.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class WorkflowCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = FlowTestDefinitions.Folder(
        ("every-step.json", FlowTestDefinitions.EveryStep), ("every-step-child.json", FlowTestDefinitions.Child));
    private readonly VocAppFactory _app;

    public WorkflowCommandTests() =>
        _app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["Workflows:Directory"] = _folder.FullName });

    public void Dispose()
    {
        _app.Dispose();
        _folder.Delete(recursive: true);
    }

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        _ = _app.Services; // the database exists and is migrated
        return CliRunner.RunAsync(_app, new Dictionary<string, string?> { ["Workflows__Directory"] = _folder.FullName }, args);
    }

    [Fact]
    public async Task Start_writes_one_run_under_its_key_and_a_rerun_changes_nothing_and_says_so()
    {
        var (exit, output, error) = await RunAsync("workflow", "start", "every-step", "--key", "every-step:cli", "--subject", "release:12", "--var", "round=3", "--var", "note=hello");
        Assert.True(exit == 0, error);
        Assert.Contains("Started every-step:cli", output);
        var run = await _app.WithDbAsync(db => db.WorkflowInstances.SingleAsync(i => i.RunKey == "every-step:cli"));
        Assert.Equal(("release", 12L, "cli", WorkflowInstanceStatus.Running), (run.SubjectType, run.SubjectId, run.StartedBy, run.Status));
        Assert.Contains("\"round\":3", run.VariablesJson);
        Assert.Contains("\"note\":\"hello\"", run.VariablesJson);
        Assert.Contains("\"targets\":", run.VariablesJson); // the definition's own variables are kept

        var again = await RunAsync("workflow", "start", "every-step", "--key", "every-step:cli");
        Assert.Equal(0, again.Exit);
        Assert.Contains("every-step:cli already exists", again.Out);
        Assert.Contains("nothing new was done", again.Out);
        Assert.Equal(1, await _app.WithDbAsync(db => db.WorkflowInstances.CountAsync(i => i.RunKey == "every-step:cli")));

        var runs = await RunAsync("workflow", "runs", "every-step");
        Assert.Equal(0, runs.Exit);
        Assert.Contains("every-step:cli\trunning", runs.Out);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_message_and_exit_code_2()
    {
        var unknown = await RunAsync("workflow", "start", "no-such-flow");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("no workflow definition has the id 'no-such-flow'; step-based definitions: every-step, every-step-child.", unknown.Error);

        var notManual = await RunAsync("workflow", "start", "every-step-child");
        Assert.Equal(2, notManual.Exit);
        Assert.Contains("may not be started by hand", notManual.Error);

        var badSubject = await RunAsync("workflow", "start", "every-step", "--subject", "release");
        Assert.Equal(2, badSubject.Exit);
        Assert.Contains("--subject 'release' must be TYPE:ID", badSubject.Error);

        var badVar = await RunAsync("workflow", "start", "every-step", "--var", "novalue");
        Assert.Equal(2, badVar.Exit);
        Assert.Contains("--var 'novalue' must be NAME=VALUE", badVar.Error);
        Assert.Equal(0, await _app.WithDbAsync(db => db.WorkflowInstances.CountAsync()));
    }
}
