using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Workflows.Definitions;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>A bad definition file or a bad parameter override stops the app before it serves anything.</summary>
public sealed class WorkflowStartupTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-workflows-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static WorkflowDefinitionException StartFails(IDictionary<string, string?> settings)
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), settings);
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        for (Exception? e = error; e is not null; e = e.InnerException ?? (e as AggregateException)?.InnerExceptions.FirstOrDefault())
        {
            if (e is WorkflowDefinitionException definitionError)
                return definitionError;
        }
        throw new Xunit.Sdk.XunitException($"Start-up failed, but not with a {nameof(WorkflowDefinitionException)}: {error}");
    }

    [Fact]
    public void An_invalid_workflow_file_stops_start_up_naming_the_file_line_and_field()
    {
        var json = WorkflowTestFiles.Definition("broken-sla", 0.75).Replace("\"1.00:00:00\"", "\"-1.00:00:00\"");
        File.WriteAllText(Path.Combine(_folder.FullName, "broken.json"), json);

        var error = StartFails(new Dictionary<string, string?> { ["Workflows:Directory"] = _folder.FullName });

        Assert.Contains($"{_folder.Name}/broken.json, line 6, parameters.target.default: '-1.00:00:00' is negative", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_parameter_override_stops_start_up_naming_the_key()
    {
        var error = StartFails(new Dictionary<string, string?> { ["Workflows:AttributionSla:WarningShare"] = "-1" });
        Assert.StartsWith("Workflows:AttributionSla:WarningShare: -1 must be a positive share", Assert.Single(error.Errors), StringComparison.Ordinal);
    }
}
