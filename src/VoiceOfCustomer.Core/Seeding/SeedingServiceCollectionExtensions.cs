using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceOfCustomer.Seeding;

public static class SeedingServiceCollectionExtensions
{
    public static IServiceCollection AddVocSeeding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SeedOptions>().Bind(configuration.GetSection(SeedOptions.SectionName));
        services.AddScoped<ReferenceDataSeeder>();
        services.AddScoped<DemoSlaHistory>();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<DemoCustomerEconomics>();
        return services;
    }
}
