using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using global::CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Import;

/// <summary>What a customer-data CSV holds; <c>voc import KIND FILE</c> and the upload page name it.</summary>
public enum CustomerDataKind
{
    Customers,
    Contracts,
    Transactions,
    Metrics,
}

/// <summary>What to import from a customer-data CSV.</summary>
public sealed record CustomerDataImportRequest
{
    public required CustomerDataKind Kind { get; init; }
    public required string FileName { get; init; }

    /// <inheritdoc cref="ImportRequest.JobId"/>
    public Guid? JobId { get; init; }

    /// <inheritdoc cref="ImportRequest.RecordJob"/>
    public bool RecordJob { get; init; }

    /// <inheritdoc cref="ImportRequest.StartedById"/>
    public string? StartedById { get; init; }

    /// <inheritdoc cref="ImportRequest.BatchSize"/>
    public int? BatchSize { get; init; }
}

/// <summary>
/// Streams a CSV of customers, contracts, purchases or behaviour measurements through <see cref="CustomerDataService"/>
/// and <see cref="BehaviourDataService"/> (the API's rules) in committed batches: a bad row is rejected with its line and
/// field, the others are stored; re-importing a file stores every row once (same reference or period: replaced). A
/// wrong header fails the file before anything is written. The job is an <see cref="ImportJob"/> like a feedback
/// import's, its <see cref="ImportJob.ChannelKey"/> holding the kind (<see cref="JobMarker"/>), so the upload page and
/// <c>voc import-status</c> show both.
/// </summary>
public sealed class CsvCustomerDataImporter(IServiceScopeFactory scopes, ImportJobStore jobs, IOptions<ImportOptions> options)
{
    /// <summary>The columns of each kind; the required ones first.</summary>
    public static readonly IReadOnlyDictionary<CustomerDataKind, (string[] Required, string[] Optional)> Columns = new Dictionary<CustomerDataKind, (string[], string[])>
    {
        [CustomerDataKind.Customers] = (["reference"], ["name", "industry", "region", "plan", "sites", "inCoBuildProgramme", "annualRecurringRevenue", "acquisitionCost", "csm", "salesOwner", "acquiredAt"]),
        [CustomerDataKind.Contracts] = (["customer", "reference", "startsOn", "endsOn", "annualValue"], ["renews", "status", "renewalDriver"]),
        [CustomerDataKind.Transactions] = (["customer", "reference", "occurredAt", "amount"], []),
        [CustomerDataKind.Metrics] = (["customer", "metric", "period", "value"], []),
    };

    /// <summary>"(transactions)": what an <see cref="ImportJob"/> of this kind keeps in its channel column, which no channel key can be.</summary>
    public static string JobMarker(CustomerDataKind kind) => $"({EnumNames(kind)})";

    /// <summary>The kind a job's channel column names, or null for a feedback import.</summary>
    public static CustomerDataKind? KindOfJob(string channelKey) =>
        Enum.GetValues<CustomerDataKind>().Cast<CustomerDataKind?>().FirstOrDefault(k => JobMarker(k!.Value) == channelKey);

    public static string EnumNames(CustomerDataKind kind) => kind.ToString().ToLowerInvariant();

