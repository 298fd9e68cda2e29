using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Sla;

public static class SlaServiceCollectionExtensions
{
    /// <summary>The attribution SLA: the workflow runtime over the one DbContext, feedback items as its subjects, and the SLA activities.</summary>
    public static IServiceCollection AddVocSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EscalationOptions>().Bind(configuration.GetSection(EscalationOptions.SectionName));
        services.AddSingleton<IWorkflowWriteGate, WriteGateForWorkflows>();
        services.AddWorkflowRuntime<VocDbContext>();
        services.AddSingleton<Workflows.Flows.IWorkflowDirectory, Workflows.IdentityWorkflowDirectory>();
        services.AddSingleton<IWorkflowSubjectSource, FeedbackWorkflowSubject>();
        services.AddSingleton<IWorkflowActivity, RecordEscalationActivity>();
        services.AddSingleton<IWorkflowActivity, SendEmailActivity>();
        return services;
    }

    /// <summary>The workflow runtime takes its turn at the app's SQLite writer gate like intake and import do.</summary>
    private sealed class WriteGateForWorkflows(DatabaseWriteGate gate) : IWorkflowWriteGate
    {
        public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => gate.EnterAsync(cancellationToken);
    }
}
