using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>Turns a source's JSON payload into a <see cref="FeedbackSubmission"/> following its configured field map.</summary>
public static class WebhookPayloadMapper
{
    public static (FeedbackSubmission? Submission, List<FieldError> Errors) Map(JsonElement payload, WebhookSourceOptions source)
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
                    return value.GetString();
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
            if (value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return parsed;
            // Unix time: seconds, or milliseconds when the number is too large to be seconds.
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var unix) && unix is > 0 and < 100_000_000_000_000)
                return unix < 100_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(unix) : DateTimeOffset.FromUnixTimeMilliseconds(unix);
            errors.Add(new(WebhookFields.ReceivedAt, $"The value at '{path}' is not an ISO 8601 date-time or a Unix time."));
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
            Metadata = CopyMetadata(payload, source.Metadata),
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

    private static JsonElement? CopyMetadata(JsonElement payload, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
            return null;
        var metadata = new JsonObject();
        foreach (var path in paths)
        {
            if (TryResolve(payload, path, out var value))
                metadata[path] = JsonNode.Parse(value.GetRawText());
        }
        return metadata.Count == 0 ? null : JsonSerializer.SerializeToElement(metadata);
    }
}
