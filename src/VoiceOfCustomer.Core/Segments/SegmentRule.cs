using System.Globalization;
using System.Text.Json;

namespace VoiceOfCustomer.Segments;

/// <summary>A node of a segment rule's condition tree: a group (<c>all</c> / <c>any</c>) or a condition on one coordinate.</summary>
public abstract record SegmentRuleNode(string Path);

/// <summary><c>{"all": [...]}</c> (every child matches; an empty list matches everyone) or <c>{"any": [...]}</c> (at least one).</summary>
public sealed record RuleGroup(string Path, bool All, IReadOnlyList<SegmentRuleNode> Children) : SegmentRuleNode(Path);

/// <summary>
/// <c>{"coordinate": "arr", "op": ">=", "value": 2000000}</c>. <see cref="Values"/> hold doubles (numbers), strings (text and
/// choices, choices in their canonical spelling) or one bool (a flag, or <c>isSet</c>'s yes/no).
/// </summary>
public sealed record RuleCondition(string Path, SegmentCoordinate Coordinate, string? MetricKey, RuleOperator Op, IReadOnlyList<object> Values)
    : SegmentRuleNode(Path);

public enum RuleOperator
{
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    In,
    Between,
    IsSet,
}

/// <summary>A problem with a rule, naming where it is (<c>when.all[1].value</c>).</summary>
public sealed record RuleError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A behaviour metric as a rule sees it: whether it exists, and whether it is measured per segment (external) rather than per customer.</summary>
public sealed record RuleMetric(string Key, bool IsExternal);

/// <summary>
/// The rule form of <c>seed/segments.json</c>' <c>when</c> (docs/segments.md): parsed and validated here, for the seed loader and
/// the Admin's edit alike, so both refuse the same things with the same messages.
/// </summary>
public static class SegmentRule
{
    public const int MaxDepth = 8;
    public const int MaxConditions = 100;
    public const int MaxListValues = 100;
    public const int MaxTextLength = 200;

    public static readonly IReadOnlyDictionary<string, RuleOperator> Operators = new Dictionary<string, RuleOperator>(StringComparer.Ordinal)
    {
        ["="] = RuleOperator.Equal,
        ["!="] = RuleOperator.NotEqual,
        [">"] = RuleOperator.Greater,
        [">="] = RuleOperator.GreaterOrEqual,
        ["<"] = RuleOperator.Less,
        ["<="] = RuleOperator.LessOrEqual,
        ["in"] = RuleOperator.In,
        ["between"] = RuleOperator.Between,
        ["isSet"] = RuleOperator.IsSet,
    };

    public static string Spelling(RuleOperator op) => Operators.First(o => o.Value == op).Key;

    private static readonly string OperatorList = string.Join(" ", Operators.Keys);

