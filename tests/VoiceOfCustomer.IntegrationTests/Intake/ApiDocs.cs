using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>A fenced code block of docs/api.md: its language and text, and the line its fence opens on.</summary>
public sealed record FencedBlock(int Line, string Language, string Text);

/// <summary>An HTTP message as docs/api.md shows it: a start line, headers, a blank line and a body.</summary>
public sealed record DocumentedMessage(int Line, string StartLine, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public static DocumentedMessage Parse(FencedBlock block)
    {
        var lines = block.Text.Split('\n');
        var headers = new List<KeyValuePair<string, string>>();
        var index = 1;
        for (; index < lines.Length && lines[index].Trim().Length > 0; index++)
        {
            var colon = lines[index].IndexOf(':', StringComparison.Ordinal);
            headers.Add(KeyValuePair.Create(lines[index][..colon].Trim(), lines[index][(colon + 1)..].Trim()));
        }
        return new DocumentedMessage(block.Line, lines[0].Trim(), headers, string.Join('\n', lines.Skip(index)).Trim());
    }
}

/// <summary>A request example and the answer the docs promise for it.</summary>
public sealed record DocumentedExchange(DocumentedMessage Request, DocumentedMessage Response)
{
    public string Method => Request.StartLine.Split(' ')[0];
    public string Target => Request.StartLine.Split(' ')[1];
    public int Status => int.Parse(Response.StartLine.Split(' ')[1], CultureInfo.InvariantCulture);

    /// <summary>"POST /api/feedback/{id}/merge": the operation, as the OpenAPI document names it.</summary>
    public string Operation => $"{Method} {Regex.Replace(Regex.Replace(Target.Split('?')[0], "/[0-9]+(?=/|$)", "/{id}"), "^/api/customers/[^/]+", "/api/customers/{reference}").Replace("/webhooks/helpdesk", "/webhooks/{source}", StringComparison.Ordinal)}";

    public override string ToString() => $"docs/api.md line {Request.Line}: {Request.StartLine}";
}

/// <summary>Reads docs/api.md the way the examples are meant to be read (see the top of that page).</summary>
public static partial class ApiDocs
{
    public static readonly string Path = System.IO.Path.Combine("docs", "api.md");

    public static IReadOnlyList<FencedBlock> Blocks(string markdown)
    {
        var blocks = new List<FencedBlock>();
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
                continue;
            var start = i;
            var text = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                text.Append(lines[i]).Append('\n');
            blocks.Add(new FencedBlock(start + 1, fence.Groups[1].Value, text.ToString().TrimEnd()));
        }
        return blocks;
    }

    /// <summary>Every <c>http</c> request block, paired with the <c>http</c> answer block that must follow it.</summary>
    public static IReadOnlyList<DocumentedExchange> Exchanges(string markdown)
    {
        var http = Blocks(markdown).Where(b => b.Language == "http").Select(DocumentedMessage.Parse).ToList();
        var exchanges = new List<DocumentedExchange>();
        for (var i = 0; i < http.Count; i++)
        {
            Assert.False(http[i].StartLine.StartsWith("HTTP/", StringComparison.Ordinal), $"docs/api.md line {http[i].Line}: an answer without its request.");
            Assert.True(i + 1 < http.Count && http[i + 1].StartLine.StartsWith("HTTP/", StringComparison.Ordinal),
                $"docs/api.md line {http[i].Line}: the request {http[i].StartLine} has no http answer block after it.");
            exchanges.Add(new DocumentedExchange(http[i], http[++i]));
        }
        return exchanges;
    }

    /// <summary>The settings a <c>json</c> block that starts with <c>"Intake":</c> shows, as configuration keys.</summary>
    public static IDictionary<string, string?> IntakeSettings(string markdown)
    {
        var block = Blocks(markdown).Single(b => b.Language == "json" && b.Text.TrimStart().StartsWith("\"Intake\"", StringComparison.Ordinal));
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Flatten(JsonNode.Parse("{" + block.Text + "}"), "", settings);
        return settings;
    }

    private static void Flatten(JsonNode? node, string prefix, IDictionary<string, string?> settings)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                    Flatten(value, prefix.Length == 0 ? key : $"{prefix}:{key}", settings);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    Flatten(array[i], $"{prefix}:{i}", settings);
                break;
            default:
                settings[prefix] = node?.ToString();
                break;
        }
    }

    [GeneratedRegex("^```([a-z]*)\\s*$")]
    private static partial Regex Fence();
}

/// <summary>
/// Compares a documented JSON answer with the app's: every documented property must be there with the same value
/// (the answer may have more); <c>"..."</c> matches any string, and a last array element <c>"..."</c> any further
/// elements. Ids differ between the docs and a fresh database, so each documented id is mapped to the id the app
/// answered the first time it appears, and must stay that id everywhere after, requests included.
/// </summary>
public sealed partial class DocumentedIds
{
    public const string Any = "...";
    private readonly Dictionary<long, long> _ids = [];

