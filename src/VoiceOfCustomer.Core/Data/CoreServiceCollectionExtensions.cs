using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Definitions;

namespace VoiceOfCustomer.Data;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Everything the web app and the CLI share: the database and the feature services.</summary>
    public static IServiceCollection AddVocCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddVocDatabase(configuration);
        services.AddSingleton<DatabaseWriteGate>();
        services.AddSingleton<FeedbackWriteQueue>();
        services.AddSingleton<IntakeCompiledQueries>();
        services.AddSingleton<ChannelCatalog>();
        services.AddOptions<IntakeOptions>().Bind(configuration.GetSection(IntakeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<IntakeOptions>, IntakeOptionsValidator>();
        services.AddScoped<FeedbackIntakeService>();
        services.AddScoped<FeedbackQueries>();
        services.AddScoped<Customers.CustomerDataService>();
        services.AddScoped<Customers.CustomerApiQueries>();
        services.AddScoped<Customers.CustomerQueries>();
        services.AddScoped<Behaviour.BehaviourDataService>();
        services.AddScoped<Coding.AttributionService>();
        services.AddScoped<Coding.CodingQueueQueries>();
        services.AddScoped<ApiKeys.ApiKeyService>();
        services.AddOptions<ApiKeys.ApiKeyOptions>().Bind(configuration.GetSection(ApiKeys.ApiKeyOptions.SectionName))
            .Validate(o => o.CacheDuration >= TimeSpan.Zero, "ApiKeys:CacheDuration must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<ApiKeys.ApiKeyCache>();
        services.AddScoped<Taxonomy.TaxonomyService>();
        services.AddScoped<DatabaseInitializer>();
        services.AddSingleton<Sla.BusinessCalendarRegistry>();
        services.AddSingleton<Workflows.Runtime.IWorkingTimeCalendars>(sp => sp.GetRequiredService<Sla.BusinessCalendarRegistry>());
        services.AddScoped<Sla.BusinessCalendarService>();
        services.AddScoped<Sla.SlaReports>();
        services.AddVocSeeding(configuration);
        services.AddVocSegments(configuration);
        services.AddVocImport(configuration);
        services.AddVocSla(configuration);
        services.AddVocEmail<VocDbContext>(configuration, DatabaseServiceCollectionExtensions.DataRoot());
        services.AddWorkflowDefinitions(configuration);
        Value.CustomerValueServiceCollectionExtensions.AddVocCustomerValue(services, configuration);
        return services;
    }
}
