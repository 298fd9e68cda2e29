using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>Every error the API gives is RFC 9457 problem details that names the field at fault.</summary>
public static class ProblemDetailsSetup
{
    /// <summary>A 400 listing each field error under <c>errors</c>, keyed by the field's JSON path.</summary>
    public static ValidationProblemDetails Validation(IEnumerable<FieldError> errors, string? detail = null)
    {
        var grouped = errors.ToErrorDictionary();
        return new ValidationProblemDetails(grouped)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = detail ?? string.Join(" ", grouped.Select(g => $"{g.Key}: {string.Join(" ", g.Value)}")),
        };
    }

    /// <summary>What every JSON endpoint answers for an empty body, <c>null</c>, or a body that is not an object.</summary>
    public static readonly FieldError BodyRequired = new(BodyField, "The request body must be a JSON object.");

    public const string BodyField = "body";

    /// <summary>MVC's model-state errors, with the "$." prefix of JSON paths removed and names camel-cased.</summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        // The body parameter's C# name ("submission", "input") means nothing to a caller: errors on it are the body's.
        var bodyParameters = context.ActionDescriptor.Parameters
            .Where(p => p.BindingInfo?.BindingSource == BindingSource.Body)
            .Select(p => p.BindingInfo?.BinderModelName ?? p.Name)
            .ToHashSet(StringComparer.Ordinal);
        // Malformed JSON also leaves MVC's "the parameter is required" on the parameter itself; the JSON error
        // (keyed by its "$" path) already names the field and the reason, so the second message is only noise.
        var hasJsonError = context.ModelState.Any(entry => entry.Key.StartsWith('$') && entry.Value is { Errors.Count: > 0 });
        var errors = context.ModelState
            .Where(entry => entry.Value is { Errors.Count: > 0 })
            .Where(entry => !hasJsonError || entry.Key.StartsWith('$'))
            .SelectMany(entry => entry.Value!.Errors.Select(error => FieldError(entry.Key, error.ErrorMessage, bodyParameters)))
            .Distinct()
            .ToList();
        return new BadRequestObjectResult(Validation(errors)) { ContentTypes = { "application/problem+json" } };
    }

    private static FieldError FieldError(string key, string message, HashSet<string> bodyParameters)
    {
        // "$.contact.email" → "contact.email"; an array body's "$[2].amount" → "[2].amount".
        var name = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key.StartsWith("$[", StringComparison.Ordinal) ? key[1..] : key;
        if (name is "$" or "" || bodyParameters.Contains(name))
        {
            // An empty or null body gets MVC's "A non-empty request body is required." and the implicit [Required]'s
            // "The submission field is required."; both mean the same, said once in the caller's terms.
            var wrongType = message.StartsWith(WrongJsonType, StringComparison.Ordinal);
            return wrongType || message.Contains(" field is required", StringComparison.Ordinal) || message.Contains("request body is required", StringComparison.Ordinal)
                ? BodyRequired
                : new(BodyField, Clean(message));
        }
        return new(
            string.Join('.', name.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName)),
            string.IsNullOrEmpty(message) ? "The value is not valid." : Clean(message));
    }

    private const string WrongJsonType = "The JSON value could not be converted to ";

    // System.Text.Json messages end with "Path: $.x | LineNumber: 0 | ..." (the field is already named) and speak
    // of .NET types, which mean nothing to an integrator: say what JSON was expected instead.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? message[..cut] : message;
        if (!text.StartsWith(WrongJsonType, StringComparison.Ordinal))
            return text;
        var type = text[WrongJsonType.Length..].TrimEnd('.');
        var expected = type switch
        {
            _ when type.Contains("System.String", StringComparison.Ordinal) => "a JSON string",
            _ when type.Contains("DateTime", StringComparison.Ordinal) => "an ISO 8601 date and time string, e.g. \"2026-11-20T08:30:00Z\"",
            _ when type.Contains("System.Int", StringComparison.Ordinal) => "a whole number",
            _ when type.Contains("System.Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("System.Decimal", StringComparison.Ordinal) || type.Contains("System.Double", StringComparison.Ordinal) => "a number",
            _ when type.Contains("JsonElement", StringComparison.Ordinal) => "a JSON object",
            _ when type.Contains("List", StringComparison.Ordinal) || type.Contains("[]", StringComparison.Ordinal) => "a JSON array",
            _ => "a JSON object",
        };
        return $"The value has the wrong JSON type: expected {expected}.";
    }
}

/// <summary>
/// Turns the exceptions that mean the request itself is bad into problem details, never a 500: Kestrel's bad-request
/// exceptions (body too large, malformed framing), and a typed value holding U+0000 that reached PostgreSQL, which
/// refuses the character (intake and the searches keep it away; this covers every other text a request carries).
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.",
                Detail = bad.Message,
                Extensions = { ["field"] = "body" },
            },
            _ when VoiceOfCustomer.Data.UnstorableText.IsCause(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
                Detail = "A value in the request holds the character U+0000 (NUL), which cannot be stored or searched for; remove it and try again.",
            },
            _ => null,
        };
        if (problem is null || context.Response.HasStarted)
            return false;
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }
}

internal static class FieldErrorExtensions
{
    /// <summary>Messages keyed by field, as problem details' <c>errors</c> and the batch results carry them.</summary>
    public static Dictionary<string, string[]> ToErrorDictionary(this IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
}
