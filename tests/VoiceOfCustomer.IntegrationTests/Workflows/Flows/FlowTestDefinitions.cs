namespace VoiceOfCustomer.IntegrationTests.Workflows.Flows;

/// <summary>Flow definitions for the runtime tests, written into a temporary workflows folder with the repository's templates.</summary>
internal static class FlowTestDefinitions
{
    /// <summary>Every step kind: activity (record, send-email), timer (duration, share of the clock), wait-signal with timeout, human task, decision, for-each, end.</summary>
    public const string EveryStep = """
        {
          "$schema": "./workflow.schema.json",
          "id": "every-step",
          "name": "Every step kind",
          "subject": "release",
          "parameters": { "pause": { "type": "duration", "default": "01:00:00" } },
          "clock": { "target": "10:00:00" },
          "trigger": { "manual": true, "runKey": "every-step:{date}" },
          "variables": { "targets": [ { "key": "adoption", "owner": "owner-a@example.test" }, { "key": "nps", "owner": "owner-b@example.test" } ] },
          "start": "note",
          "steps": {
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "started", "set": { "round": 1 } }, "next": "pause" },
            "pause": { "kind": "timer", "after": "$pause", "next": "half-clock" },
            "half-clock": { "kind": "timer", "share": 0.5, "next": "wait-go" },
            "wait-go": { "kind": "wait-signal", "signal": "go", "timeout": "1.00:00:00", "onTimeout": "no-signal", "next": "review" },
            "review": {
              "kind": "human-task",
              "title": { "en": "Review the release", "zh-CN": "评审版本" },
              "instructions": { "en": "Does it solve your problem?", "zh-CN": "它解决您的问题了吗？" },
              "assignees": [ { "role": "PM" }, { "users": ["customer@example.test"], "kind": "customer" } ],
              "outcomes": [
                { "key": "approve", "label": { "en": "Approve", "zh-CN": "批准" } },
                { "key": "object", "label": { "en": "Object", "zh-CN": "反对" }, "objection": true }
              ],
              "completion": { "rule": "at-least", "count": 2, "including": "customer", "objectionBlocks": true },
              "deadline": "2.00:00:00",
              "reminders": [ 0.5 ],
              "on": { "approved": "check", "rejected": "rejected", "timeout": "escalate" }
            },
            "check": { "kind": "decision", "branches": [ { "when": { "var": "review.approvals", "op": "ge", "value": 2 }, "next": "audits" } ], "otherwise": "rejected" },
            "audits": { "kind": "for-each", "items": "@targets", "workflow": "every-step-child", "as": "target", "itemKey": "key", "next": "tell" },
            "tell": { "kind": "activity", "activity": "send-email", "settings": { "template": "workflow-notice", "to": { "role": "Leadership" }, "values": { "summary": "The release passed its review." } }, "next": "done" },
            "escalate": { "kind": "activity", "activity": "send-email", "settings": { "template": "workflow-notice", "to": { "role": "Leadership" }, "values": { "summary": "Nobody reviewed the release in time." } }, "next": "timed-out" },
            "no-signal": { "kind": "end", "outcome": "no-signal" },
            "timed-out": { "kind": "end", "outcome": "timed-out" },
            "rejected": { "kind": "end", "outcome": "rejected" },
            "done": { "kind": "end", "outcome": "passed" }
          }
        }
        """;

    public const string Child = """
        {
          "id": "every-step-child",
          "name": "Owner report",
          "trigger": { "manual": false },
          "steps": {
            "report": {
              "kind": "human-task",
              "title": "Write the report",
              "assignees": [ { "variable": "target.owner", "kind": "owner" } ],
              "outcomes": [ { "key": "submit", "label": { "en": "Submit", "zh-CN": "提交" } } ],
              "completion": { "rule": "any" },
              "deadline": "3.00:00:00",
              "on": { "approved": "done", "rejected": "done", "timeout": "overdue" }
            },
            "done": { "kind": "end", "outcome": "reported" },
            "overdue": { "kind": "end", "outcome": "overdue" }
          }
        }
        """;

    public const string Cron = """
        {
          "id": "monthly-check",
          "name": "Monthly check",
          "trigger": { "cron": "0 9 1 * *", "firstWorkingDayOnOrAfter": true, "runKey": "monthly-check:{month}" },
          "steps": {
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "checked" }, "next": "done" },
            "done": { "kind": "end" }
          }
        }
        """;

    public const string Failing = """
        {
          "id": "failing",
          "name": "Failing activity",
          "steps": {
            "boom": { "kind": "activity", "activity": "test-fail", "next": "done" },
            "done": { "kind": "end" }
          }
        }
        """;

    /// <summary>A folder holding the given definitions, the schema and the repository's e-mail templates.</summary>
    public static DirectoryInfo Folder(params (string File, string Json)[] definitions)
    {
        var folder = Directory.CreateTempSubdirectory("voc-flows-");
        var repository = RepositoryRoot();
        File.Copy(Path.Combine(repository, "workflows", "workflow.schema.json"), Path.Combine(folder.FullName, "workflow.schema.json"));
        var templates = Directory.CreateDirectory(Path.Combine(folder.FullName, "templates"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repository, "workflows", "templates")))
            File.Copy(file, Path.Combine(templates.FullName, Path.GetFileName(file)));
        foreach (var (file, json) in definitions)
            File.WriteAllText(Path.Combine(folder.FullName, file), json);
        return folder;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (VoiceOfCustomer.sln) was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Small definitions for the concurrency tests.</summary>
internal static class FlowConcurrencyDefinitions
{
    public const string Timed = """
        { "id": "timed", "name": "Timed", "steps": {
            "wait": { "kind": "timer", "after": "01:00:00", "next": "note" },
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "woke" }, "next": "done" },
            "done": { "kind": "end" } } }
        """;

    public const string Quorum = """
        { "id": "quorum", "name": "Quorum", "steps": {
            "review": { "kind": "human-task", "title": "Review", "assignees": [ { "users": ["a@example.test", "b@example.test"] } ],
              "outcomes": [ { "key": "approve" } ], "completion": { "rule": "at-least", "count": 1 },
              "on": { "approved": "note", "rejected": "done" } },
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "decided" }, "next": "done" },
            "done": { "kind": "end" } } }
        """;

    public const string FanOut = """
        { "id": "fan-out", "name": "Fan out", "steps": {
            "each": { "kind": "for-each", "items": "@items", "workflow": "fan-child", "next": "done" },
            "done": { "kind": "end" } } }
        """;

    public const string FanChild = """
        { "id": "fan-child", "name": "Fan child", "trigger": { "manual": false }, "steps": {
            "wait": { "kind": "timer", "after": "01:00:00", "next": "done" },
            "done": { "kind": "end" } } }
        """;

    public const string Cron = """
        { "id": "hourly", "name": "Hourly", "trigger": { "cron": "0 * * * *", "runKey": "hourly:{date}" }, "steps": {
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "tick" }, "next": "done" },
            "done": { "kind": "end" } } }
        """;
}
