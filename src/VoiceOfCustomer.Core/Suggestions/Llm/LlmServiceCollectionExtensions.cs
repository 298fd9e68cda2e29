using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Suggestions.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// The optional LLM suggester. Options, budget and status are always registered (an admin page shows why it is off);
    /// the kernel, its filters, the suggester and the background loop only when <c>Suggestions:Llm</c> is enabled and configured.
    /// </summary>
    public static IServiceCollection AddVocLlmSuggestions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LlmSuggestionOptions.SectionName);
        services.AddOptions<LlmSuggestionOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmSuggestionOptions>, LlmSuggestionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LlmStatus>();
        services.TryAddSingleton<LlmBudget>();
        services.TryAddSingleton<LlmRefinementService>();

        var options = section.Get<LlmSuggestionOptions>() ?? new LlmSuggestionOptions();
        if (!options.IsConfigured || !Uri.TryCreate(options.Endpoint, UriKind.Absolute, out _))
            return services;

        services.TryAddSingleton<LlmCallLogFilter>();
        services.TryAddSingleton<SendVerbatimFilter>();
        services.TryAddSingleton<DailyBudgetFilter>();
        services.TryAddSingleton<ContactMaskingFilter>();
        services.TryAddSingleton<LlmKernel>();
        services.TryAddSingleton<LlmSuggester>();
        services.AddHostedService(sp => sp.GetRequiredService<LlmRefinementService>());
        return services;
    }
}
