using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceOfCustomer.Coding;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>The offered codes of one field: taxonomy entries that are neither archived nor merged, by key.</summary>
public sealed record LlmTaxonomy(IReadOnlyDictionary<SuggestionField, IReadOnlyList<TaxonomyEntryText>> Entries)
{
    public IReadOnlyList<TaxonomyEntryText> Of(SuggestionField field) => Entries.TryGetValue(field, out var list) ? list : [];
}

/// <summary>
/// An LLM answer that passed validation: field → taxonomy key (value-dimension name), Tags a list of keys.
/// <see cref="ToJson"/> is the format stored in <see cref="LlmSuggestionRecord.AnswerJson"/>.
/// </summary>
public sealed record LlmAnswer(IReadOnlyDictionary<SuggestionField, string> Codes, IReadOnlyList<string> Tags)
{
    private static readonly SuggestionField[] SingleFields =
        [SuggestionField.BusinessMetric, SuggestionField.CapabilityGap, SuggestionField.OwningDomain, SuggestionField.ValueDimension];

    /// <summary>A JSON object keyed by <see cref="SuggestionField"/> names, e.g. <c>{"BusinessMetric":"nps","Tags":["t1"]}</c>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var field in SingleFields)
            {
                if (Codes.TryGetValue(field, out var value))
                    writer.WriteString(field.ToString(), value);
            }
            if (Tags.Count > 0)
            {
                writer.WriteStartArray(nameof(SuggestionField.Tags));
                foreach (var tag in Tags)
                    writer.WriteStringValue(tag);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Validates a raw answer against the taxonomy: a JSON object (a ```json fence is tolerated) whose known fields name
    /// offered keys. Unknown fields are ignored; null or empty values mean "no opinion". Anything else is a reason to
    /// discard: the endpoint may ignore the schema it was sent, so nothing it returns is trusted.
    /// </summary>
    public static (LlmAnswer? Answer, LlmDiscard? Discard) Parse(string? text, LlmTaxonomy taxonomy)
    {
        var json = StripFence(text);
        if (string.IsNullOrWhiteSpace(json))
            return (null, LlmDiscard.NotJson("empty answer"));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            return (null, LlmDiscard.NotJson(e.Message));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (null, LlmDiscard.WrongShape($"not a JSON object but {document.RootElement.ValueKind}"));
            var codes = new Dictionary<SuggestionField, string>();
            var tags = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Enum.TryParse<SuggestionField>(property.Name, ignoreCase: true, out var field) || !Enum.IsDefined(field) || int.TryParse(property.Name, out _))
                    continue;
                var value = property.Value;
                if (field == SuggestionField.Tags)
                {
                    if (value.ValueKind == JsonValueKind.Null)
                        continue;
                    if (value.ValueKind != JsonValueKind.Array)
                        return (null, LlmDiscard.WrongShape($"Tags must be an array of keys, not {value.ValueKind}"));
                    foreach (var element in value.EnumerateArray())
                    {
                        if (element.ValueKind != JsonValueKind.String)
                            return (null, LlmDiscard.WrongShape($"Tags must hold keys (strings), not {element.ValueKind}"));
                        var key = Resolve(field, element.GetString()!, taxonomy);
                        if (key is null)
                            return (null, LlmDiscard.UnknownCode(field, Truncate(element.GetString()!)));
                        if (!tags.Contains(key, StringComparer.Ordinal))
                            tags.Add(key);
                    }
                    continue;
                }
                if (value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString())))
                    continue;
                if (value.ValueKind != JsonValueKind.String)
                    return (null, LlmDiscard.WrongShape($"{field} must be a key (string), not {value.ValueKind}"));
                var resolved = Resolve(field, value.GetString()!, taxonomy);
                if (resolved is null)
                    return (null, LlmDiscard.UnknownCode(field, Truncate(value.GetString()!)));
                codes[field] = resolved;
            }
            if (codes.Count == 0 && tags.Count == 0)
                return (null, LlmDiscard.WrongShape("the answer names no code"));
            return (new LlmAnswer(codes, tags), null);
        }
    }

    /// <summary>
    /// The answer's JSON schema for this taxonomy, as OpenAI's structured outputs take it (strict: every property
    /// required, nothing else allowed): each field null or one offered key, Tags an array of offered keys. A field with
    /// nothing offered is left out. Past <see cref="MaxSchemaEnumValues"/> keys the enums are dropped (OpenAI refuses
    /// larger schemas) and the prompt's lists and <see cref="Parse"/> alone keep the answer on the taxonomy.
    /// </summary>
    public static JsonObject Schema(LlmTaxonomy taxonomy)
    {
        var keys = SingleFields.Append(SuggestionField.Tags).ToDictionary(field => field, field => OfferedKeys(field, taxonomy));
        var withEnums = keys.Values.Sum(list => list.Count) <= MaxSchemaEnumValues;
        var properties = new JsonObject();
        foreach (var (field, offered) in keys.Where(pair => pair.Value.Count > 0))
        {
            var key = new JsonObject { ["type"] = "string" };
            if (withEnums)
                key["enum"] = new JsonArray(offered.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray());
            if (field == SuggestionField.Tags)
            {
                properties[field.ToString()] = new JsonObject { ["type"] = "array", ["items"] = key };
                continue;
            }
            key["type"] = new JsonArray("string", "null");
            if (withEnums)
                key["enum"]!.AsArray().Add(null);
            properties[field.ToString()] = key;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(properties.Select(p => (JsonNode?)JsonValue.Create(p.Key)).ToArray()),
            ["additionalProperties"] = false,
        };
    }

    /// <summary>OpenAI's structured outputs take at most 1,000 enum values in one schema.</summary>
    internal const int MaxSchemaEnumValues = 1000;

    private static IReadOnlyList<string> OfferedKeys(SuggestionField field, LlmTaxonomy taxonomy) =>
        field == SuggestionField.ValueDimension ? Enum.GetNames<ValueDimension>() : taxonomy.Of(field).Select(e => e.Key).ToList();

    /// <summary>The canonical key (or value-dimension name) for <paramref name="value"/>, or null when it is not offered.</summary>
    private static string? Resolve(SuggestionField field, string value, LlmTaxonomy taxonomy)
    {
        var trimmed = value.Trim();
        if (field == SuggestionField.ValueDimension)
            return Enum.TryParse<ValueDimension>(trimmed, ignoreCase: true, out var dimension) && Enum.IsDefined(dimension) && !int.TryParse(trimmed, out _)
                ? dimension.ToString()
                : null;
        return taxonomy.Of(field).FirstOrDefault(e => string.Equals(e.Key, trimmed, StringComparison.OrdinalIgnoreCase))?.Key;
    }

    private static string? StripFence(string? text)
    {
        var trimmed = text?.Trim();
        if (trimmed is null || !trimmed.StartsWith("```", StringComparison.Ordinal))
            return trimmed;
        var firstLineEnd = trimmed.IndexOf('\n', StringComparison.Ordinal);
        if (firstLineEnd < 0)
            return trimmed;
        var body = trimmed[(firstLineEnd + 1)..];
        var close = body.LastIndexOf("```", StringComparison.Ordinal);
        return (close >= 0 ? body[..close] : body).Trim();
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