    public static bool IsIdName(string? name) =>
        name is not null && (name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal) || name is "duplicateOf" or "tags");

    /// <summary>The app's id for a documented one (unchanged when it has not been seen yet).</summary>
    public long Actual(long documented) => _ids.GetValueOrDefault(documented, documented);

    /// <summary>A request target with its id path segments and id query values mapped.</summary>
    public string Target(string target) =>
        IdInTarget().Replace(target, m => m.Groups[1].Value + Actual(long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));

    /// <summary>A documented header value (a <c>Location</c> path) with its ids mapped.</summary>
    public string Header(string value) => Target(value);

    /// <summary>A request body with the numbers under id-like names mapped.</summary>
    public string Body(string json)
    {
        if (json.Length == 0)
            return json;
        var node = JsonNode.Parse(json);
        MapIds(node, null);
        return node!.ToJsonString();
    }

    private void MapIds(JsonNode? node, string? name)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (IsIdName(key) && value is JsonValue number && number.TryGetValue<long>(out var id))
                        obj[key] = Actual(id);
                    else
                        MapIds(value, key);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsIdName(name) && array[i] is JsonValue number && number.TryGetValue<long>(out var id))
                        array[i] = Actual(id);
                    else
                        MapIds(array[i], name);
                }
                break;
        }
    }

    /// <summary>Where the actual answer differs from the documented one; learns the ids it meets.</summary>
    public List<string> Differences(JsonElement documented, JsonElement actual, string path = "$", string? name = null)
    {
        var differences = new List<string>();
        Compare(documented, actual, path, name, differences);
        return differences;
    }

    private void Compare(JsonElement documented, JsonElement actual, string path, string? name, List<string> differences)
    {
        switch (documented.ValueKind)
        {
            case JsonValueKind.Object when actual.ValueKind == JsonValueKind.Object:
                foreach (var property in documented.EnumerateObject())
                {
                    if (actual.TryGetProperty(property.Name, out var value))
                        Compare(property.Value, value, $"{path}.{property.Name}", property.Name, differences);
                    else
                        differences.Add($"{path}.{property.Name} is documented but not in the answer");
                }
                break;
            case JsonValueKind.Array when actual.ValueKind == JsonValueKind.Array:
                var shown = documented.EnumerateArray().ToList();
                var more = shown.Count > 0 && shown[^1].ValueKind == JsonValueKind.String && shown[^1].GetString() == Any;
                if (more)
                    shown.RemoveAt(shown.Count - 1);
                var answered = actual.EnumerateArray().ToList();
                if (more ? answered.Count < shown.Count : answered.Count != shown.Count)
                    differences.Add($"{path} has {answered.Count} elements; the docs show {shown.Count}{(more ? " or more" : "")}");
                for (var i = 0; i < Math.Min(shown.Count, answered.Count); i++)
                    Compare(shown[i], answered[i], $"{path}[{i}]", name, differences);
                break;
            case JsonValueKind.String when documented.GetString() == Any:
                if (actual.ValueKind != JsonValueKind.String)
                    differences.Add($"{path} is {actual.ValueKind}; the docs show a string");
                break;
            case JsonValueKind.Number when IsIdName(name) && actual.ValueKind == JsonValueKind.Number:
                var doc = documented.GetInt64();
                var app = actual.GetInt64();
                if (_ids.TryGetValue(doc, out var known) && known != app)
                    differences.Add($"{path} is {app}; the docs' id {doc} stood for {known} before");
                _ids.TryAdd(doc, app);
                break;
            case JsonValueKind.Number when actual.ValueKind == JsonValueKind.Number:
                if (documented.GetDecimal() != actual.GetDecimal())
                    differences.Add($"{path} is {actual.GetRawText()}; the docs show {documented.GetRawText()}");
                break;
            case JsonValueKind.String when actual.ValueKind == JsonValueKind.String:
                // Messages name items as "#1042".
                var expected = ItemReference().Replace(documented.GetString()!, m => "#" + Actual(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));
                if (expected != actual.GetString())
                    differences.Add($"{path} is {actual.GetRawText()}; the docs show {documented.GetRawText()}");
                break;
            default:
                if (documented.ValueKind != actual.ValueKind || !JsonElement.DeepEquals(documented, actual))
                    differences.Add($"{path} is {actual.GetRawText()}; the docs show {documented.GetRawText()}");
                break;
        }
    }

    [GeneratedRegex("((?:/|[?&][A-Za-z]*Id=))([0-9]+)(?=/|&|$)")]
    private static partial Regex IdInTarget();

    [GeneratedRegex("#([0-9]+)")]
    private static partial Regex ItemReference();
}
