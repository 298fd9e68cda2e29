using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>Turns a source's JSON payload into a <see cref="FeedbackSubmission"/> following its configured field map.</summary>
public static class WebhookPayloadMapper
{
    /// <param name="sourceName">The source's configured name, for messages that point at its settings.</param>
    public static (FeedbackSubmission? Submission, List<FieldError> Errors) Map(JsonElement payload, string sourceName, WebhookSourceOptions source)
    {
        var errors = new List<FieldError>();
        var values = new Dictionary<string, (string Path, JsonElement Value)>(StringComparer.OrdinalIgnoreCase);
        foreach (var (configuredField, configuredPath) in source.Fields)
        {
            var field = WebhookFields.All.FirstOrDefault(f => string.Equals(f, configuredField, StringComparison.OrdinalIgnoreCase)) ?? configuredField;
            var optional = configuredPath.EndsWith('?');
            var path = configuredPath.TrimEnd('?');
            if (TryResolve(payload, path, out var value))
                values[field] = (path, value);
            else if (!optional)
                errors.Add(new(field, $"The payload has no value at '{path}', which is mapped to {field}."));
        }

        string? Text(string field)
        {
            if (!values.TryGetValue(field, out var mapped))
                return null;
            var value = mapped.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    if (FeedbackValidator.TryReadString(value, out var text))
                        return text;
                    errors.Add(new(field, FeedbackValidator.InvalidTextMessage($"The value at '{mapped.Path}'")));
                    return null;
                case JsonValueKind.Number:
                    return value.GetRawText();
                case JsonValueKind.True or JsonValueKind.False:
                    return value.GetRawText();
                case JsonValueKind.Null:
                    return null;
                default:
                    errors.Add(new(field, $"The value at '{mapped.Path}' must be a string or a number, not {value.ValueKind.ToString().ToLowerInvariant()}."));
                    return null;
            }
        }

        DateTimeOffset? ReceivedAt()
        {
            if (!values.TryGetValue(WebhookFields.ReceivedAt, out var mapped) || mapped.Value.ValueKind == JsonValueKind.Null)
                return null;
            var (path, value) = mapped;
            // The configuration is validated at start-up, so the format is always known here.
            var format = WebhookTimeFormats.Parse(source.ReceivedAtFormat) ?? WebhookTimeFormat.UnixSeconds;
            if (value.ValueKind == JsonValueKind.String && FeedbackValidator.TryReadString(value, out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return parsed;
            if (value.ValueKind == JsonValueKind.Number && format != WebhookTimeFormat.Iso8601)
            {
                // The unit is the source's, never guessed from the size of the number (a guess stored year 9999 as 1978).
                var unit = format == WebhookTimeFormat.UnixMilliseconds ? "milliseconds" : "seconds";
                if (!value.TryGetInt64(out var unix))
                {
                    errors.Add(new(WebhookFields.ReceivedAt, $"The value at '{path}' is not a whole number of {unit} since 1970-01-01 (Unix time)."));
                    return null;
                }
                var milliseconds = format == WebhookTimeFormat.UnixMilliseconds;
                var (min, max) = milliseconds ? (MinUnixSeconds * 1000, MaxUnixSeconds * 1000 + 999) : (MinUnixSeconds, MaxUnixSeconds);
                if (unix < min || unix > max)
                {
                    errors.Add(new(WebhookFields.ReceivedAt, $"The value at '{path}', {unix} Unix {unit}, is not a date of the calendar (years 1 to 9999)."));
                    return null;
                }
                return milliseconds ? DateTimeOffset.FromUnixTimeMilliseconds(unix) : DateTimeOffset.FromUnixTimeSeconds(unix);
            }
            var setting = $"{WebhookOptions.SectionName}:Sources:{sourceName}:ReceivedAtFormat";
            errors.Add(new(WebhookFields.ReceivedAt, value.ValueKind == JsonValueKind.Number
                ? $"The value at '{path}' is a number, but this source reads receivedAt as an ISO 8601 string ({setting} is {WebhookTimeFormats.Iso8601}); " +
                  $"for a Unix time set it to {WebhookTimeFormats.UnixSeconds} or {WebhookTimeFormats.UnixMilliseconds}."
                : $"The value at '{path}' is not an ISO 8601 date-time{(format == WebhookTimeFormat.Iso8601 ? "" : $" or a Unix time in {WebhookTimeFormats.Name(format)}")} ({setting})."));
            return null;
        }

        var contactName = Text(WebhookFields.ContactName);
        var contactEmail = Text(WebhookFields.ContactEmail);
        var contactRole = Text(WebhookFields.ContactRole);
        var submission = new FeedbackSubmission
        {
            Channel = source.Channel,
            ExternalId = Text(WebhookFields.ExternalId),
            Customer = Text(WebhookFields.Customer),
            Verbatim = Text(WebhookFields.Verbatim),
            ReceivedAt = ReceivedAt(),
            Language = Text(WebhookFields.Language),
            Contact = contactName is null && contactEmail is null
                ? null
                : new ContactSubmission { Name = contactName, Email = contactEmail, Role = contactRole },
            Metadata = CopyMetadata(payload, source.Metadata, errors),
        };
        return (errors.Count > 0 ? null : submission, errors);
    }

    /// <summary>Dot path; a numeric segment indexes an array.</summary>
    public static bool TryResolve(JsonElement root, string path, out JsonElement value)
    {
        value = root;
        foreach (var segment in path.Split('.'))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(segment, out var child))
                value = child;
            else if (value.ValueKind == JsonValueKind.Array
                && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < value.GetArrayLength())
                value = value[index];
            else
                return false;
        }
        return true;
    }

    private const long MinUnixSeconds = -62_135_596_800; // 0001-01-01
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59

    private static JsonElement? CopyMetadata(JsonElement payload, IReadOnlyList<string> paths, List<FieldError> errors)
    {
        if (paths.Count == 0)
            return null;
        var metadata = new JsonObject();
        foreach (var path in paths)
        {
            if (!TryResolve(payload, path, out var value))
                continue;
            // Copying reads the raw text, which throws on bytes that are not UTF-8: check first, and name the field.
            if (FeedbackValidator.FirstInvalidText(value, path) is { } invalid)
            {
                errors.Add(new("metadata", FeedbackValidator.InvalidTextMessage($"The value at '{invalid}'")));
                continue;
            }
            metadata[path] = JsonNode.Parse(value.GetRawText());
        }
        return metadata.Count == 0 ? null : JsonSerializer.SerializeToElement(metadata);
    }
}
