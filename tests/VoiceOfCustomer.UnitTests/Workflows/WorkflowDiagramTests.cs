using System.Xml.Linq;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Diagrams;

namespace VoiceOfCustomer.UnitTests.Workflows;

public sealed class WorkflowDiagramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Every step kind, a loop (review → revise → review), a long arrow (check → done), and text that needs encoding.</summary>
    public const string EveryKind = """
        {
          "id": "release-review",
          "name": "Release <review> & \"gate\"",
          "trigger": { "cron": "0 9 * * 1", "runKey": "{id}:{date}" },
          "variables": { "items": [] },
          "start": "prepare",
          "steps": {
            "prepare": { "kind": "activity", "label": { "en": "Prepare <notes> & 'links'", "zh-CN": "准备发布说明" }, "activity": "record", "settings": { "message": "hi" }, "next": "check" },
            "check": { "kind": "decision", "branches": [ { "when": { "var": "score", "op": "gt", "value": 3 }, "next": "review" },
                                                          { "when": { "var": "skip", "op": "exists" }, "next": "done" } ], "otherwise": "pause" },
            "pause": { "kind": "timer", "after": "1.00:00:00", "next": "review" },
            "review": { "kind": "human-task", "title": { "en": "Review the release", "zh-CN": "评审版本" },
              "assignees": [ { "users": ["customer@example.com"], "kind": "customer" } ],
              "outcomes": [ { "key": "approve", "label": { "en": "Approve" } }, { "key": "object", "label": { "en": "Object" }, "objection": true } ],
              "completion": { "rule": "any" }, "deadline": "2.00:00:00",
              "on": { "approved": "fan-out", "rejected": "revise", "timeout": "fan-out" } },
            "revise": { "kind": "wait-signal", "signal": "revised", "next": "review" },
            "fan-out": { "kind": "for-each", "items": "@items", "workflow": "child-flow", "next": "done" },
            "done": { "kind": "end", "outcome": "released" }
          }
        }
        """;

    private static readonly WorkflowDefinition Flow = new WorkflowDefinitionLoader().Parse("release-review.json", EveryKind);

    private static readonly WorkflowDefinition Sla = new WorkflowDefinitionLoader().Parse("attribution-sla.json",
        File.ReadAllText(Path.Combine(WorkflowTestDefinitions.WorkflowsFolder(), "attribution-sla.json")));

    private static XElement Parse(string svg) => XDocument.Parse(svg).Root!;

    private static Dictionary<string, XElement> Nodes(XElement root) =>
        root.Descendants(Svg + "g").Where(g => g.Attribute("data-step") is not null).ToDictionary(g => (string)g.Attribute("data-step")!);

    private static string[] Classes(XElement element) => ((string?)element.Attribute("class") ?? "").Split(' ');

    [Fact]
    public void A_flow_is_valid_svg_with_one_node_per_step_each_drawn_as_its_kind()
    {
        var root = Parse(WorkflowDiagram.Render(Flow));

        Assert.Equal(Svg + "svg", root.Name);
        var nodes = Nodes(root);
        Assert.Equal(Flow.Flow!.Steps.Keys.Order(), nodes.Keys.Order());
        foreach (var (name, step) in Flow.Flow.Steps)
            Assert.Contains("wf-kind-" + step.Kind, Classes(nodes[name]));
        // Distinct shapes: the decision a hexagon, the wait a parallelogram, the end an ellipse, the for-each a stack of three.
        Assert.Equal(6, ((string)nodes["check"].Element(Svg + "polygon")!.Attribute("points")!).Split(' ').Length);
        Assert.Equal(4, ((string)nodes["revise"].Element(Svg + "polygon")!.Attribute("points")!).Split(' ').Length);
        Assert.NotNull(nodes["done"].Element(Svg + "ellipse"));
        Assert.Equal(3, nodes["fan-out"].Elements(Svg + "rect").Count());
        Assert.Contains(nodes["prepare"].Elements(Svg + "text"), t => t.Value == "Prepare <notes> & 'links'");
        Assert.Contains(nodes["review"].Elements(Svg + "text"), t => t.Value == "Human task");
    }

    [Fact]
    public void Every_transition_is_an_arrow_labelled_with_its_transition_and_parallel_ones_share_one()
    {
        var root = Parse(WorkflowDiagram.Render(Flow));
        var arrows = root.Descendants(Svg + "g").Where(g => Classes(g).Contains("wf-transition"))
            .ToDictionary(g => ((string)g.Attribute("data-from")!, (string)g.Attribute("data-to")!), g => string.Concat(g.Elements(Svg + "text").Select(t => t.Value)));

        var expected = Flow.Flow!.Steps.Values.SelectMany(s => s.Transitions.Select(t => (s.Name, t.Target))).Distinct().ToList();
        Assert.Equal(expected.Order(), arrows.Keys.Order());
        Assert.Equal("approved, timeout", arrows[("review", "fan-out")]);
        Assert.Equal("rejected", arrows[("review", "revise")]);
        Assert.Equal("score > 3", arrows[("check", "review")]);
        Assert.Equal("otherwise", arrows[("check", "pause")]);
        Assert.Equal("revised", arrows[("revise", "review")]);
        Assert.Equal("all done", arrows[("fan-out", "done")]);
        Assert.Equal("", arrows[("prepare", "check")]);
    }

    [Fact]
    public void Layers_follow_the_longest_path_and_a_loop_runs_round_the_side()
    {
        var root = Parse(WorkflowDiagram.Render(Flow));
        double Top(string step) => Nodes(root)[step].Elements().Where(e => e.Attribute("y") is not null)
            .Select(e => double.Parse((string)e.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture)).Max();

        // prepare → check → pause → review → revise: review sits below pause (longest path), not beside it.
        Assert.True(Top("prepare") < Top("check"));
        Assert.True(Top("check") < Top("pause"));
        Assert.True(Top("pause") < Top("review"));
        Assert.True(Top("review") < Top("revise"));
        Assert.True(Top("fan-out") < Top("done"));

        var loop = Assert.Single(root.Descendants(Svg + "g"), g => Classes(g).Contains("wf-loop"));
        Assert.Equal(("revise", "review"), ((string)loop.Attribute("data-from")!, (string)loop.Attribute("data-to")!));
        var width = double.Parse((string)root.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture);
        var laneX = ((string)loop.Element(Svg + "path")!.Attribute("d")!).Split(' ').Skip(2).First().TrimStart('L').Split(',')[0];
        var rightmostNode = Nodes(root).Values.SelectMany(n => n.Elements(Svg + "rect"))
            .Max(r => double.Parse((string)r.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture) + double.Parse((string)r.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(double.Parse(laneX, System.Globalization.CultureInfo.InvariantCulture), rightmostNode, width);
    }

    [Fact]
    public void The_highlighted_step_and_the_visited_ones_carry_their_classes()
    {
        var root = Parse(WorkflowDiagram.Render(Flow, new DiagramOptions { Highlighted = "review", Visited = ["prepare", "check", "pause", "review"] }));
        var nodes = Nodes(root);

        Assert.Contains("wf-current", Classes(nodes["review"]));
        Assert.Single(nodes.Values, n => Classes(n).Contains("wf-current"));
        Assert.All(new[] { "prepare", "check", "pause" }, s => Assert.Contains("wf-visited", Classes(nodes[s])));
        Assert.DoesNotContain("wf-visited", Classes(nodes["revise"]));
        Assert.EndsWith("where it stands now", nodes["review"].Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Text_is_encoded_and_characters_xml_cannot_hold_are_dropped()
    {
        var svg = WorkflowDiagram.Render(Flow, new DiagramOptions { Translate = p => p == "Diagram of {0}" ? "<b>{0}</b>\u0001" : p });

        Assert.DoesNotContain("<review>", svg);
        Assert.DoesNotContain("<notes>", svg);
        Assert.DoesNotContain("<b>", svg);
        Assert.Contains("Release &lt;review&gt; &amp; &quot;gate&quot;", svg);
        Assert.Equal("<b>Release <review> & \"gate\"</b>", Parse(svg).Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Labels_come_in_the_language_asked_for_and_fixed_words_through_the_translation()
    {
        var chinese = new Dictionary<string, string> { ["Human task"] = "人工任务", ["approved"] = "通过", ["timeout"] = "超时" };
        var root = Parse(WorkflowDiagram.Render(Flow, new DiagramOptions { Language = "zh-CN", Translate = p => chinese.GetValueOrDefault(p, p) }));
        var nodes = Nodes(root);

        Assert.Contains(nodes["prepare"].Elements(Svg + "text"), t => t.Value == "准备发布说明");
        Assert.Contains(nodes["review"].Elements(Svg + "text"), t => t.Value == "人工任务");
        Assert.Contains(nodes["review"].Elements(Svg + "text"), t => t.Value == "评审版本");
        Assert.Contains(root.Descendants(Svg + "text"), t => t.Value == "通过, 超时");
    }

    [Fact]
    public void A_long_label_is_cut_to_the_node_and_kept_whole_in_its_tooltip()
    {
        var longLabel = new string('长', 60);
        var definition = new WorkflowDefinitionLoader().Parse("long.json", EveryKind.Replace("准备发布说明", longLabel, StringComparison.Ordinal));
        var node = Nodes(Parse(WorkflowDiagram.Render(definition, new DiagramOptions { Language = "zh-CN" })))["prepare"];

        var title = node.Elements(Svg + "text").First().Value;
        Assert.EndsWith("…", title);
        Assert.True(title.Length < 20, title);
        Assert.Contains(longLabel, node.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void A_clock_definition_is_its_chain_of_milestones_with_the_signals_beside_it()
    {
        var root = Parse(WorkflowDiagram.Render(Sla, new DiagramOptions { Highlighted = "breach", Visited = [WorkflowDiagram.ClockStart, "warning"] }));
        var nodes = Nodes(root);

        Assert.Equal(new[] { WorkflowDiagram.ClockStart, "warning", "breach", "leadership", WorkflowDiagram.ClockEnd }, nodes.Keys.ToArray());
        Assert.Contains(nodes["warning"].Elements(Svg + "text"), t => t.Value == "75% of the target");
        Assert.Contains(nodes["leadership"].Elements(Svg + "text"), t => t.Value == "record-escalation, send-email");
        Assert.Contains(nodes[WorkflowDiagram.ClockStart].Elements(Svg + "text"), t => t.Value == "Target: 48 h");
        Assert.Contains("wf-current", Classes(nodes["breach"]));
        Assert.Contains("wf-visited", Classes(nodes["warning"]));
        var arrows = root.Descendants(Svg + "g").Where(g => Classes(g).Contains("wf-transition"))
            .Select(g => ((string)g.Attribute("data-from")!, (string)g.Attribute("data-to")!)).ToList();
        Assert.Equal(new[] { (WorkflowDiagram.ClockStart, "warning"), ("warning", "breach"), ("breach", "leadership"), ("leadership", WorkflowDiagram.ClockEnd) }, arrows);
        var signals = root.Descendants(Svg + "g").Single(g => Classes(g).Contains("wf-signals")).Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal("Signals", signals[0]);
        Assert.Contains("feedback.awaiting-customer: pauses the clock", signals);
        Assert.Contains("attribution.completed: ends the clock", signals);
    }

    [Fact]
    public void Two_diagrams_on_one_page_use_their_own_ids()
    {
        var first = Parse(WorkflowDiagram.Render(Flow, new DiagramOptions { IdPrefix = "d1" }));
        var second = Parse(WorkflowDiagram.Render(Sla, new DiagramOptions { IdPrefix = "d 2\"" }));

        Assert.Equal("d1-arrow", (string)first.Descendants(Svg + "marker").Single().Attribute("id")!);
        Assert.Equal("d-2--arrow", (string)second.Descendants(Svg + "marker").Single().Attribute("id")!);
        Assert.All(second.Descendants(Svg + "path").Where(p => p.Attribute("marker-end") is not null),
            p => Assert.Equal("url(#d-2--arrow)", (string)p.Attribute("marker-end")!));
    }
}
