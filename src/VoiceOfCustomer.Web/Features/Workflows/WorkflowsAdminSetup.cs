namespace VoiceOfCustomer.Web.Features.Workflows;

public static class WorkflowsAdminSetup
{
    /// <summary>The operations pages' queries; retry and cancel (<c>WorkflowOperations</c>) come with the workflow runtime.</summary>
    public static IServiceCollection AddWorkflowsAdmin(this IServiceCollection services)
    {
        services.AddScoped<WorkflowAdminQueries>();
        return services;
    }
}
