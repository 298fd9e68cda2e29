using Microsoft.AspNetCore.Mvc;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>How every intake entry point (single, webhook) answers, so they cannot drift apart.</summary>
internal static class IntakeResponses
{
    public static IActionResult ToActionResult(ControllerBase controller, IntakeResult result) => result.Outcome switch
    {
        // A path, as the docs show it: the caller already knows the host it called (and a proxy may rewrite it).
        IntakeOutcome.Created => controller.Created(
            controller.Url.Action(nameof(FeedbackApiController.Get), "FeedbackApi", new { id = result.Item!.Id }), result.Item),
        IntakeOutcome.AlreadyExists => controller.Ok(result.Item),
        _ => ValidationFailed(result.Errors),
    };

    public static BadRequestObjectResult ValidationFailed(IEnumerable<FieldError> errors) =>
        new(ProblemDetailsSetup.Validation(errors)) { ContentTypes = { "application/problem+json" } };

    /// <summary>"$.contact.email" → "contact.email"; the root → "item".</summary>
    public static string FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return "item";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
