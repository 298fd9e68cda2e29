using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Value;

public static class CustomerValueServiceCollectionExtensions
{
    /// <summary>The scorer and its settings (web app and CLI); <see cref="AddVocCustomerValueRefit"/> adds the background loop.</summary>
    public static IServiceCollection AddVocCustomerValue(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CustomerValueOptions>().Bind(configuration.GetSection(CustomerValueOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CustomerValueOptions>, CustomerValueOptionsValidator>();
        services.AddScoped<CustomerValueScorer>();
        services.AddSingleton<CustomerValueRefitStatus>();
        return services;
    }

    /// <summary>The web app's refit loop: at start when nothing was fitted, on the schedule, and on demand.</summary>
    public static IServiceCollection AddVocCustomerValueRefit(this IServiceCollection services)
    {
        services.AddSingleton<CustomerValueRefitService>();
        services.AddSingleton<ICustomerValueRefitTrigger>(sp => sp.GetRequiredService<CustomerValueRefitService>());
        services.AddHostedService(sp => sp.GetRequiredService<CustomerValueRefitService>());
        return services;
    }
}
