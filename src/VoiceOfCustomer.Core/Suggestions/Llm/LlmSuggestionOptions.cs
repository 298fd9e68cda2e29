using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// The optional LLM suggester, bound from <c>Suggestions:Llm</c>. Off until <see cref="Enabled"/> is set and an
/// endpoint and model are configured. The API key is never a setting: it is read from the environment variable
/// named by <see cref="ApiKeyEnvironmentVariable"/>.
/// </summary>
public sealed class LlmSuggestionOptions
{
    public const string SectionName = "Suggestions:Llm";

    public bool Enabled { get; set; }

    /// <summary>Base address of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or <c>http://127.0.0.1:11434/v1</c> (Ollama).</summary>
    public string? Endpoint { get; set; }
    public string? Model { get; set; }
    public string ApiKeyEnvironmentVariable { get; set; } = "VOC_LLM_API_KEY";
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Calls per UTC day, shared by every app instance on the database.</summary>
    public int DailyCallBudget { get; set; } = 500;

    /// <summary>Customers' words leave the app only when this is true; while false no call is made at all.</summary>
    public bool SendVerbatim { get; set; }
    public int NearestExamples { get; set; } = 5;

    /// <summary>How the answer's format is asked for; <see cref="LlmAnswerFormat.JsonObject"/> for endpoints without structured outputs.</summary>
    public LlmAnswerFormat AnswerFormat { get; set; } = LlmAnswerFormat.JsonSchema;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
    public int BatchSize { get; set; } = 10;

    /// <summary>Enabled, with an endpoint and a model: the chat client is registered and the background loop runs.</summary>
    public bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(Endpoint) && !string.IsNullOrWhiteSpace(Model);
}

/// <summary>The <c>response_format</c> a request carries. Either way the answer is validated against the taxonomy.</summary>
public enum LlmAnswerFormat
{
    /// <summary>A strict JSON schema whose enums are the offered keys (OpenAI, Azure OpenAI, recent Ollama and vLLM).</summary>
    JsonSchema,
    /// <summary>Plain JSON mode; the keys are only in the prompt. For endpoints that refuse or ignore a schema.</summary>
    JsonObject,
}

internal sealed class LlmSuggestionOptionsValidator : IValidateOptions<LlmSuggestionOptions>
{
    private const string P = LlmSuggestionOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, LlmSuggestionOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
            errors.Add($"{P}Endpoint '{options.Endpoint}' must be an absolute http(s) address, e.g. https://api.openai.com/v1.");
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Endpoint))
            errors.Add($"{P}Endpoint is required when {P}Enabled is true.");
        if (options.Enabled && string.IsNullOrWhiteSpace(options.Model))
            errors.Add($"{P}Model is required when {P}Enabled is true.");
        if (string.IsNullOrWhiteSpace(options.ApiKeyEnvironmentVariable))
            errors.Add($"{P}ApiKeyEnvironmentVariable must name an environment variable.");
        if (options.Timeout <= TimeSpan.Zero)
            errors.Add($"{P}Timeout {options.Timeout} must be positive.");
        if (options.DailyCallBudget < 0)
            errors.Add($"{P}DailyCallBudget {options.DailyCallBudget} must not be negative.");
        if (options.NearestExamples is < 0 or > 50)
            errors.Add($"{P}NearestExamples {options.NearestExamples} must be between 0 and 50.");
        if (!Enum.IsDefined(options.AnswerFormat))
            errors.Add($"{P}AnswerFormat {options.AnswerFormat} must be JsonSchema or JsonObject.");
        if (options.PollInterval <= TimeSpan.Zero)
            errors.Add($"{P}PollInterval {options.PollInterval} must be positive.");
        if (options.BatchSize < 1)
            errors.Add($"{P}BatchSize {options.BatchSize} must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
