using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// What one call produced: a validated answer, the reason it was discarded (the local suggestion then stands), or,
/// when a filter refused the call, why nothing was sent (the item is given back for later).
/// </summary>
public sealed record LlmOutcome(LlmAnswer? Answer, LlmDiscard? Discard, LlmOffReason? Refused, double ElapsedMs, string Model);

/// <summary>
/// Asks the endpoint, through <see cref="LlmKernel"/>'s prompt function, to code one item, and validates the answer
/// against the taxonomy. Late, failed, malformed or off-taxonomy answers are discarded and logged; nothing here ever
/// throws for the endpoint's sake.
/// </summary>
public sealed class LlmSuggester(LlmKernel kernel, IOptionsMonitor<LlmSuggestionOptions> options, ILogger<LlmSuggester> logger)
{
    public async Task<LlmOutcome> SuggestAsync(long itemId, string verbatim, LlmTaxonomy taxonomy, IReadOnlyList<CodedExample> codedExamples,
        IReadOnlyDictionary<SuggestionField, string>? localSuggestion, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var model = settings.Model ?? "";
        var system = LlmPrompt.SystemText(taxonomy);
        var user = LlmPrompt.UserText(LlmPrompt.Nearest(verbatim, codedExamples, settings.NearestExamples), localSuggestion, verbatim);

        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        string? text;
        try
        {
            text = await kernel.CodeAsync(itemId, system, user, LlmKernel.ExecutionSettings(settings, taxonomy), timeout.Token);
        }
        catch (LlmCallRefusedException e)
        {
            return new LlmOutcome(null, null, e.Reason, clock.Elapsed.TotalMilliseconds, model);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the endpoint or the connector does wrong, the local suggestion stands.
            return Discard(itemId, Classify(e, timeout.IsCancellationRequested, settings.Timeout), clock, model);
        }

        var (answer, invalid) = LlmAnswer.Parse(text, taxonomy);
        if (answer is null)
            return Discard(itemId, invalid!, clock, model);
        logger.LogInformation("LLM suggestion for item {ItemId} accepted in {ElapsedMs:0} ms", itemId, clock.Elapsed.TotalMilliseconds);
        return new LlmOutcome(answer, null, null, clock.Elapsed.TotalMilliseconds, model);
    }

    /// <summary>The connector wraps HTTP errors and connection failures in <see cref="HttpOperationException"/>; a status code tells them apart.</summary>
    internal static LlmDiscard Classify(Exception error, bool timedOut, TimeSpan timeout) => error switch
    {
        _ when timedOut => LlmDiscard.Timeout(timeout),
        // The HttpClient's own (longer) timeout, should the refiner's not have fired first.
        OperationCanceledException => LlmDiscard.Timeout(timeout),
        HttpOperationException { StatusCode: { } status } => LlmDiscard.HttpError((int)status),
        HttpOperationException http => LlmDiscard.Unreachable(http.GetBaseException().Message),
        HttpRequestException request => LlmDiscard.Unreachable(request.Message),
        _ => LlmDiscard.BadResponse(error),
    };

    private LlmOutcome Discard(long itemId, LlmDiscard discard, Stopwatch clock, string model)
    {
        logger.LogWarning("LLM suggestion for item {ItemId} discarded: {Reason}", itemId, discard.StoredReason);
        return new LlmOutcome(null, discard, null, clock.Elapsed.TotalMilliseconds, model);
    }
}
