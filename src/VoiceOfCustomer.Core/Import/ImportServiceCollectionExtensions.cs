using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceOfCustomer.Import;

public static class ImportServiceCollectionExtensions
{
    /// <summary>The CSV importer and its job store, shared by <c>voc import</c> and the upload page.</summary>
    public static IServiceCollection AddVocImport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.SectionName))
            .Validate(o => o.BatchSize is >= 1 and <= 1_000_000, "Import:BatchSize must be between 1 and 1,000,000.")
            .Validate(o => o.HeartbeatTimeout > TimeSpan.Zero, "Import:HeartbeatTimeout must be positive, e.g. 00:01:00.")
            .ValidateOnStart();
        services.AddSingleton<ImportJobStore>();
        services.AddSingleton<CsvFeedbackImporter>();
        services.AddSingleton<CsvCustomerDataImporter>();
        return services;
    }
}
