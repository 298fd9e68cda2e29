using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.Web.Features.Suggestions;

public static class SuggestionsAdminSetup
{
    /// <summary>The admin page's queries. The trainer and its <see cref="ISuggestionTrainingTrigger"/> are registered elsewhere, and may be absent.</summary>
    public static IServiceCollection AddSuggestionsAdmin(this IServiceCollection services)
    {
        services.AddScoped<SuggestionReports>();
        return services;
    }
}
