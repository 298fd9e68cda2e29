using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// Generic JSON webhooks: <c>POST /api/webhooks/{source}</c>, one entry per source under
/// <c>Intake:Webhooks:Sources:{source}</c>. See docs/api.md for examples.
/// </summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Intake:Webhooks";

    /// <summary>Keyed by the <c>{source}</c> route value (case-insensitive).</summary>
    public Dictionary<string, WebhookSourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public (string Name, WebhookSourceOptions Options)? Find(string source)
    {
        foreach (var (name, options) in Sources)
        {
            if (string.Equals(name, source, StringComparison.OrdinalIgnoreCase))
                return (name, options);
        }
        return null;
    }
}

public sealed class WebhookSourceOptions
{
    /// <summary>Key of the channel every voice from this source is stored under.</summary>
    public string Channel { get; set; } = "";

    /// <summary>
    /// Our field (see <see cref="WebhookFields.All"/>) → dot path into the payload, e.g. <c>ticket.id</c> or
    /// <c>data.attributes.body</c>; a numeric segment indexes an array (<c>comments.0.body</c>). A path ending in
    /// <c>?</c> is optional; any other mapped path that is missing from a payload makes the request a 400.
    /// </summary>
    public Dictionary<string, string> Fields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How the payload writes <c>receivedAt</c>: <c>iso-8601</c> (a string such as <c>2026-11-21T08:02:00Z</c>),
    /// <c>unix-seconds</c> or <c>unix-milliseconds</c> (a JSON number; an ISO 8601 string is still read). Unset means
    /// <c>unix-seconds</c>, what a number meant before the setting existed, except that no number is ever taken for
    /// milliseconds because it is large: a source that sends milliseconds must say so.
    /// </summary>
    public string? ReceivedAtFormat { get; set; }

    /// <summary>Payload paths copied into the item's metadata (keyed by the path); missing ones are skipped.</summary>
    public List<string> Metadata { get; set; } = [];

    /// <summary>
    /// When set, requests must carry <c>X-Webhook-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>.
    /// Keep it out of appsettings.json (user secrets or the environment).
    /// </summary>
    public string? Secret { get; set; }
}

/// <summary>The values of <see cref="WebhookSourceOptions.ReceivedAtFormat"/>.</summary>
public enum WebhookTimeFormat
{
    Iso8601,
    UnixSeconds,
    UnixMilliseconds,
}

public static class WebhookTimeFormats
{
    public const string Iso8601 = "iso-8601";
    public const string UnixSeconds = "unix-seconds";
    public const string UnixMilliseconds = "unix-milliseconds";

    public static readonly IReadOnlyList<string> All = [Iso8601, UnixSeconds, UnixMilliseconds];

    /// <summary>The configured value (case-insensitive; unset is <see cref="WebhookTimeFormat.UnixSeconds"/>); null when unknown.</summary>
    public static WebhookTimeFormat? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or UnixSeconds => WebhookTimeFormat.UnixSeconds,
        Iso8601 => WebhookTimeFormat.Iso8601,
        UnixMilliseconds => WebhookTimeFormat.UnixMilliseconds,
        _ => null,
    };

    public static string Name(WebhookTimeFormat format) => format switch
    {
        WebhookTimeFormat.Iso8601 => Iso8601,
        WebhookTimeFormat.UnixMilliseconds => UnixMilliseconds,
        _ => UnixSeconds,
    };
}

public static class WebhookFields
{
    public const string ExternalId = "externalId";
    public const string Customer = "customer";
    public const string Verbatim = "verbatim";
    public const string ReceivedAt = "receivedAt";
    public const string Language = "language";
    public const string ContactName = "contact.name";
    public const string ContactEmail = "contact.email";
    public const string ContactRole = "contact.role";

    public static readonly IReadOnlyList<string> All = [ExternalId, Customer, Verbatim, ReceivedAt, Language, ContactName, ContactEmail, ContactRole];
    public static readonly IReadOnlyList<string> Required = [Customer, Verbatim];
}

/// <summary>A misconfigured source stops the app at start-up rather than failing every delivery later.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        foreach (var (source, config) in options.Sources)
        {
            var prefix = $"{WebhookOptions.SectionName}:Sources:{source}";
            if (string.IsNullOrWhiteSpace(config.Channel))
                failures.Add($"{prefix}:Channel is required.");
            foreach (var (field, path) in config.Fields)
            {
                if (!WebhookFields.All.Contains(field, StringComparer.OrdinalIgnoreCase))
                    failures.Add($"{prefix}:Fields:{field} is not a known field; use one of {string.Join(", ", WebhookFields.All)}.");
                if (string.IsNullOrWhiteSpace(path.TrimEnd('?')))
                    failures.Add($"{prefix}:Fields:{field} needs a payload path.");
            }
            foreach (var required in WebhookFields.Required.Where(r => !config.Fields.Keys.Contains(r, StringComparer.OrdinalIgnoreCase)))
                failures.Add($"{prefix}:Fields:{required} must be mapped.");
            if (WebhookTimeFormats.Parse(config.ReceivedAtFormat) is null)
                failures.Add($"{prefix}:ReceivedAtFormat '{config.ReceivedAtFormat}' is not known; use one of {string.Join(", ", WebhookTimeFormats.All)}.");
            if (config.Metadata.Any(string.IsNullOrWhiteSpace))
                failures.Add($"{prefix}:Metadata holds an empty path.");
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
