using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace VoiceOfCustomer.Suggestions.Llm;

// The cross-cutting rules of every call, as Semantic Kernel filters on the refiner's own kernel (LlmKernel adds them in
// this order). Function-invocation filters wrap one invocation of the prompt function, which is exactly one chat
// request: the function has no tools, so no auto-function-invocation (IAutoFunctionInvocationFilter) ever happens.

/// <summary>Outermost: times and logs every invocation, refused, failed or answered. Never logs the prompt or the answer.</summary>
public sealed class LlmCallLogFilter(ILogger<LlmCallLogFilter> logger) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var itemId = context.Arguments.TryGetValue(LlmKernel.ItemIdArgument, out var id) ? id : null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (LlmCallRefusedException e)
        {
            logger.LogInformation("LLM call for item {ItemId} not made: {Reason}", itemId, e.Reason);
            throw;
        }
        catch (Exception e)
        {
            logger.LogInformation("LLM call for item {ItemId} failed after {ElapsedMs:0} ms: {Error}", itemId,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetBaseException().Message);
            throw;
        }
        var (prompt, answer) = TokenCounts(context.Result.Metadata);
        logger.LogInformation("LLM call for item {ItemId} answered in {ElapsedMs:0} ms ({PromptTokens} prompt tokens, {AnswerTokens} answer tokens)",
            itemId, Stopwatch.GetElapsedTime(started).TotalMilliseconds, prompt, answer);
    }

    /// <summary>The connector reports usage as the OpenAI library's own type, which this project does not reference: read it as JSON.</summary>
    internal static (int? Prompt, int? Answer) TokenCounts(IReadOnlyDictionary<string, object?>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue("Usage", out var usage) || usage is null)
            return (null, null);
        var json = JsonSerializer.SerializeToElement(usage);
        static int? Read(JsonElement json, string name) =>
            json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.TryGetInt32(out var count) ? count : null;
        return (Read(json, "InputTokenCount"), Read(json, "OutputTokenCount"));
    }
}

/// <summary>No call while <see cref="LlmSuggestionOptions.SendVerbatim"/> is false: the verbatim may not leave the app.</summary>
public sealed class SendVerbatimFilter(IOptionsMonitor<LlmSuggestionOptions> options) : IFunctionInvocationFilter
{
    public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next) =>
        options.CurrentValue.SendVerbatim ? next(context) : throw new LlmCallRefusedException(LlmOffReason.VerbatimMayNotLeave);
}

/// <summary>
/// Reserves one call of today's budget (shared by every app instance through the database) before the request is
/// made; refuses once it is spent. Runs after <see cref="SendVerbatimFilter"/>, so a call that may not be made costs nothing.
/// </summary>
public sealed class DailyBudgetFilter(LlmBudget budget, IOptionsMonitor<LlmSuggestionOptions> options) : IFunctionInvocationFilter
{
    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        if (!await budget.TryReserveAsync(context.CancellationToken))
            throw new LlmCallRefusedException(LlmOffReason.BudgetSpent(options.CurrentValue.DailyCallBudget));
        await next(context);
    }
}

/// <summary>
/// Masks e-mail addresses and phone numbers in the rendered prompt, which is all that is sent: the verbatim, and the
/// coded examples quoted beside it.
/// </summary>
public sealed class ContactMaskingFilter : IPromptRenderFilter
{
    public async Task OnPromptRenderAsync(PromptRenderContext context, Func<PromptRenderContext, Task> next)
    {
        await next(context);
        if (context.RenderedPrompt is { } rendered)
            context.RenderedPrompt = ContactMasker.Mask(rendered);
    }
}
