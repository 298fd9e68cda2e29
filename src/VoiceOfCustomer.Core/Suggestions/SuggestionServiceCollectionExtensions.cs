using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceOfCustomer.Suggestions;

public static class SuggestionServiceCollectionExtensions
{
    /// <summary>
    /// The local suggester: the model store, the trainer and its status, the per-request service, the writer of shown
    /// suggestions, and the background retraining loop (also the <see cref="ISuggestionTrainingTrigger"/>). The loop does nothing when
    /// <c>Suggestions:BackgroundTraining</c> is off.
    /// </summary>
    public static IServiceCollection AddVocSuggestions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SuggestionOptions>().Bind(configuration.GetSection(SuggestionOptions.SectionName));
        services.AddSingleton<SuggestionModelStore>();
        services.AddSingleton<SuggestionTrainingStatus>();
        services.AddSingleton<SuggestionTrainer>();
        services.AddScoped<SuggestionService>();
        services.AddSingleton<ShownSuggestionRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<ShownSuggestionRecorder>());
        services.AddSingleton<SuggestionRetrainingService>();
        services.AddSingleton<ISuggestionTrainingTrigger>(sp => sp.GetRequiredService<SuggestionRetrainingService>());
        services.AddHostedService(sp => sp.GetRequiredService<SuggestionRetrainingService>());
        return services;
    }
}
