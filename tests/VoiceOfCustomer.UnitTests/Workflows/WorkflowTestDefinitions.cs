using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.UnitTests.Workflows;

/// <summary>Stand-ins for the activities the runtime registers: the names and setting rules of the real ones.</summary>
internal sealed class FakeActivity(string name, params string[] requiredSettings) : IWorkflowActivity
{
    public string Name => name;

    public IReadOnlyList<(string Setting, string Message)> Validate(IReadOnlyDictionary<string, string> settings) =>
        requiredSettings.Where(s => !settings.ContainsKey(s)).Select(s => (s, $"is required by {name}.")).ToList();

    public Task ExecuteAsync(DbContext db, IReadOnlyList<ActivityExecution> executions, CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class WorkflowTestDefinitions
{
    public static readonly IWorkflowActivity[] Activities =
    [
        new FakeActivity("record-escalation", "level"),
        new FakeActivity("send-email", "to", "template"),
    ];

    public static readonly string[] SubjectTypes = ["feedback"];

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    public static string WorkflowsFolder() => Path.Combine(RepositoryRoot(), "workflows");

    /// <summary>A small valid definition; line numbers in the tests below count from its first line.</summary>
    public const string Valid = """
        {
          "id": "test-sla",
          "name": "Test SLA",
          "subject": "feedback",
          "parameters": {
            "target": { "type": "duration", "default": "1.00:00:00" },
            "warningShare": { "type": "share", "default": 0.5 }
          },
          "clock": { "target": "$target" },
          "signals": { "feedback.received": "start", "attribution.completed": "complete" },
          "milestones": [
            {
              "name": "warning",
              "at": "$warningShare",
              "activities": [ { "activity": "send-email", "to": "owner-csm", "template": "sla-warning" } ]
            },
            {
              "name": "breach",
              "at": 1.0,
              "activities": [ { "activity": "record-escalation", "level": "breach" } ]
            }
          ]
        }
        """;
}
