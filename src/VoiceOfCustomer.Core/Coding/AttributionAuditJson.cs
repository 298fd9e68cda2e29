using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Coding;

/// <summary>
/// The audit trail's before/after snapshots (and the domain events' data) as JSON: camelCase keys and kebab enum
/// values, like the rest of the API. Rows written before that spelled both in PascalCase (<c>"State": "Draft"</c>);
/// <see cref="Normalize(string?)"/> reads either, so every reader sees one spelling.
/// </summary>
public static class AttributionAuditJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { EnumNames.Converter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The snapshot keys whose values are enum names (attribution state, impact direction, value map, voice role, item status).
    private static readonly HashSet<string> EnumKeys = new(StringComparer.Ordinal) { "state", "direction", "valueDimension", "voiceRole", "status" };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>A stored snapshot with camelCase keys and kebab enum values, whichever spelling it was stored in; null stays null.</summary>
    public static JsonNode? Normalize(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        return Normalize(JsonNode.Parse(json), key: null);
    }

    private static JsonNode? Normalize(JsonNode? node, string? key) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p =>
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(p.Key);
            return KeyValuePair.Create(name, Normalize(p.Value, name));
        })),
        JsonArray array => new JsonArray([.. array.Select(item => Normalize(item, key))]),
        JsonValue value when key is not null && EnumKeys.Contains(key) && value.TryGetValue<string>(out var text) => JsonValue.Create(EnumNames.Policy.ConvertName(text)),
        _ => node?.DeepClone(),
    };
}
