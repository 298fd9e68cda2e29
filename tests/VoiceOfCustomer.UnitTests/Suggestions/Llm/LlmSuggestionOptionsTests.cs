using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.UnitTests.Suggestions.Llm;

public sealed class LlmSuggestionOptionsTests
{
    private static IEnumerable<string> Errors(LlmSuggestionOptions options) =>
        new LlmSuggestionOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void The_defaults_are_valid_and_off()
    {
        var options = new LlmSuggestionOptions();

        Assert.Empty(Errors(options));
        Assert.False(options.IsConfigured);
        Assert.False(options.SendVerbatim);
        Assert.Equal("VOC_LLM_API_KEY", options.ApiKeyEnvironmentVariable);
        Assert.Equal(LlmAnswerFormat.JsonSchema, options.AnswerFormat);
    }

    [Fact]
    public void Enabled_needs_an_endpoint_and_a_model()
    {
        var errors = Errors(new LlmSuggestionOptions { Enabled = true });

        Assert.Contains("Suggestions:Llm:Endpoint is required when Suggestions:Llm:Enabled is true.", errors);
        Assert.Contains("Suggestions:Llm:Model is required when Suggestions:Llm:Enabled is true.", errors);
    }

    [Theory]
    [InlineData("ftp://example.test/v1")]
    [InlineData("api.openai.com/v1")]
    public void A_bad_endpoint_is_named(string endpoint)
    {
        Assert.Contains(Errors(new LlmSuggestionOptions { Endpoint = endpoint }), e => e.StartsWith($"Suggestions:Llm:Endpoint '{endpoint}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_numbers_and_intervals_are_named()
    {
        var errors = string.Join("\n", Errors(new LlmSuggestionOptions
        {
            Timeout = TimeSpan.Zero,
            DailyCallBudget = -1,
            NearestExamples = 51,
            PollInterval = TimeSpan.Zero,
            BatchSize = 0,
            ApiKeyEnvironmentVariable = " ",
            AnswerFormat = (LlmAnswerFormat)7,
        }));

        foreach (var key in new[] { "Timeout", "DailyCallBudget", "NearestExamples", "PollInterval", "BatchSize", "ApiKeyEnvironmentVariable", "AnswerFormat" })
            Assert.Contains("Suggestions:Llm:" + key, errors, StringComparison.Ordinal);
    }
}
