namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary>The flows the task tests answer (also compiled into the browser tests).</summary>
internal static class TaskDefinitions
{
    /// <summary>A PM (through the role) and an outside reviewer (by address) must both answer; an objection rejects at once; two days.</summary>
    public static string Review(string reviewerEmail) => """
        {
          "id": "release-review",
          "name": "Release 5 review",
          "trigger": { "manual": true },
          "steps": {
            "review": {
              "kind": "human-task",
              "title": { "en": "Review release 5", "zh-CN": "评审版本 5" },
              "instructions": { "en": "Try the new export and tell us whether it solves your problem.", "zh-CN": "试用新的导出功能，告诉我们它是否解决了您的问题。" },
              "assignees": [ { "role": "PM" }, { "users": ["{{reviewer}}"], "kind": "customer" } ],
              "outcomes": [
                { "key": "approve", "label": { "en": "Approve", "zh-CN": "批准" } },
                { "key": "object", "label": { "en": "Object", "zh-CN": "反对" }, "objection": true }
              ],
              "completion": { "rule": "all", "objectionBlocks": true },
              "deadline": "2.00:00:00",
              "reminders": [ 0.5 ],
              "on": { "approved": "done", "rejected": "done", "timeout": "done" }
            },
            "done": { "kind": "end" }
          }
        }
        """.Replace("{{reviewer}}", reviewerEmail, StringComparison.Ordinal);

    /// <summary>The same question without a deadline, for the order of My tasks (undated tasks last).</summary>
    public const string Undated = """
        {
          "id": "open-question",
          "name": "Open question",
          "trigger": { "manual": true },
          "steps": {
            "ask": {
              "kind": "human-task",
              "title": { "en": "Name the pilot stores", "zh-CN": "指定试点门店" },
              "assignees": [ { "role": "PM" } ],
              "outcomes": [ { "key": "done", "label": { "en": "Done", "zh-CN": "完成" } } ],
              "completion": { "rule": "any" },
              "on": { "approved": "end", "rejected": "end" }
            },
            "end": { "kind": "end" }
          }
        }
        """;
}
