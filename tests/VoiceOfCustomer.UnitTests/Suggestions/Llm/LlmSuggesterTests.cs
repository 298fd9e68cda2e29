using System.Net;
using System.Text.Json;
using Microsoft.SemanticKernel;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.UnitTests.Suggestions.Llm;

public sealed class LlmSuggesterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1.5);

    public static TheoryData<Exception, bool, LlmDiscardKind, string> Failures => new()
    {
        { new TaskCanceledException(), true, LlmDiscardKind.Timeout, "no answer within the timeout of 1.5 s" },
        { new TaskCanceledException("HttpClient.Timeout"), false, LlmDiscardKind.Timeout, "no answer within the timeout of 1.5 s" },
        { new HttpOperationException(HttpStatusCode.TooManyRequests, "{}", "HTTP 429", null), false, LlmDiscardKind.HttpError, "the endpoint answered HTTP 429" },
        { new HttpOperationException(null, null, "Connection refused (127.0.0.1:9)", new HttpRequestException("Connection refused (127.0.0.1:9)")), false,
            LlmDiscardKind.Unreachable, "the endpoint could not be reached: Connection refused (127.0.0.1:9)" },
        { new JsonException("'<' is an invalid start of a value."), false, LlmDiscardKind.BadResponse,
            "the endpoint's reply is not a chat completion: JsonException: '<' is an invalid start of a value." },
        // Whatever fails while the refiner's own timeout has fired is that timeout.
        { new HttpOperationException(HttpStatusCode.InternalServerError, null, "HTTP 500", null), true, LlmDiscardKind.Timeout, "no answer within the timeout of 1.5 s" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failed_call_is_classified_by_what_went_wrong(Exception error, bool timedOut, LlmDiscardKind kind, string detail)
    {
        var discard = LlmSuggester.Classify(error, timedOut, Timeout);

        Assert.Equal(kind, discard.Kind);
        Assert.Equal(detail, discard.Detail);
    }

    [Fact]
    public void Token_counts_are_read_from_the_connectors_usage_whatever_its_type()
    {
        var metadata = new Dictionary<string, object?> { ["Usage"] = new { InputTokenCount = 120, OutputTokenCount = 14 } };

        Assert.Equal((120, 14), LlmCallLogFilter.TokenCounts(metadata));
        Assert.Equal((null, null), LlmCallLogFilter.TokenCounts(new Dictionary<string, object?>()));
        Assert.Equal((null, null), LlmCallLogFilter.TokenCounts(null));
    }

    [Fact]
    public void Execution_settings_ask_for_the_schema_or_plain_JSON_as_configured()
    {
        var taxonomy = new LlmTaxonomy(new Dictionary<SuggestionField, IReadOnlyList<TaxonomyEntryText>>());

        var schema = LlmKernel.ExecutionSettings(new LlmSuggestionOptions { Model = "m" }, taxonomy);
        var json = Assert.IsType<JsonElement>(schema.ResponseFormat);
        Assert.Equal("json_schema", json.GetProperty("type").GetString());
        Assert.True(json.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal(0, schema.Temperature);
        Assert.Equal(LlmKernel.MaxAnswerTokens, schema.MaxTokens);

        var plain = LlmKernel.ExecutionSettings(new LlmSuggestionOptions { Model = "m", AnswerFormat = LlmAnswerFormat.JsonObject }, taxonomy);
        Assert.Equal("json_object", plain.ResponseFormat);
    }
}
