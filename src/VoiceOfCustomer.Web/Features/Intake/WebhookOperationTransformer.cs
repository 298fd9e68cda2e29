using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace VoiceOfCustomer.Web.Features.Intake;

/// <summary>
/// The webhook reads its body raw (the signature covers the exact bytes), so ApiExplorer cannot see it;
/// this describes the body and the signature header by hand.
/// </summary>
internal sealed class WebhookOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor is not ControllerActionDescriptor { ControllerTypeInfo: var type } || type.AsType() != typeof(WebhooksController))
            return Task.CompletedTask;

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Any JSON document; the source's field map says where each of our fields is.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
            },
        };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = WebhooksController.SignatureHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "sha256=<hex HMAC-SHA256 of the raw body>; required when the source has a Secret.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }
}
