using System.Text.Json.Nodes;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>
/// A workflows folder of its own for the operations tests (also linked into the browser tests): the attribution SLA and the
/// e-mail templates of the checkout, plus two small flows. <c>ops-review</c>: an activity that fails on demand, a for-each of
/// <c>ops-child</c> over <c>@items</c>, a human task for one reviewer with a deadline and a reminder, the end. <c>ops-child</c>
/// waits for the signal <c>go</c>.
/// </summary>
public sealed class OpsTestFlows : IDisposable
{
    public const string ReviewFlow = "ops-review";
    public const string ChildFlow = "ops-child";
    public const string Reviewer = "reviewer@example.test";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-ops-flows-");

    public OpsTestFlows()
    {
        var workflows = Path.Combine(CheckoutRoot(), "workflows");
        File.Copy(Path.Combine(workflows, "attribution-sla.json"), Path.Combine(_folder.FullName, "attribution-sla.json"));
        var templates = Directory.CreateDirectory(Path.Combine(_folder.FullName, "templates"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(workflows, "templates")))
            File.Copy(file, Path.Combine(templates.FullName, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(_folder.FullName, ReviewFlow + ".json"), """
            {
              "id": "ops-review",
              "name": "Ops review",
              "subject": "release",
              "trigger": { "manual": true, "runKey": "{id}:{date}" },
              "variables": { "items": [], "fail": false },
              "start": "prepare",
              "steps": {
                "prepare": { "kind": "activity", "label": { "en": "Prepare the notes", "zh-CN": "准备说明" }, "activity": "test-flaky", "next": "fan-out" },
                "fan-out": { "kind": "for-each", "items": "@items", "workflow": "ops-child", "itemKey": "name", "next": "review" },
                "review": { "kind": "human-task", "label": { "en": "Customer review", "zh-CN": "客户评审" },
                  "title": { "en": "Review the release", "zh-CN": "评审版本" },
                  "assignees": [ { "users": ["reviewer@example.test"], "kind": "customer" } ],
                  "outcomes": [ { "key": "approve", "label": { "en": "Approve", "zh-CN": "批准" } }, { "key": "object", "label": { "en": "Object", "zh-CN": "反对" }, "objection": true } ],
                  "completion": { "rule": "any" }, "deadline": "2.00:00:00", "reminders": [0.5],
                  "on": { "approved": "done", "rejected": "done", "timeout": "done" } },
                "done": { "kind": "end", "outcome": "reviewed" }
              }
            }
            """);
        File.WriteAllText(Path.Combine(_folder.FullName, ChildFlow + ".json"), """
            {
              "id": "ops-child",
              "name": "Ops child",
              "steps": {
                "wait": { "kind": "wait-signal", "signal": "go", "next": "done" },
                "done": { "kind": "end" }
              }
            }
            """);
    }

    public string Folder => _folder.FullName;

    /// <summary>The activity the flows' first step calls; it fails while <see cref="FlakyActivity.Healed"/> is false for instances whose <c>fail</c> is true.</summary>
    public FlakyActivity Activity { get; } = new();

    /// <summary>The folder, and one attempt before an activity's instance is faulted.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Workflows:Directory"] = Folder,
        ["Workflows:Flows:MaxAttempts"] = "1",
    };

    private static string CheckoutRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    public void Dispose()
    {
        try { _folder.Delete(recursive: true); } catch (IOException) { }
    }

    public sealed class FlakyActivity : IFlowActivity
    {
        public const string FailureMessage = "The release notes service did not answer <in time> & gave up";

        public string Name => "test-flaky";

        public volatile bool Healed;

        public IReadOnlyList<(string Setting, string Message)> Validate(JsonObject settings) => [];

        public Task<string?> ExecuteAsync(FlowActivityContext context, CancellationToken cancellationToken) =>
            context.Variables["fail"]?.GetValue<bool>() == true && !Healed
                ? throw new InvalidOperationException(FailureMessage)
                : Task.FromResult<string?>("notes prepared");
    }
}
