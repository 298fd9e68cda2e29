namespace VoiceOfCustomer.Import;

/// <summary>Parses <c>column=field</c> entries, as given to <c>--map</c> or typed one per line on the upload page.</summary>
public static class ColumnMap
{
    public static bool TryParse(IEnumerable<string> entries, out Dictionary<string, string> map, out string? error)
    {
        map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = null;
        foreach (var raw in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
                continue;
            var at = entry.IndexOf('=');
            if (at <= 0)
            {
                error = $"'{entry}' must look like column=field.";
                return false;
            }
            var column = entry[..at].Trim();
            if (!map.TryAdd(column, entry[(at + 1)..].Trim()))
            {
                error = $"column '{column}' is mapped twice.";
                return false;
            }
        }
        return true;
    }
}