    public static CustomerDataKind? ParseKind(string? text) =>
        Enum.GetValues<CustomerDataKind>().Cast<CustomerDataKind?>().FirstOrDefault(k => string.Equals(EnumNames(k!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public async Task<ImportReport> ImportAsync(Stream input, CustomerDataImportRequest request, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
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
            await jobs.FinishAsync(id, ImportJobStatus.Failed, error switch
            {
                ImportRejectedException => error.Message,
                OperationCanceledException => "The import was cancelled; batches committed before that are kept (re-running the file stores each row once).",
                _ => $"The import stopped: {error.Message} Batches committed before that are kept (re-running the file stores each row once).",
            });
            throw;
        }
    }

    private async Task<ImportReport> RunAsync(Stream input, CustomerDataImportRequest request, Action<Guid> jobCreated, IProgress<ImportProgress>? progress,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var batchSize = Math.Max(1, request.BatchSize ?? settings.BatchSize);
        var stopwatch = Stopwatch.StartNew();
        long? totalBytes = input.CanSeek ? input.Length - input.Position : null;
        long malformedLine = 0;
        using var csv = CsvReader.Create(input, new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Recover,
            OnMalformedRecord = record => malformedLine = record.LineNumber,
            MaxRecordSize = 1024 * 1024,
        }, leaveOpen: true);

        var (required, optional) = Columns[request.Kind];
        var expected = string.Join(", ", required.Concat(optional));
        if (!csv.Read())
            throw new ImportRejectedException($"'{request.FileName}' is empty: expected a header row ({expected}).");
        var columns = ResolveHeader(csv, required, optional, expected);

        var jobId = request.JobId;
        if (jobId is null && request.RecordJob)
        {
            jobId = (await jobs.CreateAsync(request.FileName, JobMarker(request.Kind), totalBytes, request.StartedById, cancellationToken)).Id;
            jobCreated(jobId.Value);
        }
        if (jobId is { } running)
            await jobs.MarkRunningAsync(running, totalBytes, cancellationToken);

        var kept = new List<ImportRowError>();
        var unsaved = new List<ImportRowError>();
        int rowsRead = 0, imported = 0, duplicates = 0, rejected = 0;
        var batch = new Batch(request.Kind, batchSize);

        void Reject(ImportRowError error, bool countRow)
        {
            if (countRow)
                rejected++;
            if (kept.Count >= settings.MaxStoredRejections)
                return;
            kept.Add(error);
            unsaved.Add(error);
        }

        async Task FlushAsync(bool final)
        {
            if (batch.Count > 0)
            {
                await using var scope = scopes.CreateAsyncScope();
                var summary = await batch.WriteAsync(scope.ServiceProvider, cancellationToken);
                imported += summary.Stored;
                duplicates += summary.Unchanged;
                foreach (var group in summary.Errors.GroupBy(e => e.Index))
                {
                    var first = true;
                    foreach (var error in group)
                    {
                        Reject(new(batch.Lines[error.Index], error.Field, error.Message), first);
                        first = false;
                    }
                }
                batch.Clear();
            }
            var snapshot = new ImportProgress(rowsRead, final && totalBytes is { } total ? total : csv.ByteOffset, totalBytes, imported, duplicates, rejected, stopwatch.Elapsed);
            progress?.Report(snapshot);
            if (jobId is { } id)
            {
                await jobs.SaveProgressAsync(id, snapshot, unsaved, cancellationToken);
                unsaved.Clear();
            }
        }

        var rowErrors = new List<FieldError>();
        while (csv.Read())
        {
            rowsRead++;
            var line = (int)csv.LineNumber;
            rowErrors.Clear();
            if (csv.FieldCount != columns[""])
                rowErrors.Add(new("row", $"The row has {csv.FieldCount} fields; the header has {columns[""]} (a stray comma or an unclosed quote?)."));
            else if (malformedLine == csv.LineNumber)
                rowErrors.Add(new("row", "The row's quoting is broken (a quote inside an unquoted field, or text after a closing quote); quote the whole field and double the quotes inside it."));
            else
                batch.Add(new Cells(csv, columns, rowErrors), line);
            if (rowErrors.Count > 0)
            {
                batch.DropLast(line);
                for (var i = 0; i < rowErrors.Count; i++)
                    Reject(new(line, rowErrors[i].Field, rowErrors[i].Message), i == 0);
            }
            if (batch.Count >= batchSize)
            {
                await FlushAsync(final: false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        await FlushAsync(final: true);
        return new ImportReport(jobId, rowsRead, imported, duplicates, rejected, stopwatch.Elapsed, kept);
    }

    private static Dictionary<string, int> ResolveHeader(CsvReader csv, string[] required, string[] optional, string expected)
    {
        var known = required.Concat(optional).ToDictionary(c => c, c => c, StringComparer.OrdinalIgnoreCase);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var span = csv.GetSpan(i);
            if (!Utf8.IsValid(span))
                throw new ImportRejectedException("Wrong header: it is not valid UTF-8. Save the file as UTF-8 (with or without BOM).");
            var name = Encoding.UTF8.GetString(span).Trim();
            if (!known.TryGetValue(name, out var field))
                problems.Add(name.Length == 0 ? $"column {i + 1} has no name" : $"unknown column '{name}'");
            else if (!columns.TryAdd(field, i))
                problems.Add($"duplicate column '{name}'");
        }
        problems.AddRange(required.Where(r => !columns.ContainsKey(r)).Select(r => $"required column '{r}' is missing"));
        if (problems.Count > 0)
            throw new ImportRejectedException($"Wrong header: {string.Join("; ", problems)}. Expected columns: {expected}.");
        // The header's width, for the field-count check of each row.
        columns[""] = csv.FieldCount;
        return columns;
    }

    /// <summary>One row's cells by column name, parsed into the API's types; a cell that does not parse is an error naming its column.</summary>
    private readonly struct Cells(CsvReader csv, Dictionary<string, int> columns, List<FieldError> errors)
    {
        public string? Text(string column)
        {
            if (!columns.TryGetValue(column, out var ordinal))
                return null;
            var bytes = csv.GetSpan(ordinal);
            if (bytes.IsEmpty)
                return null;
            if (!Utf8.IsValid(bytes))
            {
                errors.Add(new(column, "The value holds bytes that are not valid UTF-8; save the file as UTF-8."));
                return null;
            }
            var text = Encoding.UTF8.GetString(bytes).Trim();
            return text.Length == 0 ? null : text;
        }

        public T? Parse<T>(string column, string expected, TryParser<T> parse) where T : struct
        {
            if (Text(column) is not { } text)
                return null;
            if (parse(text, out var value))
                return value;
            errors.Add(new(column, $"'{(text.Length <= 40 ? text : text[..40] + "…")}' is not {expected}."));
            return null;
        }

        public decimal? Decimal(string column) => Parse<decimal>(column, "a number such as 1250.50",
            (string s, out decimal v) => decimal.TryParse(s, NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out v));

        public double? Double(string column) => Parse<double>(column, "a number such as 42.5",
            (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v));

        public int? Int(string column) => Parse<int>(column, "a whole number",
            (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v));

        public bool? Bool(string column) => Parse<bool>(column, "true or false", (string s, out bool v) =>
        {
            var lower = s.ToLowerInvariant();
            v = lower is "true" or "yes" or "1";
            return v || lower is "false" or "no" or "0";
        });

        public DateOnly? Date(string column) => Parse<DateOnly>(column, "a date such as 2026-01-31",
            (string s, out DateOnly v) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out v));

        public DateTimeOffset? Instant(string column) => Parse<DateTimeOffset>(column, "an ISO 8601 date and time such as 2026-03-04T05:06:07Z",
            (string s, out DateTimeOffset v) => DateTimeOffset.TryParseExact(s, CsvFeedbackImporter.DateFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out v));
    }

    private delegate bool TryParser<T>(string text, out T value);

    /// <summary>The rows of one batch, of one kind, and the line each came from.</summary>
    private sealed class Batch(CustomerDataKind kind, int capacity)
    {
        private readonly List<CustomerInput> _customers = [];
        private readonly List<CustomerRow<ContractInput>> _contracts = [];
        private readonly List<CustomerRow<TransactionInput>> _transactions = [];
        private readonly List<CustomerRow<MeasurementInput>> _metrics = [];
        public readonly List<int> Lines = new(capacity);

        public int Count => Lines.Count;

        public void Add(Cells row, int line)
        {
            switch (kind)
            {
                case CustomerDataKind.Customers:
                    _customers.Add(new CustomerInput
                    {
                        Reference = row.Text("reference"), Name = row.Text("name"), Industry = row.Text("industry"), Region = row.Text("region"),
                        Plan = row.Text("plan"), Sites = row.Int("sites"), InCoBuildProgramme = row.Bool("inCoBuildProgramme"),
                        AnnualRecurringRevenue = row.Decimal("annualRecurringRevenue"), AcquisitionCost = row.Decimal("acquisitionCost"),
                        Csm = row.Text("csm"), SalesOwner = row.Text("salesOwner"), AcquiredAt = row.Instant("acquiredAt"),
                    });
                    break;
                case CustomerDataKind.Contracts:
                    _contracts.Add(new(row.Text("customer"), new ContractInput
                    {
                        Reference = row.Text("reference"), StartsOn = row.Date("startsOn"), EndsOn = row.Date("endsOn"), AnnualValue = row.Decimal("annualValue"),
                        Renews = row.Text("renews"), Status = row.Text("status"), RenewalDriver = row.Text("renewalDriver"),
                    }));
                    break;
                case CustomerDataKind.Transactions:
                    _transactions.Add(new(row.Text("customer"), new TransactionInput { Reference = row.Text("reference"), OccurredAt = row.Instant("occurredAt"), Amount = row.Decimal("amount") }));
                    break;
                default:
                    _metrics.Add(new(row.Text("customer"), new MeasurementInput { Metric = row.Text("metric"), Period = row.Text("period"), Value = row.Double("value") }));
                    break;
            }
            Lines.Add(line);
        }

        /// <summary>Takes back the row just added (its cells did not parse); does nothing when it was never added.</summary>
        public void DropLast(int line)
        {
            if (Lines.Count == 0 || Lines[^1] != line)
                return;
            Lines.RemoveAt(Lines.Count - 1);
            RemoveLast(_customers);
            RemoveLast(_contracts);
            RemoveLast(_transactions);
            RemoveLast(_metrics);
        }

        public Task<WriteSummary> WriteAsync(IServiceProvider services, CancellationToken cancellationToken) => kind switch
        {
            CustomerDataKind.Customers => services.GetRequiredService<CustomerDataService>().UpsertCustomersAsync(_customers, WriteMode.SkipInvalid, cancellationToken),
            CustomerDataKind.Contracts => services.GetRequiredService<CustomerDataService>().SaveContractsAsync(_contracts, WriteMode.SkipInvalid, cancellationToken),
            CustomerDataKind.Transactions => services.GetRequiredService<CustomerDataService>().SaveTransactionsAsync(_transactions, WriteMode.SkipInvalid, cancellationToken),
            _ => services.GetRequiredService<BehaviourDataService>().SaveMeasurementsAsync(_metrics, WriteMode.SkipInvalid, cancellationToken),
        };

        public void Clear()
        {
            Lines.Clear();
            _customers.Clear();
            _contracts.Clear();
            _transactions.Clear();
            _metrics.Clear();
        }

        private static void RemoveLast<T>(List<T> list)
        {
            if (list.Count > 0)
                list.RemoveAt(list.Count - 1);
        }
    }
}
