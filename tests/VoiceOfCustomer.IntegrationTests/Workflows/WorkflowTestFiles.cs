using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>Stand-ins for the runtime's activities and subject source (their names and setting rules), and a small definition.</summary>
internal static class WorkflowTestFiles
{
    public static readonly IWorkflowActivity[] Activities = [new FakeActivity("record-escalation"), new FakeActivity("send-email")];

    /// <summary>Line 6 holds the target parameter's default.</summary>
    public static string Definition(string id, double warningShare) => $$"""
        {
          "id": "{{id}}",
          "name": "Catalog test",
          "subject": "feedback",
          "parameters": {
            "target": { "type": "duration", "default": "1.00:00:00" },
            "warningShare": { "type": "share", "default": {{warningShare.ToString(CultureInfo.InvariantCulture)}} }
          },
          "clock": { "target": "$target" },
          "signals": { "feedback.received": "start", "attribution.completed": "complete" },
          "milestones": [
            { "name": "warning", "at": "$warningShare", "activities": [ { "activity": "send-email", "to": "owner-csm", "template": "sla-warning" } ] },
            { "name": "breach", "at": 1.0, "activities": [ { "activity": "record-escalation", "level": "breach" } ] }
          ]
        }
        """;

    private sealed class FakeActivity(string name) : IWorkflowActivity
    {
        public string Name => name;
        public IReadOnlyList<(string Setting, string Message)> Validate(IReadOnlyDictionary<string, string> settings) => [];
        public Task ExecuteAsync(DbContext db, IReadOnlyList<ActivityExecution> executions, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public sealed class FeedbackSubjects : IWorkflowSubjectSource
    {
        public string SubjectType => "feedback";
        public Task<IReadOnlyDictionary<long, SubjectFacts>> LoadAsync(DbContext db, IReadOnlyCollection<long> subjectIds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<SubjectFacts>> ClaimNewAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<WorkflowSignal>> ClaimSignalsAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task DeadlineChangedAsync(DbContext db, IReadOnlyDictionary<long, DateTime?> deadlines, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
