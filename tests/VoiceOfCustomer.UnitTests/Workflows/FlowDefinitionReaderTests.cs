using System.Text.Json.Nodes;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.UnitTests.Workflows;

/// <summary>Step-based definitions: what parses, and every mistake the loader must refuse naming the file and the JSON path.</summary>
public class FlowDefinitionReaderTests
{
    private static readonly FlowKnownNames Known = new(
        new Dictionary<string, IFlowActivity> { ["record"] = new RecordFlowActivity() },
        new HashSet<string> { "segment-contacts" },
        new HashSet<string> { "Admin", "CSM", "PM", "Leadership" });

    private readonly WorkflowDefinitionLoader _loader = new();

    private static string Flow(string steps, string extra = "") => $$"""
        {
          "id": "review-test",
          "name": "Review test",
          {{extra}}
          "steps": {
            {{steps}}
          }
        }
        """;

    private const string Review = """
        "review": { "kind": "human-task", "title": "Review",
          "assignees": [ { "role": "PM" }, { "resolver": "segment-contacts", "kind": "customer" } ],
          "outcomes": [ { "key": "approve" }, { "key": "object", "objection": true } ],
          "completion": { "rule": "at-least", "count": 2, "including": "customer", "objectionBlocks": true },
          "deadline": "2.00:00:00", "reminders": [0.5, 0.8],
          "on": { "approved": "done", "rejected": "done", "timeout": "done" } },
        "done": { "kind": "end", "outcome": "reviewed" }
        """;

    private WorkflowDefinition Parse(string json) => _loader.Parse("flow.json", json, [], ["feedback"], Known);

    private string Refusal(string json) =>
        string.Join("\n", Assert.Throws<WorkflowDefinitionException>(() => Parse(json)).Errors);

    [Fact]
    public void A_human_task_with_a_quorum_parses_into_its_rule_deadline_and_transitions()
    {
        var definition = Parse(Flow(Review));
        var flow = Assert.IsType<FlowModel>(definition.Flow);
        Assert.Equal("review", flow.Start);
        var review = Assert.IsType<HumanTaskFlowStep>(flow.Steps["review"]);
        Assert.Equal(new TaskCompletion(CompletionRule.AtLeast, 2, "approve", "customer", true), review.Completion);
        Assert.Equal(TimeSpan.FromDays(2), review.Deadline!.Duration);
        Assert.Equal([0.5, 0.8], review.Reminders);
        Assert.Equal([("approved", "done"), ("rejected", "done"), ("timeout", "done")], review.Transitions);
        Assert.Equal("none", definition.SubjectType);
    }

