using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>One changed field of a history entry, as people read it: "Capability gap: — → 促销补货延迟".</summary>
public sealed record AuditChange(string Field, string Was, string Now);

/// <summary>
/// How one field of a stored before/after snapshot reads: its English label (a string-table key) and, when its value is
/// an id or an enum, how to turn it into words (given the value and the whole snapshot, for ids stored beside names).
/// </summary>
public sealed record ChangeField(string Label, Func<JsonElement, IReadOnlyDictionary<string, JsonElement>, string>? Format = null);

/// <summary>
/// Reads the before/after JSON that histories store into labelled changes, so no stored key or enum name reaches a page.
/// Keys match case-insensitively (snapshots written with PascalCase or camelCase keys read the same); a key the table
/// does not know is left out rather than shown raw.
/// </summary>
public static class ChangeSummary
{
    public const string None = "—";

    public static IReadOnlyList<AuditChange> Of(string? beforeJson, string? afterJson, IReadOnlyDictionary<string, ChangeField> fields, IStringLocalizer t)
    {
        var before = Read(beforeJson);
        var after = Read(afterJson);
        var changes = new List<AuditChange>();
        foreach (var key in before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase))
        {
            if (!fields.TryGetValue(key, out var field))
                continue;
            var was = before.TryGetValue(key, out var b) ? b.GetRawText() : "null";
            var now = after.TryGetValue(key, out var a) ? a.GetRawText() : "null";
            if (was != now)
                changes.Add(new AuditChange(t[field.Label], Shorten(Format(field, key, before)), Shorten(Format(field, key, after))));
        }
        return changes;
    }

    /// <summary>A field whose value is an enum name, shown as the enum's label.</summary>
    public static ChangeField Enum<TEnum>(string label, IStringLocalizer t) where TEnum : struct, Enum =>
        // Audit rows spell values as the C# name (older rows) or in kebab case (in-progress): both are the same value.
        new(label, (value, _) => System.Enum.TryParse<TEnum>(Text(value).Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) ? t.Label(parsed) : Text(value));

    /// <summary>A field whose value is an id, shown as the name it stands for (or "#id" when it is unknown).</summary>
    public static ChangeField Id(string label, Func<string, string?> name) =>
        new(label, (value, _) => name(Text(value)) ?? "#" + Text(value));

    public static Dictionary<string, JsonElement> Read(string? json)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(json))
            return values;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                foreach (var property in document.RootElement.EnumerateObject())
                    values[property.Name] = property.Value.Clone();
        }
        catch (JsonException)
        {
            // An entry that does not parse shows no changes rather than breaking the page.
        }
        return values;
    }

    /// <summary>A string as it is, anything else as its JSON text.</summary>
    public static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() ?? None : value.ToString();

    public static int? IntOf(IReadOnlyDictionary<string, JsonElement> values, string key) =>
        values.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var id) ? id : null;

    public static List<int> IntsOf(IReadOnlyDictionary<string, JsonElement> values, string key) =>
        values.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetInt32()).ToList()
            : [];

    private static string Format(ChangeField field, string key, Dictionary<string, JsonElement> values)
    {
        if (!values.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
            return None;
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
            return None;
        return field.Format is { } format ? format(value, values) : Text(value);
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
