using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.UnitTests.Suggestions.Llm;

public sealed class LlmPromptTests
{
    private static readonly CodedExample[] Examples =
    [
        new("Invoices cannot be split across cost centres", null, null, "billing", "Need", ["invoice"]),
        new("The promotion was ignored by the replenishment forecast", "on-time", "promo-feed", "supply", "Pain", []),
        new("补货预测没有读取促销数据", "on-time", "promo-feed", "supply", "Pain", ["promo"]),
    ];

    [Fact]
    public void Nearest_ranks_by_word_overlap_and_leaves_out_examples_sharing_nothing()
    {
        var nearest = LlmPrompt.Nearest("the forecast ignored the promotion", Examples, 5);

        Assert.Equal(Examples[1], nearest[0]);
        Assert.DoesNotContain(Examples[2], nearest);
    }

    [Fact]
    public void Nearest_works_for_Chinese_without_spaces()
    {
        var nearest = LlmPrompt.Nearest("促销期间补货预测不准", Examples, 1);

        Assert.Equal([Examples[2]], nearest);
    }

    [Fact]
    public void Nearest_honours_the_count()
    {
        Assert.Empty(LlmPrompt.Nearest("invoice promotion forecast", Examples, 0));
        Assert.Single(LlmPrompt.Nearest("invoice promotion forecast", Examples, 1));
    }

    [Fact]
    public void The_user_message_quotes_examples_with_their_codes_the_local_suggestion_and_the_verbatim()
    {
        var text = LlmPrompt.UserText([Examples[0]], new Dictionary<SuggestionField, string> { [SuggestionField.OwningDomain] = "billing" }, "Split my invoice");

        Assert.Contains("\"Invoices cannot be split across cost centres\" → {\"OwningDomain\":\"billing\",\"ValueDimension\":\"Need\",\"Tags\":[\"invoice\"]}", text, StringComparison.Ordinal);
        Assert.Contains("Our local model suggests: {\"OwningDomain\":\"billing\"}", text, StringComparison.Ordinal);
        Assert.Contains("<<<\nSplit my invoice\n>>>", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
