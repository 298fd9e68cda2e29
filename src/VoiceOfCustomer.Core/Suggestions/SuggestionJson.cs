using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// The one JSON shape of the suggestion records (<see cref="SuggestionModelRecord.EvaluationJson"/> and the like): web
/// defaults (camelCase) with enums as names, so the trainer that writes and the admin page that reads always agree.
/// </summary>
public static class SuggestionJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerOptions.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
