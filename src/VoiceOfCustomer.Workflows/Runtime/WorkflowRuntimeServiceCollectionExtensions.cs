using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VoiceOfCustomer.Workflows.Runtime;

public static class WorkflowRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// The engine and the dispatcher over <typeparamref name="TContext"/>. The dispatcher is registered as a
    /// singleton so tools and tests can run a pass on demand; the web app also runs it as a hosted service.
    /// </summary>
    public static IServiceCollection AddWorkflowRuntime<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWorkflowWriteGate, NoWriteGate>();
        services.TryAddSingleton<IWorkflowVersions, CatalogWorkflowVersions>();
        services.AddScoped<WorkflowEngine>();
        services.AddScoped<Flows.FlowEngine>();
        services.AddScoped<Flows.FlowStarter>();
        services.AddScoped<Flows.FlowSchedules>();
        services.AddScoped<Flows.WorkflowTasks>();
        services.AddScoped<Flows.WorkflowOperations>();
        services.AddSingleton<Flows.TaskMail>();
        services.AddSingleton<Flows.TaskLinks>();
        services.AddSingleton<Flows.IFlowActivity, Flows.RecordFlowActivity>();
        services.AddSingleton<Flows.IFlowActivity, Flows.SendEmailFlowActivity>();
        // Task links are signed with Data Protection: one application name, so the web app and the CLI read each other's links.
        services.AddDataProtection().SetApplicationName("VoiceOfCustomer");
        services.AddOptions<Flows.OrganisationOptions>().BindConfiguration(Flows.OrganisationOptions.SectionName)
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _),
                "Organisation:TimeZone is not a time zone this machine knows; use an IANA id such as Asia/Shanghai or Europe/Berlin.")
            .ValidateOnStart();
        services.AddOptions<Flows.FlowOptions>().BindConfiguration(Flows.FlowOptions.SectionName);
        services.AddSingleton<WorkflowDispatcher<TContext>>();
        return services;
    }

    private sealed class NoWriteGate : IWorkflowWriteGate
    {
        public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable>(Nothing.Instance);

        private sealed class Nothing : IDisposable
        {
            public static readonly Nothing Instance = new();
            public void Dispose() { }
        }
    }
}
