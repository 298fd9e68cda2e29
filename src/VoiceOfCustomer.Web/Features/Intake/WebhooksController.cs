using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// Generic JSON webhook: the payload is mapped to a <see cref="FeedbackSubmission"/> by the source's
/// <see cref="WebhookSourceOptions"/> and stored like <c>POST /api/feedback</c> (idempotent per external id).
/// </summary>
[ApiController]
[Route("api/webhooks")]
[Tags("Webhooks")]
[IgnoreAntiforgeryToken]
[RequestBodyLimit]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
[ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
public sealed class WebhooksController(FeedbackIntakeService intake, IOptionsMonitor<WebhookOptions> options) : ControllerBase
{
    public const string SignatureHeader = "X-Webhook-Signature";
    private const string SignaturePrefix = "sha256=";

    /// <summary>Receive a webhook from a configured source</summary>
    /// <remarks>
    /// Any JSON document from a tool that cannot be taught our format (a helpdesk, a survey tool, a forum). The
    /// source's field map (<c>Intake:Webhooks:Sources:{source}</c>, see docs/api.md) says where each of our fields is in
    /// the payload; the voice is then stored like <c>POST /api/feedback</c>: 201 the first time, 200 with the same id for
    /// a redelivery. Scope <c>intake</c>.
    /// </remarks>
    /// <param name="source">The configured source's name, e.g. <c>helpdesk</c>.</param>
    /// <param name="cancellationToken">Aborted with the request.</param>
    /// <response code="201">Stored; <c>Location</c> is the item's path.</response>
    /// <response code="200">Delivered before: the stored item, unchanged.</response>
    /// <response code="400">A mapped path is missing from the payload or holds the wrong kind of value (named by our field), or the body is not a JSON object.</response>
    /// <response code="401">No or a wrong API key, or the source has a secret and the signature is missing or wrong.</response>
    /// <response code="404">No such source is configured.</response>
    /// <response code="413">The body is larger than <c>Web:MaxRequestBodyBytes</c> (1 MB).</response>
    [HttpPost("{source}")]
    [Authorize(Policy = AuthorizationPolicies.Intake)]
    [Consumes("application/json")]
    [ProducesResponseType<FeedbackItemSummary>(StatusCodes.Status201Created)]
    [ProducesResponseType<FeedbackItemSummary>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    public async Task<IActionResult> Receive(string source, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Find(source) is not { } found)
            return Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown webhook source.",
                detail: $"No webhook source '{source}' is configured under {WebhookOptions.SectionName}:Sources.");
        var config = found.Options;

        // The signature covers the exact bytes sent, so the body is read raw rather than model-bound.
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await Request.Body.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }

        if (!string.IsNullOrEmpty(config.Secret) && !SignatureMatches(body, config.Secret, Request.Headers[SignatureHeader].ToString()))
            return Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook signature missing or wrong.",
                detail: $"Send {SignatureHeader}: sha256=<hex HMAC-SHA256 of the raw body, keyed with the source's secret>.");

        if (body.Length == 0)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body);
            payload = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return IntakeResponses.ValidationFailed([new(ProblemDetailsSetup.BodyField, $"The body is not valid JSON: {exception.Message}")]);
        }
        if (payload.ValueKind != JsonValueKind.Object)
            return IntakeResponses.ValidationFailed([ProblemDetailsSetup.BodyRequired]);

        var (submission, errors) = WebhookPayloadMapper.Map(payload, found.Name, config);
        if (submission is null)
            return IntakeResponses.ValidationFailed(errors);

        var result = await intake.SubmitAsync(submission, cancellationToken);
        return IntakeResponses.ToActionResult(this, result);
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        SignaturePrefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static bool SignatureMatches(byte[] body, string secret, string header)
    {
        if (!header.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase))
            return false;
        byte[] sent;
        try
        {
            sent = Convert.FromHexString(header.AsSpan(SignaturePrefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, sent);
    }
}
