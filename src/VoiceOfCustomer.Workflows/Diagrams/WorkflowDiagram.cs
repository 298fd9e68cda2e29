using System.Globalization;
using System.Text;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.Workflows.Diagrams;

/// <summary>What a diagram shows besides the definition: where an instance stands, where it has been, and the words of the UI.</summary>
public sealed record DiagramOptions
{
    /// <summary>The step (or milestone, or <see cref="WorkflowDiagram.ClockStart"/>/<see cref="WorkflowDiagram.ClockEnd"/>) to mark as current.</summary>
    public string? Highlighted { get; init; }

    /// <summary>Steps the instance has entered; drawn as visited.</summary>
    public IReadOnlyCollection<string> Visited { get; init; } = [];

    /// <summary>The UI's language, for the steps' own labels (<see cref="LocalizedText"/>).</summary>
    public string? Language { get; init; }

    /// <summary>Turns one of <see cref="WorkflowDiagram.Phrases"/> into the UI's language (the app passes its string table).</summary>
    public Func<string, string> Translate { get; init; } = phrase => phrase;

    /// <summary>Prefix of the element ids inside the drawing, so several diagrams can share a page.</summary>
    public string IdPrefix { get; init; } = "wf";
}

/// <summary>
/// Draws a definition as SVG on the server (the app's Content-Security-Policy allows no inline style, so no script library
/// draws it in the page): shapes carry presentation attributes and <c>wf-*</c> classes that the app's stylesheet colours.
/// A flow is laid out top-down in layers (a step's layer is its longest path from the start; transitions back up — loops — run
/// round the right side); a clock definition is its chain start → milestones → end with its signals beside it.
/// Every text is XML-encoded, so the result can be placed in a page as it is.
/// </summary>
public static class WorkflowDiagram
{
    /// <summary>The node keys of a clock diagram's start and end (milestone names are kebab-case, so these cannot clash).</summary>
    public const string ClockStart = "(start)";
    public const string ClockEnd = "(end)";

    /// <summary>Every fixed phrase a diagram can show, in English; each goes through <see cref="DiagramOptions.Translate"/>.</summary>
    public static IReadOnlyList<string> Phrases { get; } =
    [
        "Diagram of {0}", "where it stands now", "visited",
        "Activity", "Wait for signal", "Timer", "Human task", "Decision", "For each", "End", "Start", "Milestone",
        "timeout", "approved", "rejected", "otherwise", "all done",
        "{0} of the target", "Target: {0}", "until {0}", "Signals",
        "starts the clock", "pauses the clock", "resumes the clock", "ends the clock",
        "re-targets the clock",
    ];

    private const double Margin = 16;
    private const double TopMargin = 40;
    private const double HorizontalGap = 32;
    private const double VerticalGap = 58;
    private const double DummyWidth = 14;
    private const double LaneGap = 14;
    private const double TitleUnitWidth = 7.4;
    private const double SmallUnitWidth = 6.3;

    public static string Render(WorkflowDefinition definition, DiagramOptions? options = null)
    {
        options ??= new DiagramOptions();
        var graph = definition.Flow is { } flow ? FromFlow(flow, options) : FromClock(definition, options);
        return Draw(definition, graph, options);
    }

    // ---- the graph ----

    private sealed record Node(string Key, string Kind, string Title, string Subtitle, string? Detail, string Tooltip);

    private sealed record Edge(string From, string To, string Label);

    private sealed record Graph(string Start, IReadOnlyList<Node> Nodes, IReadOnlyList<Edge> Edges, IReadOnlyList<string> SideNote);

