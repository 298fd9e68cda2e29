using System.Globalization;
using System.Text;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Turns a verbatim into hashed sparse n-gram features that work for English and for Chinese without relying on
/// spaces: words and word pairs, character n-grams inside each word (which catch typos and inflections), and for
/// Han, kana and Hangul every character is a token of its own, so its pairs and triples act as the words a
/// segmenter would have found. Hashes are 64-bit FNV-1a, stable across processes, so a persisted model reads the
/// same features after a restart.
/// </summary>
public static class TextFeaturizer
{
    /// <summary>Texts longer than this are not scored: a suggestion for a whole document would be noise.</summary>
    public const int MaxLength = 20_000;

    // Feature families: each is weighted and normalised on its own, like a union of separate vectorisers.
    internal const int WordFamily = 0;
    internal const int CharFamily = 1;
    internal const int FamilyCount = 2;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>The tokens of a text plus what the input screen needs to know about its scripts.</summary>
    public sealed class Tokens
    {
        public List<string> Items { get; } = [];
        /// <summary>Parallel to <see cref="Items"/>: true for a single Han/kana/Hangul character.</summary>
        public List<bool> IsCjk { get; } = [];
        public int LetterCount { get; set; }
        /// <summary>Letters per script (Latin, Han, Cyrillic, ...), for the mixed-script screen.</summary>
        public Dictionary<string, int> Scripts { get; } = new(StringComparer.Ordinal);
    }

    public static Tokens Tokenize(string text)
    {
        var tokens = new Tokens();
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length == 0)
                return;
            tokens.Items.Add(word.ToString());
            tokens.IsCjk.Add(false);
            word.Clear();
        }
        foreach (var rune in normalized.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            var isLetter = category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
            var isMark = category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            if (isLetter)
            {
                tokens.LetterCount++;
                var script = ScriptOf(rune.Value);
                tokens.Scripts[script] = tokens.Scripts.GetValueOrDefault(script) + 1;
                if (script is "Han" or "Kana" or "Hangul")
                {
                    Flush();
                    tokens.Items.Add(rune.ToString());
                    tokens.IsCjk.Add(true);
                    continue;
                }
                word.Append(Rune.ToLowerInvariant(rune).ToString());
            }
            else if (category == UnicodeCategory.DecimalDigitNumber || (isMark && word.Length > 0))
            {
                word.Append(rune.ToString());
            }
            else if (rune.Value == '\'' && word.Length > 0)
            {
                // "don't" and "can't" stay one word; sklearn would split them, we keep the negation visible.
                word.Append('\'');
            }
            else
            {
                Flush();
            }
        }
        Flush();
        return tokens;
    }

    /// <summary>The features of <paramref name="tokens"/> with their counts, and the hash of each word (in order, repeats kept).</summary>
    public static (Dictionary<ulong, float> Counts, ulong[] WordKeys) Featurize(Tokens tokens)
    {
        var counts = new Dictionary<ulong, float>();
        Extract(tokens, counts);
        return (counts, tokens.Items.Select(WordHash).ToArray());
    }

    /// <summary>
    /// Adds every feature of <paramref name="tokens"/> to <paramref name="sink"/> as (family, hash) with its count.
    /// </summary>
    public static void Extract(Tokens tokens, Dictionary<ulong, float> sink)
    {
        var items = tokens.Items;
        if (items.Count > 0)
        {
            // How a request opens ("have i ...", "can you ...") and ends says much about what is asked.
            Add(sink, Hash(WordFamily, 'b', "\u0002", items[0]));
            Add(sink, Hash(WordFamily, 'b', items[^1], "\u0003"));
            if (items.Count > 1)
                Add(sink, Hash(WordFamily, 't', "\u0002" + items[0], items[1]));
        }
        for (var i = 0; i < items.Count; i++)
        {
            var token = items[i];
            Add(sink, Hash(WordFamily, 'w', token, null));
            if (i + 1 < items.Count)
                Add(sink, Hash(WordFamily, 'b', token, items[i + 1]));
            if (tokens.IsCjk[i])
            {
                if (i + 2 < items.Count && tokens.IsCjk[i + 1] && tokens.IsCjk[i + 2])
                    Add(sink, Hash(WordFamily, 't', token + " " + items[i + 1], items[i + 2]));
                continue;
            }
            AddCharGrams(sink, token);
        }
    }

    private static void AddCharGrams(Dictionary<ulong, float> sink, string token)
    {
        // Character n-grams of 1 to 5 inside " word ", so prefixes and suffixes are told apart from middles.
        Span<char> padded = token.Length + 2 <= 256 ? stackalloc char[token.Length + 2] : new char[token.Length + 2];
        padded[0] = ' ';
        token.AsSpan().CopyTo(padded[1..]);
        padded[^1] = ' ';
        for (var n = 1; n <= 5; n++)
        {
            for (var start = 0; start + n <= padded.Length; start++)
            {
                var gram = padded.Slice(start, n);
                if (n == 1 && gram[0] == ' ')
                    continue;
                Add(sink, HashSpan(CharFamily, 'c', gram));
            }
        }
    }

    private static void Add(Dictionary<ulong, float> sink, ulong key)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sink, key, out _);
        count++;
    }

    /// <summary>The hash of a word as a unigram feature: how the classifier remembers which words it has seen.</summary>
    internal static ulong WordHash(string token) => Hash(WordFamily, 'w', token, null);

    /// <summary>The family is kept in the top bits so a weighting pass can tell the families apart.</summary>
    internal static int FamilyOf(ulong key) => (int)(key >> 62);

    private static ulong Hash(int family, char kind, string first, string? second)
    {
        var hash = FnvOffset;
        hash = (hash ^ kind) * FnvPrime;
        foreach (var c in first)
            hash = (hash ^ c) * FnvPrime;
        if (second is not null)
        {
            hash = (hash ^ 0x1F) * FnvPrime;
            foreach (var c in second)
                hash = (hash ^ c) * FnvPrime;
        }
        return (hash & (ulong.MaxValue >> 2)) | ((ulong)family << 62);
    }

    private static ulong HashSpan(int family, char kind, ReadOnlySpan<char> gram)
    {
        var hash = FnvOffset;
        hash = (hash ^ kind) * FnvPrime;
        foreach (var c in gram)
            hash = (hash ^ c) * FnvPrime;
        return (hash & (ulong.MaxValue >> 2)) | ((ulong)family << 62);
    }

    /// <summary>A coarse script name for a letter: enough to tell Latin from Han from Cyrillic and so on.</summary>
    internal static string ScriptOf(int codePoint) => codePoint switch
    {
        <= 0x024F => "Latin",
        >= 0x1E00 and <= 0x1EFF => "Latin",
        >= 0x0370 and <= 0x03FF => "Greek",
        >= 0x0400 and <= 0x052F => "Cyrillic",
        >= 0x0590 and <= 0x05FF => "Hebrew",
        >= 0x0600 and <= 0x06FF => "Arabic",
        >= 0x0750 and <= 0x077F => "Arabic",
        >= 0x0900 and <= 0x0DFF => "Indic",
        >= 0x0E00 and <= 0x0E7F => "Thai",
        >= 0x1100 and <= 0x11FF => "Hangul",
        >= 0xAC00 and <= 0xD7AF => "Hangul",
        >= 0x3040 and <= 0x30FF => "Kana",
        >= 0x3400 and <= 0x4DBF => "Han",
        >= 0x4E00 and <= 0x9FFF => "Han",
        >= 0xF900 and <= 0xFAFF => "Han",
        >= 0x20000 and <= 0x3134F => "Han",
        _ => "Other",
    };
}
