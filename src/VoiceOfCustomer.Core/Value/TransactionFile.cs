using System.Globalization;

namespace VoiceOfCustomer.Value;

/// <summary>The layouts <see cref="TransactionFile"/> reads.</summary>
public enum TransactionFileFormat
{
    /// <summary>Header <c>customer,date,amount</c> (any order, more columns ignored); ISO dates, optionally with a time.</summary>
    Csv,
    /// <summary>CDNOW's whitespace-separated <c>master_id sample_id yyyymmdd n_cds amount</c>, no header; the customer is the sample id.</summary>
    Cdnow,
}

/// <summary>A row of a transaction file that cannot be read; the message names the line and the value.</summary>
public sealed class TransactionFileException(long line, string message) : Exception(FormattableString.Invariant($"line {line}: {message}"))
{
    public long Line { get; } = line;
}

/// <summary>Streams purchases out of a transaction file, rejecting a bad row with its line number.</summary>
public static class TransactionFile
{
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
        "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    /// <summary>
    /// Reads purchases lazily. A negative or unreadable amount, an unreadable date, a date after <paramref name="now"/>'s
    /// day, or a missing column raises <see cref="TransactionFileException"/> for that line.
    /// </summary>
    public static IEnumerable<PurchaseRecord> Read(TextReader reader, TransactionFileFormat format, DateTimeOffset now) =>
        format == TransactionFileFormat.Cdnow ? ReadCdnow(reader, now) : ReadCsv(reader, now);

    private static IEnumerable<PurchaseRecord> ReadCdnow(TextReader reader, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5)
                throw new TransactionFileException(line, $"expected 5 columns (master_id sample_id yyyymmdd n_cds amount), found {fields.Length}: '{text.Trim()}'.");
            var customer = long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id.ToString(CultureInfo.InvariantCulture) // "0001" and "1" are the same customer
                : fields[1];
            if (!DateOnly.TryParseExact(fields[2], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw new TransactionFileException(line, $"date '{fields[2]}' is not a yyyymmdd date.");
            yield return new PurchaseRecord(customer, CheckNotFuture(line, date, fields[2], today), ParseAmount(line, fields[4]));
        }
    }

    private static IEnumerable<PurchaseRecord> ReadCsv(TextReader reader, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var headerText = reader.ReadLine();
        if (headerText is null)
            throw new TransactionFileException(1, "the file is empty; expected a header customer,date,amount.");
        var header = SplitCsvLine(1, headerText.TrimStart('\uFEFF'));
        int Column(string name)
        {
            var at = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            return at >= 0 ? at : throw new TransactionFileException(1, $"the header has no '{name}' column; expected customer,date,amount (found {string.Join(",", header)}).");
        }
        var (customerColumn, dateColumn, amountColumn) = (Column("customer"), Column("date"), Column("amount"));
        var needed = Math.Max(customerColumn, Math.Max(dateColumn, amountColumn)) + 1;
        long line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var record = SplitCsvLine(line, text);
            if (record.Length < needed)
                throw new TransactionFileException(line, $"expected {needed} columns (customer, date, amount), found {record.Length}: '{text.Trim()}'.");
            var customer = record[customerColumn];
            if (customer.Length == 0)
                throw new TransactionFileException(line, "the customer is empty.");
            var dateText = record[dateColumn];
            if (!DateTime.TryParseExact(dateText, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var timestamp))
                throw new TransactionFileException(line, $"date '{dateText}' is not an ISO date (yyyy-MM-dd, optionally with a time).");
            yield return new PurchaseRecord(customer, CheckNotFuture(line, DateOnly.FromDateTime(timestamp), dateText, today), ParseAmount(line, record[amountColumn]));
        }
    }

    /// <summary>One line's fields, trimmed; a field may be quoted ("a, b" and "" for a quote). Records span one line.</summary>
    private static string[] SplitCsvLine(long line, string text)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"')
                    field.Append(text[++i]);
                else
                    quoted = false;
            }
            else if (c == '"' && field.ToString().Trim().Length == 0)
            {
                field.Clear();
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted)
            throw new TransactionFileException(line, "a quoted field is not closed on its line.");
        fields.Add(field.ToString().Trim());
        return [.. fields];
    }

    private static DateOnly CheckNotFuture(long line, DateOnly date, string text, DateOnly today) =>
        date > today ? throw new TransactionFileException(line, FormattableString.Invariant($"date '{text}' is in the future (today is {today:yyyy-MM-dd}).")) : date;

    private static double ParseAmount(long line, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
            throw new TransactionFileException(line, $"amount '{text}' is not a number.");
        return amount < 0 ? throw new TransactionFileException(line, $"amount '{text}' is negative.") : amount;
    }
}