    private static Graph FromFlow(FlowModel flow, DiagramOptions options)
    {
        var t = options.Translate;
        var nodes = flow.Steps.Values.Select(step =>
        {
            var title = step.Label?.For(options.Language) is { Length: > 0 } label ? label : step.Name;
            var kind = t(KindPhrase(step.Kind));
            var detail = step switch
            {
                ActivityFlowStep a => a.Activity,
                WaitSignalFlowStep w => w.Signal,
                TimerFlowStep timer => TimerDetail(timer, t),
                HumanTaskFlowStep h => h.Title.For(options.Language),
                ForEachFlowStep f => f.Workflow,
                EndFlowStep e => e.Outcome,
                _ => null,
            };
            var tooltip = title == step.Name ? $"{step.Name} · {kind}" : $"{title} ({step.Name}) · {kind}";
            return new Node(step.Name, step.Kind, title, kind, detail, detail is null ? tooltip : $"{tooltip} · {detail}");
        }).ToList();

        // One arrow per pair of steps: a human task whose outcomes all lead to one step shows "approved, rejected, timeout".
        var edges = flow.Steps.Values
            .SelectMany(step => step.Transitions.Select(tr => (From: step.Name, To: tr.Target, Label: TransitionPhrase(tr.Label, t))))
            .GroupBy(e => (e.From, e.To))
            .Select(g => new Edge(g.Key.From, g.Key.To, string.Join(", ", g.Select(e => e.Label).Where(l => l.Length > 0).Distinct())))
            .ToList();
        return new Graph(flow.Start, nodes, edges, []);
    }

    private static Graph FromClock(WorkflowDefinition definition, DiagramOptions options)
    {
        var t = options.Translate;
        var nodes = new List<Node>
        {
            new(ClockStart, "start", t("Start"), string.Format(CultureInfo.InvariantCulture, t("Target: {0}"), ClockTarget(definition)), null, t("Start")),
        };
        foreach (var milestone in definition.Milestones)
        {
            var at = string.Format(CultureInfo.InvariantCulture, t("{0} of the target"), Percent(Share(definition, milestone.At)));
            var activities = string.Join(", ", milestone.Activities.Select(a => a.Activity));
            nodes.Add(new Node(milestone.Name, "milestone", milestone.Name, at, activities, $"{milestone.Name} · {t("Milestone")} · {at} · {activities}"));
        }
        nodes.Add(new Node(ClockEnd, "end", t("End"), "", null, t("End")));
        var edges = nodes.Zip(nodes.Skip(1), (a, b) => new Edge(a.Key, b.Key, "")).ToList();
        var signals = definition.Signals.Select(s => $"{s.Key}: {t(SignalPhrase(s.Value))}").ToList();
        return new Graph(ClockStart, nodes, edges, signals.Count == 0 ? [] : [t("Signals"), .. signals]);
    }

    /// <summary>The English phrase for a step kind (one of <see cref="Phrases"/>).</summary>
    public static string KindPhrase(string kind) => kind switch
    {
        "activity" => "Activity",
        "wait-signal" => "Wait for signal",
        "timer" => "Timer",
        "human-task" => "Human task",
        "decision" => "Decision",
        "for-each" => "For each",
        "end" => "End",
        _ => kind,
    };

    /// <summary>A transition's label: the runtime's fixed words (timeout, approved, …) translated, signal names and conditions as written.</summary>
    public static string TransitionPhrase(string label, Func<string, string> t) =>
        label is "timeout" or "approved" or "rejected" or "otherwise" or "all done" ? t(label) : label;

    /// <summary>The English phrase for what a signal does to a clock (one of <see cref="Phrases"/>).</summary>
    public static string SignalPhrase(SignalAction action) => action switch
    {
        SignalAction.Start => "starts the clock",
        SignalAction.Pause => "pauses the clock",
        SignalAction.Resume => "resumes the clock",
        SignalAction.Retarget => "re-targets the clock",
        _ => "ends the clock",
    };

    private static string? TimerDetail(TimerFlowStep timer, Func<string, string> t)
    {
        if (timer.Until is { } until)
            return string.Format(CultureInfo.InvariantCulture, t("until {0}"), until);
        if (timer.Share is { } share)
            return string.Format(CultureInfo.InvariantCulture, t("{0} of the target"), Percent(share));
        return timer.After is { Duration: { } duration } ? Duration(duration) : timer.After?.ToString();
    }

    private static double? Share(WorkflowDefinition definition, ValueReference at) =>
        at.Share ?? (at.Parameter is { } p && definition.Parameters.TryGetValue(p, out var parameter) ? parameter.DefaultShare : null);

