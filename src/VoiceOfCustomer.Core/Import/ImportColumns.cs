namespace VoiceOfCustomer.Import;

/// <summary>The fields a CSV column can feed, named as in the intake API's JSON.</summary>
internal enum ImportField
{
    ExternalId,
    Customer,
    Verbatim,
    ReceivedAt,
    Language,
    ContactName,
    ContactEmail,
    ContactRole,
    Metadata,
    Channel,
}

/// <summary>Resolves a header (plus a <c>--map</c>) to field ordinals, or explains everything wrong with it at once.</summary>
internal sealed class ImportColumns
{
    public const int FieldCount = 10;

    public static readonly string[] FieldNames =
        ["externalId", "customer", "verbatim", "receivedAt", "language", "contact.name", "contact.email", "contact.role", "metadata", "channel"];

    private static readonly Dictionary<string, ImportField> ByName = BuildNames();

    private readonly int[] _ordinals;

    private ImportColumns(int[] ordinals, int headerCount)
    {
        _ordinals = ordinals;
        HeaderCount = headerCount;
    }

    public int HeaderCount { get; }

    /// <summary>The column index feeding a field, or -1.</summary>
    public int this[ImportField field] => _ordinals[(int)field];

    public bool Has(ImportField field) => _ordinals[(int)field] >= 0;

    public static string Name(ImportField field) => FieldNames[(int)field];

    public static bool TryParseField(string name, out ImportField field) => ByName.TryGetValue(name.Trim(), out field);

    public static ImportColumns Resolve(IReadOnlyList<string> header, IReadOnlyDictionary<string, string>? map)
    {
        var problems = new List<string>();
        var mapByColumn = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (column, field) in map ?? new Dictionary<string, string>())
        {
            if (!mapByColumn.TryAdd(column.Trim(), field.Trim()))
                problems.Add($"--map names column '{column.Trim()}' twice");
        }

        var ordinals = new int[FieldCount];
        Array.Fill(ordinals, -1);
        var seenColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var usedMaps = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var column = header[i].Trim();
            if (column.Length == 0)
            {
                problems.Add($"column {i + 1} has no name");
                continue;
            }
            if (!seenColumns.Add(column))
            {
                problems.Add($"duplicate column '{column}'");
                continue;
            }
            var target = column;
            if (mapByColumn.TryGetValue(column, out var mapped))
            {
                usedMaps.Add(column);
                if (mapped is "" or "-")
                    continue;
                target = mapped;
            }
            if (!ByName.TryGetValue(target, out var field))
            {
                problems.Add(target == column
                    ? $"unknown column '{column}' (map it with column=field, or column=- to ignore it)"
                    : $"column '{column}' is mapped to unknown field '{target}'");
                continue;
            }
            if (ordinals[(int)field] >= 0)
            {
                problems.Add($"columns '{header[ordinals[(int)field]].Trim()}' and '{column}' both feed '{Name(field)}'");
                continue;
            }
            ordinals[(int)field] = i;
        }

        foreach (var column in mapByColumn.Keys.Where(c => !usedMaps.Contains(c)))
            problems.Add($"--map names column '{column}', which is not in the header");
        foreach (var required in (ImportField[])[ImportField.Customer, ImportField.Verbatim])
        {
            if (ordinals[(int)required] < 0)
                problems.Add($"required column '{Name(required)}' is missing");
        }

        if (problems.Count > 0)
            throw new ImportRejectedException(
                $"Wrong header: {string.Join("; ", problems)}. Expected columns: {string.Join(", ", FieldNames)}.");
        return new ImportColumns(ordinals, header.Count);
    }

    private static Dictionary<string, ImportField> BuildNames()
    {
        var names = new Dictionary<string, ImportField>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < FieldNames.Length; i++)
            names[FieldNames[i]] = (ImportField)i;
        names["contactName"] = ImportField.ContactName;
        names["contactEmail"] = ImportField.ContactEmail;
        names["contactRole"] = ImportField.ContactRole;
        return names;
    }
}
