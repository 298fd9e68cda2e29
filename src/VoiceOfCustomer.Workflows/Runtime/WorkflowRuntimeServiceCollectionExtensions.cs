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