    private static string ClockTarget(WorkflowDefinition definition)
    {
        var target = definition.Clock.Target;
        var duration = target.Duration
            ?? (target.Parameter is { } p && definition.Parameters.TryGetValue(p, out var parameter) ? parameter.DefaultDuration : null);
        return duration is { } d ? Duration(d) : "$" + target.Parameter;
    }

    private static string Percent(double? share) =>
        share is { } s ? (s * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "?";

    /// <summary>"48 h", "90 min", "45 s"; anything finer as <c>d.hh:mm:ss</c>.</summary>
    internal static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)span.TotalHours} h"
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)span.TotalMinutes} min"
        : span.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)span.TotalSeconds} s"
        : span.ToString("c", CultureInfo.InvariantCulture);

    // ---- layout ----

    /// <summary>One item of a layer: a step, or the point where a long arrow passes through the layer.</summary>
    private sealed class Slot(Node? node, int edge)
    {
        public Node? Node { get; } = node;
        public int Edge { get; } = edge;
        public int Layer { get; set; }
        public double Order { get; set; }
        public double X { get; set; }
        public List<Slot> Above { get; } = [];
        public List<Slot> Below { get; } = [];
    }

    private sealed record Layout(
        IReadOnlyDictionary<string, Slot> Nodes,
        IReadOnlyList<(Edge Edge, List<Slot> Chain)> Forward,
        IReadOnlyList<Edge> Back,
        int Layers,
        double NodeWidth,
        double NodeHeight,
        double ContentWidth);

    private static Layout Arrange(Graph graph)
    {
        var byKey = graph.Nodes.ToDictionary(n => n.Key, StringComparer.Ordinal);
        var outgoing = graph.Nodes.ToDictionary(n => n.Key, _ => new List<Edge>(), StringComparer.Ordinal);
        foreach (var edge in graph.Edges.Where(e => byKey.ContainsKey(e.From) && byKey.ContainsKey(e.To)))
            outgoing[edge.From].Add(edge);

        // Depth-first from the start: an arrow to a step still on the path is a loop (drawn round the side); the rest form a DAG.
        var back = new HashSet<Edge>();
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var postOrder = new List<string>();
        var discovery = new Dictionary<string, int>(StringComparer.Ordinal);
        void Visit(string key)
        {
            discovery[key] = discovery.Count;
            onPath.Add(key);
            foreach (var edge in outgoing[key])
            {
                if (onPath.Contains(edge.To))
                    back.Add(edge);
                else if (!done.Contains(edge.To) && !onPath.Contains(edge.To))
                    Visit(edge.To);
            }
            onPath.Remove(key);
            done.Add(key);
            postOrder.Add(key);
        }
        if (byKey.ContainsKey(graph.Start))
            Visit(graph.Start);
        foreach (var node in graph.Nodes.Where(n => !done.Contains(n.Key)))
            Visit(node.Key);

        var layer = graph.Nodes.ToDictionary(n => n.Key, _ => 0, StringComparer.Ordinal);
        var topological = Enumerable.Reverse(postOrder).ToList();
        foreach (var key in topological)
            foreach (var edge in outgoing[key].Where(e => !back.Contains(e)))
                layer[edge.To] = Math.Max(layer[edge.To], layer[key] + 1);
        var layers = layer.Values.DefaultIfEmpty(0).Max() + 1;

        var slots = graph.Nodes.ToDictionary(n => n.Key, n => new Slot(n, -1) { Layer = layer[n.Key], Order = discovery[n.Key] }, StringComparer.Ordinal);
        var all = new List<Slot>(slots.Values);
        var forward = new List<(Edge, List<Slot>)>();
        foreach (var (edge, index) in graph.Edges.Where(e => !back.Contains(e) && slots.ContainsKey(e.From) && slots.ContainsKey(e.To)).Select((e, i) => (e, i)))
        {
            var chain = new List<Slot> { slots[edge.From] };
            for (var l = layer[edge.From] + 1; l < layer[edge.To]; l++)
            {
                var dummy = new Slot(null, index) { Layer = l, Order = discovery[edge.From] + 0.5 };
                chain.Add(dummy);
                all.Add(dummy);
            }
            chain.Add(slots[edge.To]);
            for (var i = 0; i + 1 < chain.Count; i++)
            {
                chain[i].Below.Add(chain[i + 1]);
                chain[i + 1].Above.Add(chain[i]);
            }
            forward.Add((edge, chain));
        }

        // Fewer crossings: a few sweeps ordering each layer by the mean position of its neighbours in the layer before.
        var rows = Enumerable.Range(0, layers).Select(l => all.Where(s => s.Layer == l).OrderBy(s => s.Order).ToList()).ToList();
        void Number() { foreach (var row in rows) for (var i = 0; i < row.Count; i++) row[i].Order = i; }
        Number();
        for (var sweep = 0; sweep < 4; sweep++)
        {
            var down = sweep % 2 == 0;
            foreach (var l in down ? Enumerable.Range(1, Math.Max(0, layers - 1)) : Enumerable.Range(0, Math.Max(0, layers - 1)).Reverse())
            {
                rows[l] = rows[l].OrderBy(s => (down ? s.Above : s.Below) is { Count: > 0 } near ? near.Average(n => n.Order) : s.Order).ThenBy(s => s.Order).ToList();
                Number();
            }
        }

        var width = Math.Clamp(graph.Nodes.Select(NodeTextWidth).DefaultIfEmpty(0).Max() + 24, 150, 240);
        var height = graph.Nodes.Any(n => n.Detail is not null) ? 60 : 46;
        double RowWidth(List<Slot> row) => row.Sum(s => s.Node is null ? DummyWidth : width) + HorizontalGap * Math.Max(0, row.Count - 1);
        var content = rows.Select(RowWidth).DefaultIfEmpty(width).Max();
        foreach (var row in rows)
        {
            var x = Margin + (content - RowWidth(row)) / 2;
            foreach (var slot in row)
            {
                slot.X = x;
                x += (slot.Node is null ? DummyWidth : width) + HorizontalGap;
            }
        }
        return new Layout(slots, forward, graph.Edges.Where(back.Contains).ToList(), layers, width, height, content);
    }

    private static double NodeTextWidth(Node node) => Math.Max(Units(node.Title) * TitleUnitWidth, Math.Max(Units(node.Subtitle), Units(node.Detail ?? "")) * SmallUnitWidth);

    // ---- drawing ----

    private static string Draw(WorkflowDefinition definition, Graph graph, DiagramOptions options)
    {
        var layout = Arrange(graph);
        var t = options.Translate;
        var prefix = SafeId(options.IdPrefix);
        var (w, h) = (layout.NodeWidth, layout.NodeHeight);
        double Top(int l) => TopMargin + l * (h + VerticalGap);
        var lanesLeft = Margin + layout.ContentWidth + 16;
        var sideNoteWidth = graph.SideNote.Count == 0 ? 0 : graph.SideNote.Max(l => Units(l)) * SmallUnitWidth + 20;
        var canvasWidth = lanesLeft + layout.Back.Count * LaneGap + (sideNoteWidth > 0 ? sideNoteWidth + 16 : 0) + Margin;
        var canvasHeight = Math.Max(Top(layout.Layers) - VerticalGap + Margin, TopMargin + graph.SideNote.Count * 16 + 24);

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"wf-diagram\" viewBox=\"0 0 {N(canvasWidth)} {N(canvasHeight)}\" width=\"{N(canvasWidth)}\" height=\"{N(canvasHeight)}\"")
            .Append($" role=\"img\" aria-labelledby=\"{prefix}-title\" data-definition=\"{Xml(definition.Id)}\">");
        svg.Append($"<title id=\"{prefix}-title\">{Xml(string.Format(CultureInfo.InvariantCulture, t("Diagram of {0}"), definition.Name))}</title>");
        svg.Append($"<defs><marker id=\"{prefix}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
            .Append("<path d=\"M0,0 L10,5 L0,10 z\" class=\"wf-arrow\" fill=\"#5f6b7a\"/></marker></defs>");
        var arrow = $" marker-end=\"url(#{prefix}-arrow)\"";

        // The start: a dot above the first step.
        if (layout.Nodes.TryGetValue(graph.Start, out var start))
        {
            var cx = start.X + w / 2;
            svg.Append($"<g class=\"wf-start\"><circle cx=\"{N(cx)}\" cy=\"{N(TopMargin - 26)}\" r=\"6\" fill=\"#5f6b7a\"/>")
                .Append($"<path d=\"M{N(cx)},{N(TopMargin - 20)} L{N(cx)},{N(TopMargin - 2)}\" class=\"wf-edge\" fill=\"none\" stroke=\"#5f6b7a\" stroke-width=\"1.5\"{arrow}/></g>");
        }

        // Arrows down: out of the source's bottom and into the target's top, spread when a step has several.
        var outs = layout.Forward.GroupBy(f => f.Edge.From).ToDictionary(g => g.Key, g => g.OrderBy(f => f.Chain[1].X).Select(f => f.Edge).ToList());
        var ins = layout.Forward.GroupBy(f => f.Edge.To).ToDictionary(g => g.Key, g => g.OrderBy(f => f.Chain[^2].X).Select(f => f.Edge).ToList());
        double Spread(Slot slot, List<Edge> edges, Edge edge) => slot.X + w * (edges.IndexOf(edge) + 1) / (edges.Count + 1);
        foreach (var (edge, chain) in layout.Forward)
        {
            var points = new List<(double X, double Y)> { (Spread(chain[0], outs[edge.From], edge), Top(chain[0].Layer) + h) };
            foreach (var dummy in chain.Skip(1).SkipLast(1))
            {
                points.Add((dummy.X + DummyWidth / 2, Top(dummy.Layer)));
                points.Add((dummy.X + DummyWidth / 2, Top(dummy.Layer) + h));
            }
            points.Add((Spread(chain[^1], ins[edge.To], edge), Top(chain[^1].Layer) - 1));
            var path = new StringBuilder($"M{N(points[0].X)},{N(points[0].Y)}");
            for (var i = 1; i < points.Count; i++)
            {
                var (x0, y0) = points[i - 1];
                var (x1, y1) = points[i];
                var bend = (y1 - y0) / 2;
                path.Append(x0 == x1 ? $" L{N(x1)},{N(y1)}" : $" C{N(x0)},{N(y0 + bend)} {N(x1)},{N(y1 - bend)} {N(x1)},{N(y1)}");
            }
            svg.Append($"<g class=\"wf-transition\" data-from=\"{Xml(edge.From)}\" data-to=\"{Xml(edge.To)}\">")
                .Append($"<path d=\"{path}\" class=\"wf-edge\" fill=\"none\" stroke=\"#5f6b7a\" stroke-width=\"1.5\"{arrow}/>");
            // Labels of a step's several arrows sit at staggered heights along their first stretch, so they do not overlap.
            var siblings = outs[edge.From];
            var along = siblings.Count == 1 ? 0.5 : 0.2 + 0.5 * siblings.IndexOf(edge) / (siblings.Count - 1);
            var (lx, ly) = OnCurve(points[0], points[1], along);
            EdgeLabel(svg, edge.Label, lx, ly + 4);
            svg.Append("</g>");
        }

        // Loops: down into the gap below the source, right to a lane of its own, up to the gap above the target, into its top.
        for (var i = 0; i < layout.Back.Count; i++)
        {
            var edge = layout.Back[i];
            var (from, to) = (layout.Nodes[edge.From], layout.Nodes[edge.To]);
            var lane = lanesLeft + i * LaneGap;
            var (sx, sy) = (from.X + w - 10 - (i % 3) * 6, Top(from.Layer) + h);
            var below = sy + 14 + (i % 3) * 5;
            var (tx, ty) = (to.X + w - 10 - (i % 3) * 6, Top(to.Layer) - 1);
            var above = ty - 12 - (i % 3) * 5;
            svg.Append($"<g class=\"wf-transition wf-loop\" data-from=\"{Xml(edge.From)}\" data-to=\"{Xml(edge.To)}\">")
                .Append($"<path d=\"M{N(sx)},{N(sy)} L{N(sx)},{N(below)} L{N(lane)},{N(below)} L{N(lane)},{N(above)} L{N(tx)},{N(above)} L{N(tx)},{N(ty)}\"")
                .Append($" class=\"wf-edge\" fill=\"none\" stroke=\"#5f6b7a\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"{arrow}/>");
            EdgeLabel(svg, edge.Label, (sx + lane) / 2, below - 4);
            svg.Append("</g>");
        }

        var visited = new HashSet<string>(options.Visited, StringComparer.Ordinal);
        foreach (var slot in layout.Nodes.Values)
            DrawNode(svg, slot.Node!, slot.X, Top(slot.Layer), w, h, slot.Node!.Key == options.Highlighted, visited.Contains(slot.Node.Key), t);

        if (graph.SideNote.Count > 0)
        {
            var x = lanesLeft + layout.Back.Count * LaneGap + 16;
            svg.Append($"<g class=\"wf-signals\"><rect x=\"{N(x)}\" y=\"{N(TopMargin)}\" width=\"{N(sideNoteWidth)}\" height=\"{N(graph.SideNote.Count * 16 + 12)}\" rx=\"4\" class=\"wf-note\" fill=\"#f6f7f9\" stroke=\"#c9ced6\"/>");
            for (var i = 0; i < graph.SideNote.Count; i++)
                svg.Append($"<text x=\"{N(x + 10)}\" y=\"{N(TopMargin + 20 + i * 16)}\" font-size=\"11\"{(i == 0 ? " font-weight=\"600\"" : "")} class=\"wf-note-text\" fill=\"#1f2933\">{Xml(graph.SideNote[i])}</text>");
            svg.Append("</g>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void DrawNode(StringBuilder svg, Node node, double x, double y, double w, double h, bool current, bool visited, Func<string, string> t)
    {
        var classes = $"wf-node wf-kind-{SafeId(node.Kind)}" + (visited ? " wf-visited" : "") + (current ? " wf-current" : "");
        var tooltip = node.Tooltip + (current ? " · " + t("where it stands now") : visited ? " · " + t("visited") : "");
        svg.Append($"<g class=\"{classes}\" data-step=\"{Xml(node.Key)}\"><title>{Xml(tooltip)}</title>");
        const string paint = " class=\"wf-shape\" fill=\"#ffffff\" stroke=\"#5f6b7a\" stroke-width=\"1.5\"";
        const string stack = " class=\"wf-shape wf-stack\" fill=\"#ffffff\" stroke=\"#9aa5b1\"";
        static string Rect(double rx, double ry, double rw, double rh, double radius, string attributes) =>
            $"<rect x=\"{N(rx)}\" y=\"{N(ry)}\" width=\"{N(rw)}\" height=\"{N(rh)}\" rx=\"{N(radius)}\"{attributes}/>";
        svg.Append(node.Kind switch
        {
            "wait-signal" => $"<polygon points=\"{N(x + 10)},{N(y)} {N(x + w)},{N(y)} {N(x + w - 10)},{N(y + h)} {N(x)},{N(y + h)}\"{paint}/>",
            "timer" or "start" => Rect(x, y, w, h, h / 2, paint),
            "decision" => $"<polygon points=\"{N(x + 14)},{N(y)} {N(x + w - 14)},{N(y)} {N(x + w)},{N(y + h / 2)} {N(x + w - 14)},{N(y + h)} {N(x + 14)},{N(y + h)} {N(x)},{N(y + h / 2)}\"{paint}/>",
            "for-each" => Rect(x + 6, y + 6, w, h, 6, stack) + Rect(x + 3, y + 3, w, h, 6, stack) + Rect(x, y, w, h, 6, paint),
            "end" => $"<ellipse cx=\"{N(x + w / 2)}\" cy=\"{N(y + h / 2)}\" rx=\"{N(w / 2)}\" ry=\"{N(h / 2)}\"{paint}/>",
            "human-task" => Rect(x, y, w, h, 6, paint) + Rect(x + 3, y + 3, w - 6, h - 6, 4, " class=\"wf-inner\" fill=\"none\" stroke=\"#5f6b7a\""),
            _ => Rect(x, y, w, h, 6, paint),
        });
        var cx = N(x + w / 2);
        var room = (w - 20) / TitleUnitWidth;
        var smallRoom = (w - 20) / SmallUnitWidth;
        svg.Append($"<text x=\"{cx}\" y=\"{N(y + 19)}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"600\" class=\"wf-title\" fill=\"#1f2933\">{Xml(Fit(node.Title, room))}</text>");
        if (node.Subtitle.Length > 0)
            svg.Append($"<text x=\"{cx}\" y=\"{N(y + 35)}\" text-anchor=\"middle\" font-size=\"11\" class=\"wf-kind\" fill=\"#52606d\">{Xml(Fit(node.Subtitle, smallRoom))}</text>");
        if (node.Detail is { Length: > 0 } detail)
            svg.Append($"<text x=\"{cx}\" y=\"{N(y + 50)}\" text-anchor=\"middle\" font-size=\"11\" class=\"wf-detail\" fill=\"#52606d\">{Xml(Fit(detail, smallRoom))}</text>");
        svg.Append("</g>");
    }

    /// <summary>The point at <paramref name="t"/> of the curve drawn between two points (vertical tangents at both ends).</summary>
    private static (double X, double Y) OnCurve((double X, double Y) from, (double X, double Y) to, double t)
    {
        var u = 1 - t;
        var share = 3 * u * t * t + t * t * t;
        return (from.X + (to.X - from.X) * share, from.Y + (to.Y - from.Y) * t);
    }

    private static void EdgeLabel(StringBuilder svg, string label, double x, double y)
    {
        if (label.Length == 0)
            return;
        var text = Fit(label, 30);
        var width = Units(text) * SmallUnitWidth + 8;
        svg.Append($"<rect x=\"{N(x - width / 2)}\" y=\"{N(y - 11)}\" width=\"{N(width)}\" height=\"15\" rx=\"3\" class=\"wf-label-bg\" fill=\"#ffffff\" opacity=\"0.9\"/>")
            .Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"middle\" font-size=\"11\" class=\"wf-label\" fill=\"#3e4c59\">{(text == label ? "" : $"<title>{Xml(label)}</title>")}{Xml(text)}</text>");
    }

    // ---- text ----

    /// <summary>Width in units of an average Latin letter: East Asian characters take about two.</summary>
    internal static double Units(string text)
    {
        double units = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
            units += IsWide(char.ConvertToUtf32(elements.GetTextElement(), 0)) ? 1.9 : 1;
        return units;
    }

    private static bool IsWide(int c) =>
        c is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3 or >= 0xF900 and <= 0xFAFF
            or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6 or >= 0x1F300 and <= 0x1FAFF or >= 0x20000;

    /// <summary>The text, cut with "…" when it is wider than <paramref name="units"/>.</summary>
    internal static string Fit(string text, double units)
    {
        if (Units(text) <= units)
            return text;
        var fitted = new StringBuilder();
        double used = 1;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            used += IsWide(char.ConvertToUtf32(element, 0)) ? 1.9 : 1;
            if (used > units)
                break;
            fitted.Append(element);
        }
        return fitted.ToString().TrimEnd() + "…";
    }

    /// <summary>Text for an XML element or attribute: the five special characters escaped, characters XML cannot hold dropped.</summary>
    internal static string Xml(string text)
    {
        var encoded = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': encoded.Append("&amp;"); break;
                case '<': encoded.Append("&lt;"); break;
                case '>': encoded.Append("&gt;"); break;
                case '"': encoded.Append("&quot;"); break;
                case '\'': encoded.Append("&#39;"); break;
                case '\t' or '\n' or '\r': encoded.Append(' '); break;
                case < ' ' or '\uFFFE' or '\uFFFF': break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        encoded.Append(c).Append(text[++i]);
                    else if (!char.IsSurrogate(c))
                        encoded.Append(c);
                    break;
            }
        }
        return encoded.ToString();
    }

    private static string SafeId(string text)
    {
        var safe = new string(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return safe.Length > 0 && char.IsAsciiLetter(safe[0]) ? safe : "wf-" + safe;
    }

    private static string N(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);
}
