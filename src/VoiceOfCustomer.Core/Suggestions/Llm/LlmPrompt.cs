using System.Text;
using System.Text.Json;
using VoiceOfCustomer.Coding;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// The two messages of the prompt for one item: the system message (the taxonomy and the answer contract) and the user
/// message (the nearest coded examples, the local suggestion, the verbatim). <see cref="LlmKernel"/> puts them into its
/// prompt function as variables, so the template engine encodes them and a verbatim cannot open a message of its own.
/// </summary>
public static class LlmPrompt
{
    /// <summary>Coded examples are quoted up to this length: they show the style of coding, not every word.</summary>
    internal const int ExampleMaxChars = 600;

    private static readonly SuggestionField[] TaxonomyFields =
        [SuggestionField.BusinessMetric, SuggestionField.CapabilityGap, SuggestionField.OwningDomain, SuggestionField.Tags];

    internal static string SystemText(LlmTaxonomy taxonomy)
    {
        var text = new StringBuilder();
        text.AppendLine("You code customer feedback for a B2B software company. Choose, for the feedback the user sends, the codes below.");
        text.AppendLine("Use only the keys listed; leave a field out (or null) when none fits.");
        foreach (var field in TaxonomyFields)
        {
            text.AppendLine().Append("## ").Append(field).AppendLine(field == SuggestionField.Tags ? " (any number, as an array of keys)" : " (one key)");
            foreach (var entry in taxonomy.Of(field))
            {
                text.Append("- ").Append(entry.Key).Append(": ").Append(entry.Name);
                if (!string.IsNullOrWhiteSpace(entry.NameZh))
                    text.Append(" / ").Append(entry.NameZh);
                if (!string.IsNullOrWhiteSpace(entry.Description))
                    text.Append(" — ").Append(OneLine(entry.Description));
                text.AppendLine();
            }
        }
        text.AppendLine().AppendLine("## ValueDimension (one of)");
        text.AppendLine("- Pain: something hurts the customer now");
        text.AppendLine("- Need: a capability they require to do their job");
        text.AppendLine("- Expectation: what they assume a product like ours does");
        text.AppendLine("- Dream: an aspiration beyond today's needs");
        text.AppendLine().AppendLine("Answer with one JSON object and nothing else, keyed by field name, values being keys from the lists above:");
        text.AppendLine("""{"BusinessMetric":"<key>","CapabilityGap":"<key>","OwningDomain":"<key>","ValueDimension":"Pain|Need|Expectation|Dream","Tags":["<key>"]}""");
        return text.ToString();
    }

    internal static string UserText(IReadOnlyList<CodedExample> examples, IReadOnlyDictionary<SuggestionField, string>? localSuggestion, string verbatim)
    {
        var text = new StringBuilder();
        if (examples.Count > 0)
        {
            text.AppendLine("Similar feedback already coded by our team:");
            foreach (var example in examples)
            {
                text.Append("- \"").Append(OneLine(Clip(example.Text, ExampleMaxChars))).Append("\" → ").AppendLine(CodesJson(example));
            }
            text.AppendLine();
        }
        if (localSuggestion is { Count: > 0 })
        {
            text.Append("Our local model suggests: ")
                .AppendLine(JsonSerializer.Serialize(localSuggestion.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value)));
            text.AppendLine();
        }
        text.AppendLine("Feedback to code (between the markers):");
        text.AppendLine("<<<").AppendLine(verbatim).AppendLine(">>>");
        return text.ToString();
    }

    internal static string CodesJson(CodedExample example)
    {
        var codes = new Dictionary<SuggestionField, string>();
        void Put(SuggestionField field, string? value)
        {
            if (!string.IsNullOrEmpty(value))
                codes[field] = value;
        }
        Put(SuggestionField.BusinessMetric, example.BusinessMetric);
        Put(SuggestionField.CapabilityGap, example.CapabilityGap);
        Put(SuggestionField.OwningDomain, example.OwningDomain);
        Put(SuggestionField.ValueDimension, example.ValueDimension);
        return new LlmAnswer(codes, example.Tags).ToJson();
    }

    /// <summary>The <paramref name="count"/> examples whose token sets overlap the text's most (Jaccard), best first; ties keep the input order (newest first).</summary>
    public static IReadOnlyList<CodedExample> Nearest(string text, IReadOnlyList<CodedExample> examples, int count)
    {
        if (count <= 0 || examples.Count == 0)
            return [];
        var target = TokenSet(text);
        if (target.Count == 0)
            return [];
        return examples
            .Select((example, index) => (example, index, score: Jaccard(target, TokenSet(example.Text))))
            .Where(candidate => candidate.score > 0)
            .OrderByDescending(candidate => candidate.score)
            .ThenBy(candidate => candidate.index)
            .Take(count)
            .Select(candidate => candidate.example)
            .ToList();
    }

    internal static HashSet<string> TokenSet(string text) =>
        TextFeaturizer.Tokenize(text).Items.Select(token => token.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    internal static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
            return 0;
        var shared = a.Count <= b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
