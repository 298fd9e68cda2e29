using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.Web.Features.CustomersApi;

/// <summary>
/// A body that is one object or an array of them. An array is all-or-nothing: one bad element refuses the call and
/// errors are named with the element's index (<c>[2].amount</c>); a single object's errors by the field alone.
/// </summary>
[JsonConverter(typeof(OneOrManyConverterFactory))]
public sealed class OneOrMany<T>(IReadOnlyList<T> items, bool isArray)
{
    public IReadOnlyList<T> Items { get; } = items;
    public bool IsArray { get; } = isArray;

    /// <summary>"amount" for a single object, "[2].amount" for the third element of an array.</summary>
    public string Field(int index, string field) => IsArray ? $"[{index}].{field}" : field;
}

internal sealed class OneOrManyConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(OneOrMany<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OneOrManyConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class OneOrManyConverter<T> : JsonConverter<OneOrMany<T>>
{
    public override OneOrMany<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.StartObject => new([JsonSerializer.Deserialize<T>(ref reader, options)!], isArray: false),
        // An element that is not an object fails as the wrong type at its own path ("$[1]").
        JsonTokenType.StartArray => new(JsonSerializer.Deserialize<List<T>>(ref reader, options)!, isArray: true),
        _ => throw new JsonException(),
    };

    public override void Write(Utf8JsonWriter writer, OneOrMany<T> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.IsArray ? (object)value.Items : value.Items[0], options);
}