    [Fact]
    public void The_repository_definitions_still_load_beside_flows()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../workflows"));
        var files = _loader.LoadDirectory(root, null, null);
        Assert.Contains(files, f => f.Definition.Id == "attribution-sla" && f.Definition.Flow is null);
    }

    [Fact]
    public void An_unknown_step_kind_is_named_with_its_path()
    {
        var message = Refusal(Flow("""
            "go": { "kind": "teleport", "next": "done" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("flow.json, line 6, steps.go.kind: must be one of activity, wait-signal, timer, human-task, decision, for-each, end.", message);
    }

    [Fact]
    public void A_transition_to_a_missing_step_is_named()
    {
        var message = Refusal(Flow("""
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "hi" }, "next": "nowhere" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("steps.note.next: goes to 'nowhere', which is not a step; steps: done, note.", message);
    }

    [Fact]
    public void An_unreachable_step_is_named()
    {
        var message = Refusal(Flow("""
            "note": { "kind": "activity", "activity": "record", "settings": { "message": "hi" }, "next": "done" },
            "orphan": { "kind": "activity", "activity": "record", "settings": { "message": "never" }, "next": "done" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("steps.orphan: step 'orphan' cannot be reached from the start step 'note'.", message);
    }

    [Fact]
    public void A_loop_without_a_wait_is_refused_and_one_through_a_timer_is_allowed()
    {
        var message = Refusal(Flow("""
            "a": { "kind": "activity", "activity": "record", "settings": { "message": "a" }, "next": "b" },
            "b": { "kind": "decision", "branches": [ { "when": { "var": "x", "op": "eq", "value": 1 }, "next": "done" } ], "otherwise": "a" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("the steps a → b → a form a loop with no wait in it", message);

        Parse(Flow("""
            "a": { "kind": "activity", "activity": "record", "settings": { "message": "a" }, "next": "b" },
            "b": { "kind": "decision", "branches": [ { "when": { "var": "x", "op": "eq", "value": 1 }, "next": "done" } ], "otherwise": "wait" },
            "wait": { "kind": "timer", "after": "1.00:00:00", "next": "a" },
            "done": { "kind": "end" }
            """));
    }

    [Fact]
    public void A_malformed_cron_expression_is_named()
    {
        var message = Refusal(Flow("""
            "done": { "kind": "end" }
            """, "\"trigger\": { \"cron\": \"0 9 32 * *\" },"));
        Assert.Contains("flow.json, line 4, trigger.cron: '0 9 32 * *' is not a cron expression", message);
    }

    [Fact]
    public void A_quorum_that_can_never_be_met_is_refused()
    {
        var tooMany = Refusal(Flow(Review.Replace("[ { \"role\": \"PM\" }, { \"resolver\": \"segment-contacts\", \"kind\": \"customer\" } ]", "[ { \"users\": [\"a@example.test\"], \"kind\": \"customer\" } ]")));
        Assert.Contains("steps.review.completion.count: the quorum can never be met: it needs 2 answers and only 1 named user(s) are assigned.", tooMany);

        var noKind = Refusal(Flow(Review.Replace("\"including\": \"customer\"", "\"including\": \"partner\"")));
        Assert.Contains("steps.review.completion.including: the quorum can never be met: no assignee is of kind 'partner'", noKind);

        var zero = Refusal(Flow(Review.Replace("\"count\": 2", "\"count\": 0")));
        Assert.Contains("steps.review.completion.count: at least 0 can never be a quorum", zero);
    }

    [Fact]
    public void Unknown_roles_resolvers_and_activities_name_the_known_ones()
    {
        var message = Refusal(Flow(Review.Replace("\"role\": \"PM\"", "\"role\": \"Pilot\"").Replace("segment-contacts", "moon-people")));
        Assert.Contains("steps.review.assignees[0].role: unknown role 'Pilot'; roles: Admin, CSM, Leadership, PM.", message);
        Assert.Contains("steps.review.assignees[1].resolver: unknown resolver 'moon-people'; known: segment-contacts.", message);

        var activity = Refusal(Flow("""
            "a": { "kind": "activity", "activity": "launch", "next": "done" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("steps.a.activity: unknown activity 'launch'; known: record.", activity);
    }

    [Fact]
    public void A_deadline_needs_a_timeout_step_and_reminders_need_a_deadline()
    {
        var message = Refusal(Flow(Review.Replace(", \"timeout\": \"done\"", "").Replace("\"deadline\": \"2.00:00:00\", ", "\"deadline\": \"2.00:00:00\", ")));
        Assert.Contains("steps.review.on.timeout: a deadline needs on.timeout", message);
    }

    [Fact]
    public void A_field_that_belongs_to_another_kind_is_refused()
    {
        var message = Refusal(Flow("""
            "a": { "kind": "timer", "after": "01:00:00", "signal": "go", "next": "done" },
            "done": { "kind": "end" }
            """));
        Assert.Contains("steps.a.signal: is not a field of a timer step", message);
    }

    [Fact]
    public void Decisions_evaluate_comparisons_over_dotted_variables()
    {
        var variables = JsonNode.Parse("""{ "review": { "approvals": 3, "result": "approved" }, "targets": [1, 2] }""")!.AsObject();
        Assert.True(Conditions.Evaluate(new FlowCondition("review.approvals", "ge", 3, null, null), variables));
        Assert.False(Conditions.Evaluate(new FlowCondition("review.approvals", "gt", 3, null, null), variables));
        Assert.True(Conditions.Evaluate(new FlowCondition("review.result", "eq", "approved", null, null), variables));
        Assert.True(Conditions.Evaluate(new FlowCondition("targets.length", "eq", 2, null, null), variables));
        Assert.True(Conditions.Evaluate(new FlowCondition("missing.path", "missing", null, null, null), variables));
        Assert.True(Conditions.Evaluate(new FlowCondition(null, null, null, null,
            [new FlowCondition("review.approvals", "lt", 1, null, null), new FlowCondition("targets", "not-empty", null, null, null)]), variables));
    }

    [Fact]
    public void Run_keys_fill_quarters_and_dates()
    {
        Assert.Equal("quarterly-retro:2026Q3", RunKeys.Fill("{id}:{previousQuarter}", "quarterly-retro", new DateTime(2026, 10, 1, 9, 0, 0)));
        Assert.Equal("x:2026Q4:2026-10-01", RunKeys.Fill("x:{quarter}:{date}", "x", new DateTime(2026, 10, 1)));
        Assert.Equal(["week"], RunKeys.UnknownPlaceholders("{id}:{week}"));
    }
}
