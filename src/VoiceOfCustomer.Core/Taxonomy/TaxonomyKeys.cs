namespace VoiceOfCustomer.Taxonomy;

/// <summary>Keys for new taxonomy entries: a lower-case ASCII slug of the name, made unique with a numeric suffix.</summary>
public static class TaxonomyKeys
{
    /// <param name="fallback">Used when the name has no ASCII letters or digits to slug (a Chinese name).</param>
    /// <param name="isTaken">Whether an entry of the same kind already has the key.</param>
    public static async Task<string> UniqueSlugAsync(string name, string fallback, int maxLength, Func<string, Task<bool>> isTaken)
    {
        var slug = new string(name.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        slug = string.Join('-', slug.Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (slug.Length == 0)
            slug = fallback;
        slug = slug.Length > maxLength ? slug[..maxLength].TrimEnd('-') : slug;
        var key = slug;
        for (var n = 2; await isTaken(key); n++)
            key = $"{slug}-{n}";
        return key;
    }
}
