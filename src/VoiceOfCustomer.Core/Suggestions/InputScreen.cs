namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Input the suggester declines before scoring: nothing to read, too much to read, or a mix of scripts no customer
/// writes in. Latin mixed with Han, kana or Hangul is normal (English product names in Chinese text) and passes.
/// </summary>
public static class InputScreen
{
    public static AbstainReason? Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return AbstainReason.Empty;
        if (text.Length > TextFeaturizer.MaxLength)
            return AbstainReason.TooLong;
        return null;
    }

    /// <summary>
    /// True when the letters come from three or more scripts, or from two that are not Latin plus an East Asian
    /// script: such text is spam, a paste of several languages or an attack, and a confident code would be a guess.
    /// </summary>
    public static bool IsUnexpectedScriptMix(TextFeaturizer.Tokens tokens)
    {
        // A stray letter or two (a name, a symbol) does not make a text mixed; a script needs 10% of the letters.
        var significant = tokens.Scripts.Where(s => s.Value * 10 >= tokens.LetterCount).Select(s => s.Key).ToList();
        if (significant.Count <= 1)
            return false;
        if (significant.Count >= 3)
            return true;
        var eastAsian = significant.Count(s => s is "Han" or "Kana" or "Hangul");
        var latin = significant.Contains("Latin");
        return !(latin && eastAsian == 1) && !(eastAsian == 2 && significant.Contains("Han") && significant.Contains("Kana"));
    }
}