    /// <summary>Parses rule JSON as typed by an Admin or stored in <c>Segment.RuleJson</c>.</summary>
    public static (SegmentRuleNode? Rule, IReadOnlyList<RuleError> Errors) Parse(string? json, IReadOnlyCollection<RuleMetric> metrics, string rootPath = "when")
    {
        if (string.IsNullOrWhiteSpace(json))
            return (null, [new RuleError(rootPath, "a rule is required: a condition, or {\"all\": [...]} / {\"any\": [...]}.")]);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 });
            return Parse(document.RootElement, metrics, rootPath);
        }
        catch (JsonException error)
        {
            return (null, [new RuleError(rootPath, $"not valid JSON (line {error.LineNumber + 1}, position {error.BytePositionInLine + 1}).")]);
        }
    }

    public static (SegmentRuleNode? Rule, IReadOnlyList<RuleError> Errors) Parse(JsonElement element, IReadOnlyCollection<RuleMetric> metrics, string rootPath = "when")
    {
        var parser = new Parser(metrics.ToDictionary(m => m.Key, StringComparer.Ordinal));
        var rule = parser.Node(element, rootPath, 1);
        return parser.Errors.Count > 0 ? (null, parser.Errors) : (rule, []);
    }

    /// <summary>The compact JSON stored in <c>Segment.RuleJson</c>.</summary>
    public static string Compact(JsonElement element) => JsonSerializer.Serialize(element);

    /// <summary>The metric keys a rule reads (<c>metric:&lt;key&gt;</c>).</summary>
    public static IEnumerable<string> MetricKeys(SegmentRuleNode node) => node switch
    {
        RuleGroup group => group.Children.SelectMany(MetricKeys),
        RuleCondition { MetricKey: { } key } => [key],
        _ => [],
    };

    private sealed class Parser(Dictionary<string, RuleMetric> metrics)
    {
        public List<RuleError> Errors { get; } = [];
        private int _conditions;

        public SegmentRuleNode? Node(JsonElement element, string path, int depth)
        {
            if (element.ValueKind != JsonValueKind.Object)
                return Fail(path, "must be an object: a condition {\"coordinate\", \"op\", \"value\"} or a group {\"all\": [...]} / {\"any\": [...]}.");
            if (depth > MaxDepth)
                return Fail(path, $"groups are nested more than {MaxDepth} deep.");
            var names = element.EnumerateObject().Select(p => p.Name).ToList();
            var isGroup = names.Contains("all") || names.Contains("any");
            if (isGroup)
                return Group(element, names, path, depth);
            if (names.Contains("coordinate"))
                return Condition(element, names, path);
            return Fail(path, "needs \"all\", \"any\" or \"coordinate\".");
        }

        private SegmentRuleNode? Group(JsonElement element, List<string> names, string path, int depth)
        {
            var unknown = names.FirstOrDefault(n => n is not ("all" or "any"));
            if (unknown is not null)
                return Fail($"{path}.{unknown}", "a group holds only \"all\" or \"any\".");
            if (names.Count != 1)
                return Fail(path, "a group has either \"all\" or \"any\", not both: nest one inside the other.");
            var all = names[0] == "all";
            var listPath = $"{path}.{names[0]}";
            var list = element.GetProperty(names[0]);
            if (list.ValueKind != JsonValueKind.Array)
                return Fail(listPath, "must be a list of conditions.");
            if (!all && list.GetArrayLength() == 0)
                return Fail(listPath, "an empty \"any\" matches no one; leave it out or add conditions.");
            var children = new List<SegmentRuleNode>();
            var index = 0;
            foreach (var child in list.EnumerateArray())
            {
                if (Node(child, $"{listPath}[{index++}]", depth + 1) is { } node)
                    children.Add(node);
            }
            return new RuleGroup(path, all, children);
        }

        private SegmentRuleNode? Condition(JsonElement element, List<string> names, string path)
        {
            var unknown = names.FirstOrDefault(n => n is not ("coordinate" or "op" or "value"));
            if (unknown is not null)
                return Fail($"{path}.{unknown}", "a condition holds only \"coordinate\", \"op\" and \"value\".");
            if (++_conditions > MaxConditions)
                return Fail(path, $"a rule has at most {MaxConditions} conditions.");

            var coordinateElement = element.GetProperty("coordinate");
            var coordinatePath = $"{path}.coordinate";
            if (coordinateElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(coordinateElement.GetString()))
                return Fail(coordinatePath, "must be a coordinate's name, e.g. \"arr\".");
            var name = coordinateElement.GetString()!;
            SegmentCoordinate? coordinate;
            string? metricKey = null;
            if (name.StartsWith(SegmentCoordinates.MetricPrefix, StringComparison.Ordinal))
            {
                metricKey = name[SegmentCoordinates.MetricPrefix.Length..];
                if (!metrics.TryGetValue(metricKey, out var metric))
                    return Fail(coordinatePath, $"'{metricKey}' is not a behaviour metric's key (known: {string.Join(", ", metrics.Values.Where(m => !m.IsExternal).Select(m => m.Key).Order(StringComparer.Ordinal))}).");
                if (metric.IsExternal)
                    return Fail(coordinatePath, $"'{metricKey}' is an external metric, measured per segment, not per customer: a rule cannot read it.");
                coordinate = SegmentCoordinates.Metric(metricKey);
            }
            else if ((coordinate = SegmentCoordinates.Find(name)) is null)
            {
                return Fail(coordinatePath, $"'{name}' is not a coordinate (one of {string.Join(", ", SegmentCoordinates.All.Select(c => c.Name))}, or metric:<key>).");
            }

            var opPath = $"{path}.op";
            if (!element.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
                return Fail(opPath, $"is required: one of {OperatorList}.");
            if (!Operators.TryGetValue(opElement.GetString()!, out var op))
                return Fail(opPath, $"'{opElement.GetString()}' is not an operator (one of {OperatorList}).");
            var allowed = coordinate.Kind switch
            {
                CoordinateKind.Number => Operators.Values.ToArray(),
                CoordinateKind.Flag => [RuleOperator.Equal, RuleOperator.NotEqual],
                _ => [RuleOperator.Equal, RuleOperator.NotEqual, RuleOperator.In, RuleOperator.IsSet],
            };
            if (!allowed.Contains(op))
                return Fail(opPath, $"'{Spelling(op)}' does not apply to {name} (use {string.Join(" ", allowed.Select(Spelling))}).");

            var valuePath = $"{path}.value";
            var hasValue = element.TryGetProperty("value", out var value);
            if (op == RuleOperator.IsSet)
            {
                if (!hasValue)
                    return new RuleCondition(path, coordinate, metricKey, op, [true]);
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    return Fail(valuePath, "isSet takes true (has a value, the default) or false (has none).");
                return new RuleCondition(path, coordinate, metricKey, op, [value.GetBoolean()]);
            }
            if (!hasValue)
                return Fail(valuePath, "is required.");

            var values = new List<object>();
            if (op is RuleOperator.In or RuleOperator.Between)
            {
                if (value.ValueKind != JsonValueKind.Array)
                    return Fail(valuePath, op == RuleOperator.In ? "must be a list of values." : "must be a list of two values, low and high.");
                var count = value.GetArrayLength();
                if (op == RuleOperator.In && count is 0 or > MaxListValues)
                    return Fail(valuePath, $"must hold 1 to {MaxListValues} values.");
                if (op == RuleOperator.Between && count != 2)
                    return Fail(valuePath, "must be a list of two values, low and high.");
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Value(item, coordinate, $"{valuePath}[{index++}]") is { } one)
                        values.Add(one);
                }
                if (values.Count != count)
                    return null;
                if (op == RuleOperator.Between && (double)values[0] > (double)values[1])
                    return Fail(valuePath, "the low value comes first.");
            }
            else if (Value(value, coordinate, valuePath) is { } one)
            {
                values.Add(one);
            }
            else
            {
                return null;
            }
            return new RuleCondition(path, coordinate, metricKey, op, values);
        }

        private object? Value(JsonElement value, SegmentCoordinate coordinate, string path)
        {
            switch (coordinate.Kind)
            {
                case CoordinateKind.Number:
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
                        return Fail(path, $"{coordinate.Name} is a number: write it as a JSON number, not {Describe(value)}.");
                    if (coordinate.WholeNumbers && number != Math.Floor(number))
                        return Fail(path, $"{coordinate.Name} counts whole numbers, not {number.ToString(CultureInfo.InvariantCulture)}.");
                    return number;
                case CoordinateKind.Flag:
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        return Fail(path, $"{coordinate.Name} is yes or no: true or false, not {Describe(value)}.");
                    return value.GetBoolean();
                default:
                    if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
                        return Fail(path, $"{coordinate.Name} is text: write a string, not {Describe(value)}.");
                    var text = value.GetString()!.Trim();
                    if (text.Length > MaxTextLength)
                        return Fail(path, $"is longer than {MaxTextLength} characters.");
                    if (coordinate.Choices is { } choices)
                    {
                        var canonical = choices.FirstOrDefault(c => string.Equals(Simplified(c), Simplified(text), StringComparison.OrdinalIgnoreCase));
                        if (canonical is null)
                            return Fail(path, $"'{text}' is not a {coordinate.Name} (one of {string.Join(", ", choices)}).");
                        return canonical;
                    }
                    return text;
            }
        }

        // "churn-risk", "ChurnRisk" and "churnRisk" name one stage; "self-serve" keeps its hyphen as a plan key.
        private static string Simplified(string choice) => choice.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => $"the text \"{value.GetString()}\"",
            JsonValueKind.Number => $"the number {value.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "a list",
            _ => "an object",
        };

        private SegmentRuleNode? Fail(string path, string message)
        {
            Errors.Add(new RuleError(path, message));
            return null;
        }
    }
}
