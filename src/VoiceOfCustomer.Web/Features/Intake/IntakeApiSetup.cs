using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Features.Intake;

public static class IntakeApiSetup
{
    public static IServiceCollection AddIntakeApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        // AddOpenApi() registers the "v1" document's options by name; this adds to them.
        services.Configure<OpenApiOptions>("v1", options => options
            .AddDocumentTransformer<ApiKeySecuritySchemeTransformer>()
            .AddDocumentTransformer<ApiDocumentTransformer>()
            .AddOperationTransformer<ApiDocumentTransformer>()
            .AddOperationTransformer<WebhookOperationTransformer>()
            .AddSchemaTransformer<ApiSchemaTransformer>());
        return services;
    }
}
