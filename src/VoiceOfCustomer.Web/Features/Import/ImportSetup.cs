namespace VoiceOfCustomer.Web.Features.Import;

public static class ImportSetup
{
    /// <summary>The upload page's queue and its single background worker; the importer itself comes with the core services.</summary>
    public static IServiceCollection AddImportFeature(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ImportQueue>();
        services.AddHostedService<ImportWorker>();
        return services;
    }
}
