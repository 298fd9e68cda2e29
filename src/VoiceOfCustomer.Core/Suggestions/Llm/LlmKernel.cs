using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// The refiner's own Semantic Kernel: the OpenAI connector pointed at the configured OpenAI-compatible endpoint, the
/// filters that hold the call rules, and the prompt function that codes one item. Registered only when the refiner
/// is configured; its own kernel, so the filters never touch another use of Semantic Kernel in the app.
/// </summary>
public sealed class LlmKernel : IDisposable
{
    /// <summary>Used as the key for endpoints that need none (Ollama, vLLM on localhost): the connector refuses an empty one.</summary>
    internal const string NoKeyPlaceholder = "no-key";

    internal const string ItemIdArgument = "itemId";
    internal const string SystemArgument = "system";
    internal const string UserArgument = "user";

    /// <summary>A code is a handful of keys; a longer answer is rambling and is cut off.</summary>
    internal const int MaxAnswerTokens = 400;

    /// <summary>
    /// Two chat messages whose texts come in as variables: the template engine encodes variable values, so nothing in
    /// a verbatim (a "&lt;/message&gt;", say) can end the user message or start a system one.
    /// </summary>
    internal static readonly PromptTemplateConfig CodeFeedbackPrompt = new()
    {
        Name = "CodeFeedback",
        Description = "Codes one customer feedback item with keys of the taxonomy.",
        Template = "<message role=\"system\">{{$system}}</message>\n<message role=\"user\">{{$user}}</message>",
        InputVariables =
        [
            new() { Name = SystemArgument, IsRequired = true },
            new() { Name = UserArgument, IsRequired = true },
        ],
    };

    private readonly HttpClient _http;

    public LlmKernel(IOptions<LlmSuggestionOptions> options, LlmCallLogFilter log, SendVerbatimFilter verbatim, DailyBudgetFilter budget,
        ContactMaskingFilter masking)
    {
        var settings = options.Value;
        // One call is one budgeted call: given its own HttpClient, the connector makes no retries. The refiner's
        // timeout decides; the client's only stops a connection from hanging past it.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = settings.Timeout + TimeSpan.FromSeconds(5),
        };
        var key = Environment.GetEnvironmentVariable(settings.ApiKeyEnvironmentVariable);
        var builder = Kernel.CreateBuilder();
        // No logger factory: LlmCallLogFilter logs each call, where the kernel's own logging would report every
        // discarded answer (a timeout, an HTTP 429) as an error.
        builder.AddOpenAIChatCompletion(settings.Model!, new Uri(settings.Endpoint!), string.IsNullOrEmpty(key) ? NoKeyPlaceholder : key, httpClient: _http);
        Kernel = builder.Build();
        Kernel.FunctionInvocationFilters.Add(log);
        Kernel.FunctionInvocationFilters.Add(verbatim);
        Kernel.FunctionInvocationFilters.Add(budget);
        Kernel.PromptRenderFilters.Add(masking);
        CodeFeedback = KernelFunctionFactory.CreateFromPrompt(CodeFeedbackPrompt);
    }

    public Kernel Kernel { get; }
    public KernelFunction CodeFeedback { get; }

    /// <summary>One call: the filters run, the prompt is rendered and sent, the answer's text comes back.</summary>
    public async Task<string?> CodeAsync(long itemId, string systemText, string userText, PromptExecutionSettings settings, CancellationToken cancellationToken)
    {
        var arguments = new KernelArguments(settings)
        {
            [ItemIdArgument] = itemId,
            [SystemArgument] = systemText,
            [UserArgument] = userText,
        };
        var result = await CodeFeedback.InvokeAsync(Kernel, arguments, cancellationToken);
        return result.GetValue<string>();
    }

    /// <summary>Temperature 0, a short answer, and the answer's format as configured (a strict schema of the taxonomy's keys by default).</summary>
    public static OpenAIPromptExecutionSettings ExecutionSettings(LlmSuggestionOptions options, LlmTaxonomy taxonomy) => new()
    {
        ModelId = options.Model,
        Temperature = 0,
        MaxTokens = MaxAnswerTokens,
        ResponseFormat = options.AnswerFormat == LlmAnswerFormat.JsonObject ? "json_object" : SchemaFormat(taxonomy),
    };

    /// <summary>The connector passes a <c>{"type":"json_schema",…}</c> element on as OpenAI's structured-output format.</summary>
    private static JsonElement SchemaFormat(LlmTaxonomy taxonomy) => JsonSerializer.SerializeToElement(new System.Text.Json.Nodes.JsonObject
    {
        ["type"] = "json_schema",
        ["json_schema"] = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "feedback_codes",
            ["strict"] = true,
            ["schema"] = LlmAnswer.Schema(taxonomy),
        },
    });

    public void Dispose() => _http.Dispose();
}
