using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.UnitTests.Suggestions.Llm;

public sealed class LlmAnswerTests
{
    private static readonly LlmTaxonomy Taxonomy = new(new Dictionary<SuggestionField, IReadOnlyList<TaxonomyEntryText>>
    {
        [SuggestionField.BusinessMetric] = [new(SuggestionField.BusinessMetric, "nps", "Net promoter score", null, null)],
        [SuggestionField.CapabilityGap] = [new(SuggestionField.CapabilityGap, "gap-key", "A gap", null, null)],
        [SuggestionField.OwningDomain] = [new(SuggestionField.OwningDomain, "billing", "Billing", "计费", null)],
        [SuggestionField.Tags] = [new(SuggestionField.Tags, "t1", "T1", null, null), new(SuggestionField.Tags, "t2", "T2", null, null)],
    });

    [Fact]
    public void A_complete_answer_serializes_in_the_stored_format()
    {
        var (answer, reason) = LlmAnswer.Parse(
            """{"BusinessMetric":"nps","CapabilityGap":"gap-key","OwningDomain":"billing","ValueDimension":"Pain","Tags":["t1"]}""", Taxonomy);

        Assert.Null(reason);
        Assert.Equal("""{"BusinessMetric":"nps","CapabilityGap":"gap-key","OwningDomain":"billing","ValueDimension":"Pain","Tags":["t1"]}""", answer!.ToJson());
    }

    [Theory]
    [InlineData("```json\n{\"OwningDomain\":\"billing\"}\n```")]
    [InlineData("```\n{\"OwningDomain\":\"billing\"}\n```")]
    [InlineData("  {\"owningDomain\":\"BILLING\", \"Reasoning\":\"the invoice\"}  ")]
    [InlineData("{\"OwningDomain\":\"billing\",\"BusinessMetric\":null,\"Tags\":[]}")]
    public void Fences_case_unknown_fields_and_nulls_are_tolerated(string text)
    {
        var (answer, reason) = LlmAnswer.Parse(text, Taxonomy);

        Assert.Null(reason);
        Assert.Equal("""{"OwningDomain":"billing"}""", answer!.ToJson());
    }

    [Theory]
    [InlineData("", "empty answer")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"OwningDomain\":\"billing\"", "not valid JSON")]
    [InlineData("\"billing\"", "not a JSON object")]
    [InlineData("{}", "the answer names no code")]
    [InlineData("{\"OwningDomain\":\"sales\"}", "unknown OwningDomain key 'sales'")]
    [InlineData("{\"OwningDomain\":7}", "OwningDomain must be a key (string), not Number")]
    [InlineData("{\"ValueDimension\":\"1\"}", "unknown ValueDimension key '1'")]
    [InlineData("{\"Tags\":\"t1\"}", "Tags must be an array of keys, not String")]
    [InlineData("{\"Tags\":[\"t1\",\"t9\"]}", "unknown Tags key 't9'")]
    [InlineData("{\"Tags\":[1]}", "Tags must hold keys (strings), not Number")]
    public void Anything_off_the_taxonomy_is_discarded_with_a_reason(string text, string expected)
    {
        var (answer, reason) = LlmAnswer.Parse(text, Taxonomy);

        Assert.Null(answer);
        Assert.StartsWith(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_are_deduplicated_and_keep_the_taxonomy_spelling()
    {
        var (answer, _) = LlmAnswer.Parse("""{"Tags":["T2","t1","t2"]}""", Taxonomy);

        Assert.Equal(["t2", "t1"], answer!.Tags);
    }
}
