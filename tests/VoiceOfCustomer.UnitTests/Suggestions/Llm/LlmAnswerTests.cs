using System.Text.Json;
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
        var (answer, discard) = LlmAnswer.Parse(
            """{"BusinessMetric":"nps","CapabilityGap":"gap-key","OwningDomain":"billing","ValueDimension":"Pain","Tags":["t1"]}""", Taxonomy);

        Assert.Null(discard);
        Assert.Equal("""{"BusinessMetric":"nps","CapabilityGap":"gap-key","OwningDomain":"billing","ValueDimension":"Pain","Tags":["t1"]}""", answer!.ToJson());
    }

    [Theory]
    [InlineData("```json\n{\"OwningDomain\":\"billing\"}\n```")]
    [InlineData("```\n{\"OwningDomain\":\"billing\"}\n```")]
    [InlineData("  {\"owningDomain\":\"BILLING\", \"Reasoning\":\"the invoice\"}  ")]
    [InlineData("{\"OwningDomain\":\"billing\",\"BusinessMetric\":null,\"Tags\":[]}")]
    public void Fences_case_unknown_fields_and_nulls_are_tolerated(string text)
    {
        var (answer, discard) = LlmAnswer.Parse(text, Taxonomy);

        Assert.Null(discard);
        Assert.Equal("""{"OwningDomain":"billing"}""", answer!.ToJson());
    }

    [Theory]
    [InlineData("", LlmDiscardKind.NotJson, "not valid JSON: empty answer")]
    [InlineData("not json", LlmDiscardKind.NotJson, "not valid JSON")]
    [InlineData("{\"OwningDomain\":\"billing\"", LlmDiscardKind.NotJson, "not valid JSON")]
    [InlineData("\"billing\"", LlmDiscardKind.WrongShape, "not a JSON object")]
    [InlineData("{}", LlmDiscardKind.WrongShape, "the answer names no code")]
    [InlineData("{\"OwningDomain\":\"sales\"}", LlmDiscardKind.UnknownCode, "unknown OwningDomain key 'sales'")]
    [InlineData("{\"OwningDomain\":7}", LlmDiscardKind.WrongShape, "OwningDomain must be a key (string), not Number")]
    [InlineData("{\"ValueDimension\":\"1\"}", LlmDiscardKind.UnknownCode, "unknown ValueDimension key '1'")]
    [InlineData("{\"Tags\":\"t1\"}", LlmDiscardKind.WrongShape, "Tags must be an array of keys, not String")]
    [InlineData("{\"Tags\":[\"t1\",\"t9\"]}", LlmDiscardKind.UnknownCode, "unknown Tags key 't9'")]
    [InlineData("{\"Tags\":[1]}", LlmDiscardKind.WrongShape, "Tags must hold keys (strings), not Number")]
    public void Anything_off_the_taxonomy_is_discarded_with_its_kind_and_reason(string text, LlmDiscardKind kind, string expected)
    {
        var (answer, discard) = LlmAnswer.Parse(text, Taxonomy);

        Assert.Null(answer);
        Assert.Equal(kind, discard!.Kind);
        Assert.StartsWith(expected, discard.Detail, StringComparison.Ordinal);
        Assert.StartsWith($"{kind}: {expected}", discard.StoredReason, StringComparison.Ordinal);
        Assert.Equal(kind, LlmDiscard.KindOf(discard.StoredReason));
    }

    [Fact]
    public void An_unknown_code_is_shown_by_its_key_not_by_the_field_name()
    {
        var (_, discard) = LlmAnswer.Parse("""{"BusinessMetric":"churn"}""", Taxonomy);

        Assert.Equal("the answer names a code that is not in the taxonomy: {0}", discard!.Template);
        Assert.Equal(["churn"], discard.Arguments);
    }

    [Theory]
    [InlineData("pending: the call is in progress")]
    [InlineData("invalid answer: not valid JSON")]
    [InlineData("Later: a kind that does not exist")]
    [InlineData(null)]
    public void A_stored_reason_without_a_known_kind_is_not_counted_by_kind(string? stored) => Assert.Null(LlmDiscard.KindOf(stored));

    [Fact]
    public void The_schema_is_strict_and_its_enums_are_the_offered_keys()
    {
        var schema = JsonDocument.Parse(LlmAnswer.Schema(Taxonomy).ToJsonString()).RootElement;

        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["BusinessMetric", "CapabilityGap", "OwningDomain", "ValueDimension", "Tags"],
            schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var metric = schema.GetProperty("properties").GetProperty("BusinessMetric");
        Assert.Equal(["string", "null"], metric.GetProperty("type").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["nps", null], metric.GetProperty("enum").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()));
        Assert.Equal(["Pain", "Need", "Expectation", "Dream", null],
            schema.GetProperty("properties").GetProperty("ValueDimension").GetProperty("enum").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? null : e.GetString()));
        var tags = schema.GetProperty("properties").GetProperty("Tags");
        Assert.Equal("array", tags.GetProperty("type").GetString());
        Assert.Equal(["t1", "t2"], tags.GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void A_field_with_nothing_offered_is_left_out_and_a_huge_taxonomy_drops_the_enums()
    {
        var noGaps = new LlmTaxonomy(new Dictionary<SuggestionField, IReadOnlyList<TaxonomyEntryText>>
        {
            [SuggestionField.Tags] = Enumerable.Range(0, LlmAnswer.MaxSchemaEnumValues).Select(i => new TaxonomyEntryText(SuggestionField.Tags, $"t{i}", "T", null, null)).ToList(),
        });

        var schema = JsonDocument.Parse(LlmAnswer.Schema(noGaps).ToJsonString()).RootElement;

        Assert.Equal(["ValueDimension", "Tags"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(schema.GetProperty("properties").TryGetProperty("CapabilityGap", out _));
        var items = schema.GetProperty("properties").GetProperty("Tags").GetProperty("items");
        Assert.Equal("string", items.GetProperty("type").GetString());
        Assert.False(items.TryGetProperty("enum", out _));
    }

    [Fact]
    public void Tags_are_deduplicated_and_keep_the_taxonomy_spelling()
    {
        var (answer, _) = LlmAnswer.Parse("""{"Tags":["T2","t1","t2"]}""", Taxonomy);

        Assert.Equal(["t2", "t1"], answer!.Tags);
    }
}
