using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Threading.Channels;
using global::CsvHelper;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Import;

/// <summary>
/// Streams a CSV of voices into the database: one row at a time through the API's validation rules, then
/// <see cref="FeedbackBulkWriter"/> in committed batches. Memory stays flat whatever the file's size (rows are not
/// kept, stored rejections are capped) and re-importing a file only counts duplicates. A wrong header, an unknown
/// channel or an empty file fails the whole import before anything is written.
/// </summary>
public sealed class CsvFeedbackImporter(
    DatabaseConnection database,
    ChannelCatalog channels,
    ImportJobStore jobs,
    DatabaseWriteGate writeGate,
    TimeProvider time,
    IOptions<ImportOptions> options,
    IOptions<IntakeOptions> intake)
{
    /// <summary>The columns a file may have (besides the aliases contactName, contactEmail and contactRole).</summary>
    public static IReadOnlyList<string> FieldNames => ImportColumns.FieldNames;

    private static readonly TimeSpan JobSaveInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A batch commits after this long even when it holds fewer rows than the batch size, so the job's heartbeat keeps beating.</summary>
    public static readonly TimeSpan MaxBatchDuration = TimeSpan.FromSeconds(5);

    /// <summary>The instants a CSV cell may hold (ISO 8601, with or without the time; UTC unless an offset is given).</summary>
    internal static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];

    public async Task<ImportReport> ImportAsync(Stream input, ImportRequest request, IProgress<ImportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var jobId = request.JobId;
        try
        {
            var report = await RunAsync(input, request, created => jobId = created, progress, cancellationToken);
            if (jobId is { } id)
                await jobs.FinishAsync(id, ImportJobStatus.Succeeded, null);
            return report;
        }
        catch (Exception error) when (jobId is { } id)
        {
            var message = error switch
            {
                ImportRejectedException => error.Message,
                OperationCanceledException => "The import was cancelled; batches committed before that are kept (re-running the file skips them).",
                _ => $"The import stopped: {error.Message} Batches committed before that are kept (re-running the file skips them).",
            };
            await jobs.FinishAsync(id, ImportJobStatus.Failed, message);
            throw;
        }
    }

    private async Task<ImportReport> RunAsync(Stream input, ImportRequest request, Action<Guid> jobCreated, IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batchSize = Math.Max(1, request.BatchSize ?? settings.BatchSize);
        var stopwatch = Stopwatch.StartNew();
        long? totalBytes = input.CanSeek ? input.Length - input.Position : null;
        long malformedLine = 0;
        // CsvHelper reads UTF-8 bytes (a BOM is skipped); each field is checked to be valid UTF-8 before it is decoded.
        var csvOptions = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false, // read as a record, so duplicate or blank names are ours to report
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => malformedLine = record.LineNumber,
            // Far above a valid row (20,000-char verbatim + 16 KB metadata); stops an unclosed quote from buffering the file.
            MaxRecordSize = 8 * 1024 * 1024,
        };
        using var csv = CsvReader.Create(input, csvOptions, leaveOpen: true);

        // --- the header decides whether anything happens at all --------------------------------------------------
        if (!csv.Read())
            throw new ImportRejectedException($"'{request.FileName}' is empty: expected a header row ({string.Join(", ", ImportColumns.FieldNames)}).");
        var header = new string[csv.FieldCount];
        for (var i = 0; i < header.Length; i++)
        {
            var span = csv.GetSpan(i);
            if (!Utf8.IsValid(span))
                throw new ImportRejectedException("Wrong header: it is not valid UTF-8. Save the file as UTF-8 (with or without BOM).");
            header[i] = Encoding.UTF8.GetString(span);
        }
        var columns = ImportColumns.Resolve(header, request.ColumnMap);

        int? defaultChannelId = null;
        if (!string.IsNullOrWhiteSpace(request.ChannelKey))
        {
            var channel = await channels.FindAsync(request.ChannelKey, cancellationToken);
            if (channel is null)
            {
                var known = await channels.KeysAsync(cancellationToken);
                throw new ImportRejectedException($"Unknown channel '{request.ChannelKey}'. Known channels: {(known.Count == 0 ? "none yet" : string.Join(", ", known))}.");
            }
            defaultChannelId = channel.Id;
        }
        else if (!columns.Has(ImportField.Channel))
        {
            throw new ImportRejectedException("No channel: choose one (--channel) or add a 'channel' column.");
        }

        // A job of its own is created only now that the file is known to be importable: a refused file leaves no trace.
        var jobId = request.JobId;
        if (jobId is null && request.RecordJob)
        {
            jobId = (await jobs.CreateAsync(request.FileName, request.ChannelKey?.Trim() ?? "(per row)", totalBytes, request.StartedById, cancellationToken)).Id;
            jobCreated(jobId.Value);
        }
        if (jobId is { } startedJob)
            await jobs.MarkRunningAsync(startedJob, totalBytes, cancellationToken);

        // --- rows ---------------------------------------------------------------------------------------------------
        // Two stages, so both cores work: this method writes while a producer parses and validates the next rows.
        // The bounded queue keeps memory flat: at most a few chunks of rows are in flight.
        var chunkSize = Math.Min(ChunkSize, batchSize);
        var pipe = System.Threading.Channels.Channel.CreateBounded<RowChunk>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        using var stopProducer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(csv, columns, defaultChannelId, () => malformedLine, chunkSize, pipe.Writer, stopProducer.Token), CancellationToken.None);

        var kept = new List<ImportRowError>();
        var unsaved = new List<ImportRowError>();
        int rowsRead = 0, imported = 0, duplicates = 0, rejected = 0, rowsInBatch = 0;
        long bytesRead = 0;
        var lastJobSave = TimeSpan.Zero;
        var batchStarted = TimeSpan.Zero;
        IDisposable? gate = null;

        ImportProgress Snapshot(bool final) => new(rowsRead, final && totalBytes is { } total ? total : bytesRead, totalBytes, imported, duplicates, rejected, stopwatch.Elapsed);

        // A file is a record of the past: each row's clock starts when the customer spoke (decision 0005).
        await using var writer = await FeedbackBulkWriter.OpenAsync(database, time, SlaClockStart.AtReceipt, cancellationToken);
        try
        {
            await foreach (var chunk in pipe.Reader.ReadAllAsync(cancellationToken))
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    if (chunk.Items[i] is not { } item)
                        continue;
                    if (gate is null)
                    {
                        gate = await writeGate.EnterAsync(cancellationToken);
                        writer.BeginBatch();
                    }
                    if (writer.Add(item))
                        imported++;
                    else
                        duplicates++;
                }
                rowsRead += chunk.Count;
                rejected += chunk.Rejected;
                bytesRead = chunk.BytesRead;
                foreach (var error in chunk.Errors)
                {
                    if (kept.Count >= settings.MaxStoredRejections)
                        break;
                    kept.Add(error);
                    unsaved.Add(error);
                }

                rowsInBatch += chunk.Count;
                if (rowsInBatch >= batchSize || stopwatch.Elapsed - batchStarted >= MaxBatchDuration)
                {
                    rowsInBatch = 0;
                    await CommitAsync();
                    batchStarted = stopwatch.Elapsed;
                    cancellationToken.ThrowIfCancellationRequested();
                    await ReportAsync(final: false);
                }
            }
            await producer;
            await CommitAsync();
            await ReportAsync(final: true);
        }
        catch
        {
            await stopProducer.CancelAsync();
            await writer.RollbackBatchAsync();
            gate?.Dispose();
            try
            {
                await producer;
            }
            catch (Exception)
            {
                // Already failing; the first error is the one to report.
            }
            throw;
        }

        return new ImportReport(jobId, rowsRead, imported, duplicates, rejected, stopwatch.Elapsed, kept);

        async Task CommitAsync()
        {
            if (gate is null)
                return;
            await writer.CommitBatchAsync(cancellationToken);
            gate.Dispose();
            gate = null;
        }

        // Between batches only: no writer transaction is open, so the job's own connection never waits on it.
        async Task ReportAsync(bool final)
        {
            var snapshot = Snapshot(final);
            progress?.Report(snapshot);
            if (jobId is { } savedJob && (final || snapshot.Elapsed - lastJobSave >= JobSaveInterval || unsaved.Count >= 1_000))
            {
                await jobs.SaveProgressAsync(savedJob, snapshot, unsaved, cancellationToken);
                unsaved.Clear();
                lastJobSave = snapshot.Elapsed;
            }
        }
    }

    private const int ChunkSize = 500;
    private const int QueuedChunks = 8;

    /// <summary>Rows handed from the parsing stage to the writing stage: a voice per row, or null and its errors.</summary>
    private sealed class RowChunk(int size)
    {
        public readonly BulkFeedback?[] Items = new BulkFeedback?[size];
        public readonly List<ImportRowError> Errors = [];
        public int Count;
        public int Rejected;
        public long BytesRead;
    }

    /// <summary>The parsing stage: reads, validates and queues rows in chunks; completes the queue with its error if it fails.</summary>
    private async Task ProduceAsync(CsvReader csv, ImportColumns columns, int? defaultChannelId, Func<long> malformedLine, int chunkSize,
        ChannelWriter<RowChunk> output, CancellationToken cancellationToken)
    {
        try
        {
            var channelIds = new Dictionary<string, int?>(StringComparer.OrdinalIgnoreCase);
            var rowErrors = new List<ImportRowError>();
            var chunk = new RowChunk(chunkSize);
            var now = time.GetUtcNow();
            while (csv.Read())
            {
                var line = (int)csv.LineNumber;
                var malformed = malformedLine() == csv.LineNumber;
                rowErrors.Clear();
                var item = ReadRow(csv, columns, line, malformed, now, intake.Value, defaultChannelId, channelIds, rowErrors);
                if (item is null && rowErrors.Count == 0)
                {
                    // The row's channel is named but not cached yet: look it up once, then read the row again.
                    var key = Encoding.UTF8.GetString(csv.GetSpan(columns[ImportField.Channel])).Trim();
                    channelIds[key] = (await channels.FindAsync(key, cancellationToken))?.Id;
                    item = ReadRow(csv, columns, line, malformed, now, intake.Value, defaultChannelId, channelIds, rowErrors);
                }
                chunk.Items[chunk.Count++] = item;
                if (item is null)
                {
                    chunk.Rejected++;
                    chunk.Errors.AddRange(rowErrors);
                }
                if (chunk.Count == chunkSize)
                {
                    chunk.BytesRead = csv.ByteOffset;
                    await output.WriteAsync(chunk, cancellationToken);
                    chunk = new RowChunk(chunkSize);
                    now = time.GetUtcNow();
                }
            }
            if (chunk.Count > 0)
            {
                chunk.BytesRead = csv.ByteOffset;
                await output.WriteAsync(chunk, cancellationToken);
            }
            output.Complete();
        }
        catch (Exception error)
        {
            output.Complete(error);
        }
    }

    /// <summary>
    /// The row as a voice ready to write, or null with <paramref name="errors"/> filled. Null with no errors means the
    /// row's channel is not in <paramref name="channelIds"/> yet (the caller looks it up and asks again).
    /// </summary>
    private static BulkFeedback? ReadRow(CsvReader csv, ImportColumns columns, int line, bool malformed, DateTimeOffset now, IntakeOptions window, int? defaultChannelId,
        Dictionary<string, int?> channelIds, List<ImportRowError> errors)
    {
        if (csv.FieldCount != columns.HeaderCount)
        {
            errors.Add(new(line, "row", $"The row has {csv.FieldCount} fields; the header has {columns.HeaderCount} (a stray comma or an unclosed quote?)."));
            return null;
        }
        if (malformed)
        {
            errors.Add(new(line, "row", "The row's quoting is broken (a quote inside an unquoted field, or text after a closing quote); quote the whole field and double the quotes inside it."));
            return null;
        }

        var externalId = Field(csv, columns, ImportField.ExternalId, line, errors);
        var customer = Field(csv, columns, ImportField.Customer, line, errors);
        var verbatim = Field(csv, columns, ImportField.Verbatim, line, errors);
        var receivedAtText = Field(csv, columns, ImportField.ReceivedAt, line, errors);
        var language = Field(csv, columns, ImportField.Language, line, errors);
        var contactName = Field(csv, columns, ImportField.ContactName, line, errors);
        var contactEmail = Field(csv, columns, ImportField.ContactEmail, line, errors);
        var contactRole = Field(csv, columns, ImportField.ContactRole, line, errors);
        var metadataText = Field(csv, columns, ImportField.Metadata, line, errors);
        var channelKey = Field(csv, columns, ImportField.Channel, line, errors);
        if (errors.Count > 0)
            return null;

        int channelId;
        if (channelKey is not null)
        {
            if (!channelIds.TryGetValue(channelKey.Trim(), out var found))
                return null;
            if (found is not { } id)
            {
                errors.Add(new(line, "channel", $"Unknown channel '{channelKey.Trim()}'."));
                return null;
            }
            channelId = id;
        }
        else if (defaultChannelId is { } fallback)
        {
            channelId = fallback;
        }
        else
        {
            errors.Add(new(line, "channel", "The row names no channel and the import has no default channel."));
            return null;
        }

        DateTimeOffset? receivedAt = null;
        if (receivedAtText is not null)
        {
            if (DateTimeOffset.TryParseExact(receivedAtText.Trim(), DateFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                receivedAt = parsed;
            else
                errors.Add(new(line, "receivedAt", $"'{Shorten(receivedAtText)}' is not an ISO 8601 date and time such as 2026-03-04T05:06:07Z."));
        }

        JsonDocument? metadata = null;
        try
        {
            if (metadataText is not null)
            {
                try
                {
                    metadata = JsonDocument.Parse(metadataText);
                }
                catch (JsonException)
                {
                    errors.Add(new(line, "metadata", "The metadata is not valid JSON; it must be a JSON object such as {\"priority\":\"high\"}."));
                }
            }
            if (errors.Count > 0)
                return null;

            var contact = contactName is null && contactEmail is null && contactRole is null
                ? null
                : new ContactSubmission { Name = contactName, Email = contactEmail, Role = contactRole };
            var submission = new FeedbackSubmission
            {
                Channel = "csv", // resolved above; the validator only needs it present
                ExternalId = externalId,
                Customer = customer,
                Contact = contact,
                Verbatim = verbatim,
                ReceivedAt = receivedAt,
                Language = language,
                Metadata = metadata?.RootElement,
            };
            var invalid = FeedbackValidator.Validate(submission, now, window);
            if (invalid.Count > 0)
            {
                foreach (var error in invalid)
                    errors.Add(new(line, error.Field, error.Message));
                return null;
            }

            return new BulkFeedback(
                channelId,
                externalId?.Trim() ?? FeedbackIntakeService.DeriveExternalId(submission),
                customer!,
                contact,
                verbatim!,
                (receivedAt ?? now).UtcDateTime,
                language ?? FeedbackValidator.DetectLanguage(verbatim!),
                metadata is null || metadata.RootElement.ValueKind == JsonValueKind.Null ? null : metadataText);
        }
        finally
        {
            metadata?.Dispose();
        }
    }

    /// <summary>A mapped field's value: null when the column is absent or the cell empty; an error when it held bytes that are not UTF-8.</summary>
    private static string? Field(CsvReader csv, ImportColumns columns, ImportField field, int line, List<ImportRowError> errors)
    {
        var ordinal = columns[field];
        if (ordinal < 0)
            return null;
        var bytes = csv.GetSpan(ordinal);
        if (bytes.IsEmpty)
            return null;
        if (!Utf8.IsValid(bytes))
        {
            errors.Add(new(line, ImportColumns.Name(field), "The value holds bytes that are not valid UTF-8; save the file as UTF-8."));
            return null;
        }
        return Encoding.UTF8.GetString(bytes);
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
