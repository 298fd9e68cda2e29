using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Import;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary><c>voc import FILE --channel C [--map column=field ...] [--batch-size N]</c>: the upload page's importer, from a shell.</summary>
public static class ImportCommand
{
    public const int BadInput = 2;
    private const int RejectionsShown = 20;

    public static Command Build(Func<CancellationToken, Task<ServiceProvider>>? createServices = null)
    {
        createServices ??= cancellationToken => CliHost.CreateAsync(cancellationToken);
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file (UTF-8, header row with the API's field names)." };
        var channel = new Option<string?>("--channel", "-c") { Description = "The channel key for rows without a 'channel' column value, e.g. support." };
        var map = new Option<string[]>("--map", "-m")
        {
            Description = "Rename a column: column=field (repeatable); column=- ignores it. Fields: " + string.Join(", ", CsvFeedbackImporter.FieldNames) + ".",
            AllowMultipleArgumentsPerToken = true,
        };
        var batchSize = new Option<int?>("--batch-size") { Description = "Rows per transaction (default: Import:BatchSize, 5000)." };
        var command = new Command("import", "Import voices from a CSV file (or, with a kind first, customer data: voc import customers|contracts|transactions|metrics FILE). Re-importing a file skips the rows already stored.") { file, channel, map, batchSize };
        foreach (var kind in Enum.GetValues<CustomerDataKind>())
            command.Subcommands.Add(BuildCustomerData(kind, createServices));
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                return Fail($"file not found: {path.FullName}");
            if (parse.GetValue(batchSize) is < 1)
                return Fail("--batch-size must be at least 1.");
            if (!ColumnMap.TryParse(parse.GetValue(map) ?? [], out var columnMap, out var mapError))
                return Fail($"--map {mapError}");

            await using var services = await createServices(cancellationToken);
            var importer = services.GetRequiredService<CsvFeedbackImporter>();
            var request = new ImportRequest
            {
                ChannelKey = parse.GetValue(channel),
                FileName = path.Name,
                ColumnMap = columnMap,
                BatchSize = parse.GetValue(batchSize),
                // Recorded as a job too (once the file is accepted), so imports from the shell show up on the upload page.
                RecordJob = true,
            };

            var printer = new ProgressPrinter();
            try
            {
                await using var stream = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                var report = await importer.ImportAsync(stream, request, printer, cancellationToken);
                printer.Done();
                PrintSummary(report);
                return 0;
            }
            catch (ImportRejectedException error)
            {
                printer.Done();
                return Fail(error.Message);
            }
        });
        return command;
    }

    /// <summary>
    /// <c>voc import customers|contracts|transactions|metrics FILE [--batch-size N]</c>: customer data through the API's
    /// rules. Rejected rows are printed and written to <c>FILE.rejected.csv</c> (line, field, reason) beside the input.
    /// </summary>
    private static Command BuildCustomerData(CustomerDataKind kind, Func<CancellationToken, Task<ServiceProvider>> createServices)
    {
        var (required, optional) = CsvCustomerDataImporter.Columns[kind];
        var file = new Argument<FileInfo>("FILE")
        {
            Description = $"The CSV file (UTF-8) with a header row: {string.Join(", ", required)} (required), {(optional.Length == 0 ? "no others" : string.Join(", ", optional))}.",
        };
        var batchSize = new Option<int?>("--batch-size") { Description = "Rows per transaction (default: Import:BatchSize, 5000)." };
        var command = new Command(CsvCustomerDataImporter.EnumNames(kind), $"Import {CsvCustomerDataImporter.EnumNames(kind)} from a CSV file. Re-importing a file stores every row once (the same reference or period replaces).") { file, batchSize };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                return Fail($"file not found: {path.FullName}");
            if (parse.GetValue(batchSize) is < 1)
                return Fail("--batch-size must be at least 1.");
            await using var services = await createServices(cancellationToken);
            var importer = services.GetRequiredService<CsvCustomerDataImporter>();
            var request = new CustomerDataImportRequest { Kind = kind, FileName = path.Name, BatchSize = parse.GetValue(batchSize), RecordJob = true };
            var printer = new ProgressPrinter();
            try
            {
                ImportReport report;
                await using (var stream = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                    report = await importer.ImportAsync(stream, request, printer, cancellationToken);
                printer.Done();
                PrintSummary(report);
                var rejectedFile = path.FullName + ".rejected.csv";
                if (report.Rejections.Count > 0)
                {
                    await WriteRejectionsAsync(rejectedFile, report.Rejections, cancellationToken);
                    Console.WriteLine($"rejected rows: {rejectedFile}");
                }
                else if (File.Exists(rejectedFile))
                    File.Delete(rejectedFile); // an earlier run's report would describe rows that are now stored
                return 0;
            }
            catch (ImportRejectedException error)
            {
                printer.Done();
                return Fail(error.Message);
            }
        });
        return command;
    }

    private static async Task WriteRejectionsAsync(string path, IEnumerable<ImportRowError> rejections, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteLineAsync("line,field,reason");
        foreach (var rejection in rejections)
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{rejection.LineNumber},{Quote(rejection.Field)},{Quote(rejection.Reason)}").AsMemory(), cancellationToken);
    }

    private static string Quote(string value) => value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary><c>voc import-status [JOB-ID]</c>: the recent import jobs (or one), as the upload page shows them, interrupted ones included.</summary>
    public static Command BuildStatus(Func<CancellationToken, Task<ServiceProvider>>? createServices = null)
    {
        createServices ??= cancellationToken => CliHost.CreateAsync(cancellationToken);
        var jobId = new Argument<Guid?>("JOB-ID") { Description = "One job's id (as 'voc import' prints it); without it, the 20 most recent jobs.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("import-status", "Show the import jobs: running, succeeded, failed, or interrupted (the process stopped without finishing).") { jobId };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await createServices(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var query = db.ImportJobs.AsNoTracking();
            if (parse.GetValue(jobId) is { } id)
                query = query.Where(j => j.Id == id);
            var jobs = await query.OrderByDescending(j => j.CreatedAt).Take(RecentJobs).ToListAsync(cancellationToken);
            if (jobs.Count == 0)
            {
                Console.Error.WriteLine(parse.GetValue(jobId) is null ? "No imports yet." : "error: no import job with that id.");
                return parse.GetValue(jobId) is null ? 0 : 1;
            }
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var timeout = scope.ServiceProvider.GetRequiredService<IOptions<ImportOptions>>().Value.HeartbeatTimeout;
            foreach (var job in jobs)
                PrintJob(job, job.StatusAt(now, timeout));
            return 0;
        });
        return command;
    }

    private const int RecentJobs = 20;

    private static void PrintJob(ImportJob job, ImportJobStatus status)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"{job.Id}  {job.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {status,-11}  {job.FileName} ({(CsvCustomerDataImporter.KindOfJob(job.ChannelKey) is { } kind ? CsvCustomerDataImporter.EnumNames(kind) : job.ChannelKey)}): {job.RowsRead:N0} rows, imported {job.Imported:N0}, duplicates {job.Duplicates:N0}, rejected {job.Rejected:N0}"));
        if (status == ImportJobStatus.Interrupted)
            Console.WriteLine(string.Create(c,
                $"    no heartbeat since {job.HeartbeatAt ?? job.CreatedAt:yyyy-MM-dd HH:mm:ss}Z: its process stopped. Run 'voc import' on the same file again; rows already stored are skipped."));
        else if (job.Error is not null)
            Console.WriteLine($"    {job.Error}");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return BadInput;
    }

    private static void PrintSummary(ImportReport report)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c,
            $"imported {report.Imported:N0}, duplicates {report.Duplicates:N0}, rejected {report.Rejected:N0} of {report.RowsRead:N0} rows in {report.Elapsed.TotalSeconds:0.0} s ({report.RowsPerSecond:N0} rows/s)"));
        if (report.JobId is { } jobId)
            Console.WriteLine($"job {jobId} (web: /import/{jobId})");
        foreach (var rejection in report.Rejections.Take(RejectionsShown))
            Console.WriteLine(string.Create(c, $"line {rejection.LineNumber}: {rejection.Field}: {rejection.Reason}"));
        if (report.Rejections.Count > RejectionsShown)
            Console.WriteLine(string.Create(c, $"… and {report.Rejections.Count - RejectionsShown:N0} more rejection(s); see the import's page for all of them."));
    }

    /// <summary>One line on stderr: rewritten in place on a terminal, a line every few seconds when redirected (logs, CI).</summary>
    private sealed class ProgressPrinter : IProgress<ImportProgress>
    {
        private readonly bool _interactive = !Console.IsErrorRedirected;
        private readonly System.Diagnostics.Stopwatch _sinceLast = System.Diagnostics.Stopwatch.StartNew();
        private bool _wroteInPlace;

        public void Report(ImportProgress value)
        {
            var interval = _interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);
            if (_sinceLast.Elapsed < interval)
                return;
            _sinceLast.Restart();
            var percent = value.Percent is { } p ? string.Create(CultureInfo.InvariantCulture, $"{p,5:0.0}% ") : "";
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{percent}{value.RowsRead:N0} rows: {value.Imported:N0} imported, {value.Duplicates:N0} duplicates, {value.Rejected:N0} rejected ({value.RowsPerSecond:N0} rows/s)");
            if (_interactive)
            {
                Console.Error.Write("\r" + line.PadRight(Math.Max(line.Length, 100)));
                _wroteInPlace = true;
            }
            else
            {
                Console.Error.WriteLine(line);
            }
        }

        public void Done()
        {
            if (_wroteInPlace)
                Console.Error.WriteLine();
            _wroteInPlace = false;
        }
    }
}
