using System.Globalization;
using global::CsvHelper;

namespace VoiceOfCustomer.Suggestions.Evaluation;

/// <summary>A labelled file that cannot be used; the message names the file and, where there is one, the line or column.</summary>
public sealed class LabeledCsvException(string message) : Exception(message);

/// <summary>A CSV file as read: its header and its records, each with the physical line it starts on.</summary>
public sealed record CsvTable(string FileName, IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows)
{
    /// <summary>The index of a column (exact name first, then ignoring case), or a <see cref="LabeledCsvException"/> listing the header.</summary>
    public int Column(string name)
    {
        var index = IndexOf(name);
        return index >= 0
            ? index
            : throw new LabeledCsvException($"{FileName}: no column '{name}'; the header has: {string.Join(", ", Header)}.");
    }

    public int IndexOf(string name)
    {
        for (var i = 0; i < Header.Count; i++)
            if (string.Equals(Header[i].Trim(), name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < Header.Count; i++)
            if (string.Equals(Header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}

/// <summary>One record; <see cref="Line"/> is the 1-based physical line it starts on (quoted line breaks counted).</summary>
public sealed record CsvRow(long Line, string[] Fields);

/// <summary>
/// Reads and writes the labelled CSV files of <c>voc suggest eval</c> and <c>voc suggest split</c>: comma separated,
/// a header row, UTF-8 with or without BOM, RFC 4180 quoting (commas, doubled quotes and line breaks inside quotes).
/// Broken quoting and records with the wrong number of fields are refused with their line number, so a bad file
/// is never half-scored.
/// </summary>
public static class LabeledCsv
{
    // Far above any labelled text; stops an unclosed quote from buffering a whole large file.
    private const int MaxRecordBytes = 4 * 1024 * 1024;

    /// <summary>
    /// The (text, label) pairs of a file. With <paramref name="requireLabel"/> off (out-of-scope files) the label
    /// column may be missing and labels may be empty; texts may always be empty (they are scored as abstentions).
    /// </summary>
    public static List<LabeledText> Read(string path, string textColumn = "text", string labelColumn = "label", bool requireLabel = true)
    {
        var table = ReadTable(path);
        var text = table.Column(textColumn);
        var label = requireLabel ? table.Column(labelColumn) : table.IndexOf(labelColumn);
        var result = new List<LabeledText>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var value = label >= 0 ? row.Fields[label].Trim() : "";
            if (requireLabel && value.Length == 0)
                throw new LabeledCsvException($"{table.FileName}: line {row.Line}: the label ('{table.Header[label]}') is empty.");
            result.Add(new LabeledText(row.Fields[text], value));
        }
        return result;
    }

    public static CsvTable ReadTable(string path)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
            throw new LabeledCsvException($"{path}: file not found.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ReadTable(stream, name);
    }

    public static CsvTable ReadTable(Stream input, string fileName)
    {
        CsvMalformedRecord? broken = null;
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            AllowLineBreaksInQuotes = true,
            // Recover, then decide here: a stray quote inside an unquoted field (a 27" screen) is just text, but an
            // unclosed quote or text after a closing quote means the file's records are not what its author meant.
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => broken ??= record.Reason == CsvMalformedReason.StrayQuote ? null : record,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MaxRecordSize = MaxRecordBytes,
        };
        try
        {
            using var csv = CsvReader.Create(input, options, leaveOpen: true);
            var header = csv.Headers.ToArray();
            Check(broken, fileName);
            if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
                throw new LabeledCsvException($"{fileName}: the file is empty; expected a header row (e.g. text,label).");
            var rows = new List<CsvRow>();
            while (csv.Read())
            {
                Check(broken, fileName);
                if (csv.FieldCount != header.Length)
                    throw new LabeledCsvException(string.Create(CultureInfo.InvariantCulture,
                        $"{fileName}: line {csv.LineNumber}: {csv.FieldCount} field(s) where the header has {header.Length} (is a comma or a quote missing?)."));
                var fields = new string[csv.FieldCount];
                for (var i = 0; i < fields.Length; i++)
                    fields[i] = csv.GetString(i) ?? "";
                rows.Add(new CsvRow(csv.LineNumber, fields));
            }
            Check(broken, fileName);
            return new CsvTable(fileName, header, rows);
        }
        catch (CsvFormatException error)
        {
            var where = error.LineNumber > 0 ? string.Create(CultureInfo.InvariantCulture, $"line {error.LineNumber}: ") : "";
            throw new LabeledCsvException($"{fileName}: {where}malformed CSV: {error.Message}");
        }
    }

    private static void Check(CsvMalformedRecord? broken, string fileName)
    {
        if (broken is not { } record)
            return;
        var problem = record.Reason switch
        {
            CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed (its opening quote is in this record)",
            CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a quoted field (a quote inside a quoted field must be doubled: \"\")",
            var reason => $"malformed CSV ({reason})",
        };
        throw new LabeledCsvException(string.Create(CultureInfo.InvariantCulture, $"{fileName}: line {record.LineNumber}: {problem}."));
    }

    /// <summary>Writes a table (same header, quoting only where needed, UTF-8 without BOM, LF line ends).</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<CsvRow> rows)
    {
        using var csv = CsvWriter.ToFile(path, CsvWriterOptions.Default with { NewLine = "\n" });
        csv.WriteHeader(header.ToArray());
        foreach (var row in rows)
            csv.WriteRecord(row.Fields);
    }
}
