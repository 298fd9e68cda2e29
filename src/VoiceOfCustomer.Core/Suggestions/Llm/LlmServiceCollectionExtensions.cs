using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace VoiceOfCustomer.Suggestions.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>Used as the key for endpoints that need none (Ollama, vLLM on localhost): the client refuses an empty one.</summary>
    internal const string NoKeyPlaceholder = "no-key";

    /// <summary>
    /// The optional LLM suggester. Options, budget and status are always registered (an admin page shows why it is off);
    /// the chat client, the suggester and the background loop only when <c>Suggestions:Llm</c> is enabled and configured.
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

        services.TryAddSingleton<IChatClient>(sp => CreateChatClient(sp.GetRequiredService<IOptions<LlmSuggestionOptions>>().Value));
        services.TryAddSingleton<LlmSuggester>();
        services.AddHostedService(sp => sp.GetRequiredService<LlmRefinementService>());
        return services;
    }

    /// <summary>The key comes from the environment variable the options name, never from configuration.</summary>
    internal static IChatClient CreateChatClient(LlmSuggestionOptions options)
    {
        var endpoint = new Uri(options.Endpoint!);
        var key = Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            // One call is one budgeted call: no silent retries behind the budget's back.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The suggester's own timeout decides; this only stops a connection from hanging past it.
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
        };
        var client = new ChatClient(options.Model!, new ApiKeyCredential(string.IsNullOrEmpty(key) ? NoKeyPlaceholder : key), clientOptions);
        return new OpenAIChatClientAdapter(client, endpoint, options.Model);
    }
}
