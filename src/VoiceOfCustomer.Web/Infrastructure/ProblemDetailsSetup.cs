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
        var grouped = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return new ValidationProblemDetails(grouped)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid.",
            Detail = detail ?? string.Join(" ", grouped.Select(g => $"{g.Key}: {string.Join(" ", g.Value)}")),
        };
    }

    /// <summary>MVC's model-state errors, with the "$." prefix of JSON paths removed and names camel-cased.</summary>
    public static IActionResult InvalidModelState(ActionContext context)
    {
        var errors = context.ModelState
            .Where(entry => entry.Value is { Errors.Count: > 0 })
            .SelectMany(entry => entry.Value!.Errors.Select(error => new FieldError(
                FieldName(entry.Key),
                string.IsNullOrEmpty(error.ErrorMessage) ? "The value is not valid." : Clean(error.ErrorMessage))))
            .ToList();
        return new BadRequestObjectResult(Validation(errors)) { ContentTypes = { "application/problem+json" } };
    }

    private static string FieldName(string key)
    {
        var name = key.StartsWith("$.", StringComparison.Ordinal) ? key[2..] : key;
        if (name is "$" or "" or "request" or "submission" or "submissions")
            return "body";
        return string.Join('.', name.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
    }

    // System.Text.Json messages end with "Path: $.x | LineNumber: 0 | ..."; the field is already named.
    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>Turns Kestrel's bad-request exceptions (body too large, malformed framing) into problem details, never a 500.</summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.",
                Detail = bad.Message,
                Extensions = { ["field"] = "body" },
            },
        });
    }
}

internal static class ModelStateExtensions
{
    public static void AddFieldErrors(this ModelStateDictionary modelState, IEnumerable<FieldError> errors)
    {
        foreach (var error in errors)
            modelState.AddModelError(error.Field, error.Message);
    }
}
