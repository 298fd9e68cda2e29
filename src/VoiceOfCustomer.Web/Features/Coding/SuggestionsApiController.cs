using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Coding;

/// <summary>One value proposed for a field: a taxonomy key (or value-dimension name) and its calibrated confidence when known.</summary>
public sealed record SuggestedValueResponse(string Value, double? Confidence);

/// <summary>A field's suggestion: ranked values (best first), or the reason the model abstained.</summary>
public sealed record FieldSuggestionResponse(SuggestionField Field, SuggestionSource Source, int ModelVersion, IReadOnlyList<SuggestedValueResponse> Values, AbstainReason? Abstained);

/// <summary>
/// The coding form's suggestions for integrations. Reading them records them as shown to the caller (once per
/// item, field, source and model version), so the later submission scores them: hence the coding scope.
/// </summary>
[ApiController]
[Route("api/feedback/{id:long}")]
[Tags("Coding")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
public sealed class SuggestionsApiController(SuggestionService suggestions) : ControllerBase
{
    /// <summary>Suggest codes for an item</summary>
    /// <remarks>
    /// The local suggester's ranked values for each field (business metric, capability gap and owning domain by
    /// taxonomy key, value dimension as <c>valueDimension</c> takes it, tags), each with its calibrated confidence when
    /// known, or why it abstained. Reading them records them as shown, so the later submission scores them: hence
    /// scope <c>coding</c>. An empty list while no model exists or suggestions are switched off.
    /// </remarks>
    /// <param name="id">The item's id.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="200">One entry per field.</response>
    /// <response code="404">There is no item with this id.</response>
    [HttpGet("suggestions")]
    [Authorize(Policy = AuthorizationPolicies.Coding)]
    [ProducesResponseType<IReadOnlyList<FieldSuggestionResponse>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(long id, CancellationToken cancellationToken)
    {
        var shown = await suggestions.SuggestForItemAsync(id, User.FindFirstValue(ClaimTypes.NameIdentifier), cancellationToken);
        if (shown is null)
            return Problem(statusCode: StatusCodes.Status404NotFound, title: "Feedback not found.", detail: $"There is no feedback item with id {id}.");
        return Ok(shown.Select(s => new FieldSuggestionResponse(s.Field, s.Source, s.ModelVersion,
            s.Ranked.Select(v => new SuggestedValueResponse(ApiValue(s.Field, v.Value), v.Confidence)).ToList(), s.Abstained)).ToList());
    }

    // A value dimension is suggested by its C# name; the attribution's valueDimension takes (and the API writes) kebab.
    private static string ApiValue(SuggestionField field, string value) =>
        field == SuggestionField.ValueDimension && EnumNames.Parse<ValueDimension>(value) is { } dimension ? EnumNames.Of(dimension) : value;
}
