namespace VoiceOfCustomer.Import;

/// <summary>What to import: the default channel, the file's name (for the job and messages) and how columns map to fields.</summary>
public sealed record ImportRequest
{
    /// <summary>Channel for rows without a <c>channel</c> column value; may be null only when the file has that column.</summary>
    public string? ChannelKey { get; init; }
    public required string FileName { get; init; }

    /// <summary>CSV column → field name (e.g. <c>ticket_id → externalId</c>); a field of <c>-</c> or empty ignores the column.</summary>
    public IReadOnlyDictionary<string, string>? ColumnMap { get; init; }

    /// <summary>The <see cref="ImportJob"/> to keep up to date, when the import runs on behalf of one.</summary>
    public Guid? JobId { get; init; }

    /// <summary>Without a <see cref="JobId"/>: record the run as a new job once the header and channel are accepted (the CLI does).</summary>
    public bool RecordJob { get; init; }

    /// <summary>The user a job created through <see cref="RecordJob"/> is attributed to.</summary>
    public string? StartedById { get; init; }

    /// <summary>Rows per transaction; null uses <see cref="ImportOptions.BatchSize"/>.</summary>
    public int? BatchSize { get; init; }
}

/// <summary>A snapshot of a running import; <see cref="TotalBytes"/> is null when the stream has no length.</summary>
public sealed record ImportProgress(long RowsRead, long BytesRead, long? TotalBytes, int Imported, int Duplicates, int Rejected, TimeSpan Elapsed)
{
    public double? Percent => TotalBytes is > 0 ? Math.Min(100.0, 100.0 * BytesRead / TotalBytes.Value) : null;
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsRead / Elapsed.TotalSeconds : 0;
}

/// <summary>One refused row: its first physical line in the file (the header is line 1), the field at fault and why.</summary>
public sealed record ImportRowError(int LineNumber, string Field, string Reason);

/// <summary>The outcome of a processed file. <see cref="Rejections"/> holds at most <see cref="ImportOptions.MaxStoredRejections"/>; <see cref="Rejected"/> counts all.</summary>
public sealed record ImportReport(
    Guid? JobId,
    int RowsRead,
    int Imported,
    int Duplicates,
    int Rejected,
    TimeSpan Elapsed,
    IReadOnlyList<ImportRowError> Rejections)
{
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? RowsRead / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// The file as a whole cannot be imported (wrong header, unknown channel, unreadable input): nothing was written.
/// Callers report the message as is (the CLI exits with 2, the web job is marked failed).
/// </summary>
public sealed class ImportRejectedException(string message) : Exception(message);

/// <summary>Settings bound from the <c>Import</c> section.</summary>
public sealed class ImportOptions
{
    public const string SectionName = "Import";

    /// <summary>Rows per transaction: large enough to amortise the commit, small enough that SQLite's single writer is not held long.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>Rejections kept in memory and stored per job; the rest are only counted, so a broken file cannot fill the database.</summary>
    public int MaxStoredRejections { get; set; } = 10_000;

    /// <summary>Where the web upload page puts uploaded files while they wait for the worker; empty uses the system temp folder.</summary>
    public string? UploadFolder { get; set; }

    /// <summary>
    /// A running import beats with its progress, at least once per batch (a batch lasts at most
    /// <see cref="CsvFeedbackImporter.MaxBatchDuration"/>); one silent for longer than this is shown as interrupted: its
    /// process was killed or crashed. Keep it well above the batch time, or a slow import looks interrupted.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
