using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Definitions;

public static class WorkflowDefinitionsServiceCollectionExtensions
{
    /// <summary>
    /// The definition files and their versions: <see cref="WorkflowDefinitionCatalog"/> (call its
    /// <c>InitializeAsync</c> at start-up, after migrations), the loader and the parameter resolver.
    /// Activities (<see cref="IWorkflowActivity"/>) and subject sources (<see cref="IWorkflowSubjectSource"/>)
    /// registered anywhere are what the definitions are checked against.
    /// </summary>
    public static IServiceCollection AddWorkflowDefinitions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkflowDefinitionLoader>();
        services.TryAddSingleton(provider => new WorkflowParameterResolver(provider.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<WorkflowDefinitionCatalog>();
        return services;
    }
}
