using System.ClientModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>What one call produced: a validated answer, or the reason it was discarded (the local suggestion then stands).</summary>
public sealed record LlmOutcome(LlmAnswer? Answer, string? DiscardReason, double ElapsedMs, string Model);

/// <summary>
/// Asks the configured chat endpoint to code one item and validates the answer against the taxonomy. Late, failed,
/// malformed or off-taxonomy answers are discarded and logged; nothing here ever throws for the endpoint's sake.
/// </summary>
public sealed class LlmSuggester(IChatClient chat, IOptionsMonitor<LlmSuggestionOptions> options, ILogger<LlmSuggester> logger)
{
    /// <summary>A code is a handful of keys; a longer answer is rambling and is cut off.</summary>
    internal const int MaxOutputTokens = 400;

    public async Task<LlmOutcome> SuggestAsync(long itemId, string verbatim, LlmTaxonomy taxonomy, IReadOnlyList<CodedExample> codedExamples,
        IReadOnlyDictionary<SuggestionField, string>? localSuggestion, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var model = settings.Model ?? "";
        var messages = LlmPrompt.Build(taxonomy, LlmPrompt.Nearest(verbatim, codedExamples, settings.NearestExamples), localSuggestion, verbatim);
        var chatOptions = new ChatOptions
        {
            ModelId = settings.Model,
            Temperature = 0,
            MaxOutputTokens = MaxOutputTokens,
            ResponseFormat = ChatResponseFormat.Json,
        };

        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        string? text;
        try
        {
            var response = await chat.GetResponseAsync(messages, chatOptions, timeout.Token);
            text = response.Text;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Discard(itemId, $"no answer within the timeout of {settings.Timeout.TotalSeconds:0.###} s", clock, model);
        }
        catch (ClientResultException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Discard(itemId, e.Status > 0 ? $"the endpoint answered HTTP {e.Status}" : $"the endpoint failed: {e.Message}", clock, model);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the endpoint or its client library does wrong, the local suggestion stands.
            var reason = timeout.IsCancellationRequested ? $"no answer within the timeout of {settings.Timeout.TotalSeconds:0.###} s" : $"the call failed: {e.GetType().Name}: {e.Message}";
            return Discard(itemId, reason, clock, model);
        }

        var (answer, invalid) = LlmAnswer.Parse(text, taxonomy);
        if (answer is null)
            return Discard(itemId, $"invalid answer: {invalid}", clock, model);
        logger.LogInformation("LLM suggestion for item {ItemId} accepted in {ElapsedMs:0} ms", itemId, clock.Elapsed.TotalMilliseconds);
        return new LlmOutcome(answer, null, clock.Elapsed.TotalMilliseconds, model);
    }

    private LlmOutcome Discard(long itemId, string reason, Stopwatch clock, string model)
    {
        logger.LogWarning("LLM suggestion for item {ItemId} discarded: {Reason}", itemId, reason);
        return new LlmOutcome(null, reason, clock.Elapsed.TotalMilliseconds, model);
    }
}
