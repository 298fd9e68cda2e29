using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using static VoiceOfCustomer.Benchmarks.BenchmarkSupport;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// <c>import [--rows 1000000] [--keep]</c>: generates a CSV, measures (a) a plain prepared-statement insert loop into a
/// fresh SQLite database as the baseline, (b) <c>voc import</c> in a child process into another fresh database, so the
/// peak memory is the import's alone, and (c) checks the targets: ≤ 30 s for 1M rows, ≤ 400 MB peak, ≥ 50% of the baseline's rows/s.
/// </summary>
internal static class ImportBenchmark
{
    public const string ChildMode = "import-child";
    private const int BaselineBatch = 5_000;
    private const double TargetSecondsPerMillion = 30;
    private const double TargetPeakMb = 400;
    private const double TargetRatio = 0.5;

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = IntOption(args, "--rows", 1_000_000);
        var keep = args.Contains("--keep");
        var folder = Directory.CreateTempSubdirectory("voc-bench-");
        try
        {
            var csv = Path.Combine(folder.FullName, "feedback.csv");
            var generate = Stopwatch.StartNew();
            ImportData.WriteCsv(csv, rows);
            Console.WriteLine(Invariant($"generated {rows:N0} rows, {new FileInfo(csv).Length / 1048576.0:0.0} MB of CSV in {generate.Elapsed.TotalSeconds:0.0} s ({csv})"));

            // (a) baseline
            var baselineDb = Path.Combine(folder.FullName, "baseline.db");
            var baselineSeconds = await BaselineAsync(baselineDb, rows);
            var baselineRate = rows / baselineSeconds;
            Console.WriteLine(Invariant($"baseline (prepared INSERT loop, {BaselineBatch:N0} rows per transaction): {baselineSeconds:0.00} s, {baselineRate:N0} rows/s"));

            // (b) the real import, alone in a child process
            var importDb = Path.Combine(folder.FullName, "import.db");
            await PrepareDatabaseAsync(ConnectionString(importDb));
            var child = await RunChildProcessAsync(csv, ConnectionString(importDb));
            if (child is null)
                return 1;
            var stored = await CountAsync(ConnectionString(importDb));
            var importRate = rows / child.Value.Seconds;
            var ratio = importRate / baselineRate;
            Console.WriteLine(Invariant($"import (voc import, child process): {child.Value.Seconds:0.00} s, {importRate:N0} rows/s, peak {child.Value.PeakMb:0} MB, {stored:N0} rows stored"));

            // (c) verdict, scaled to the row count for the time target
            var timeLimit = TargetSecondsPerMillion * rows / 1_000_000.0;
            var timeOk = child.Value.Seconds <= timeLimit;
            var memoryOk = child.Value.PeakMb <= TargetPeakMb;
            var ratioOk = ratio >= TargetRatio;
            var allStored = stored == rows;
            Console.WriteLine(Invariant($"time    {child.Value.Seconds,8:0.00} s   target ≤ {timeLimit:0.#} s   {Verdict(timeOk)}"));
            Console.WriteLine(Invariant($"memory  {child.Value.PeakMb,8:0} MB  target ≤ {TargetPeakMb:0} MB    {Verdict(memoryOk)}"));
            Console.WriteLine(Invariant($"ratio   {ratio,8:0.00}     target ≥ {TargetRatio:0.00}      {Verdict(ratioOk)}"));
            Console.WriteLine(Invariant($"rows    {stored,8:N0}     expected {rows:N0}   {Verdict(allStored)}"));
            Console.WriteLine(Invariant($"machine {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
            return timeOk && memoryOk && ratioOk && allStored ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (!keep)
                folder.Delete(recursive: true);
        }
    }

    /// <summary>The child: exactly what <c>voc import FILE --channel support</c> does, then its peak memory.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var stopwatch = Stopwatch.StartNew();
        var exit = await VoiceOfCustomer.Cli.Program.BuildRoot().Parse(["import", args[0], "--channel", "support"]).InvokeAsync();
        stopwatch.Stop();
        Console.WriteLine(Invariant($"RESULT exit={exit} seconds={stopwatch.Elapsed.TotalSeconds:0.000} peak_mb={PeakMemoryMb() ?? -1:0.0}"));
        return exit;
    }

    private static string ConnectionString(string file) => new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();

    private static string Verdict(bool ok) => ok ? "PASS" : "FAIL";

    /// <summary>Same schema and indexes as the app (EF migrations), plus the channel the rows go to.</summary>
    private static async Task PrepareDatabaseAsync(string connectionString)
    {
        var options = DatabaseServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<VocDbContext>(), DatabaseProvider.Sqlite, connectionString);
        await using var db = new VocDbContext((DbContextOptions<VocDbContext>)options.Options);
        await db.Database.MigrateAsync();
        db.Channels.Add(new Channel { Key = "support", Name = "Support", Touchpoint = Touchpoint.SupportTicket });
        await db.SaveChangesAsync();
    }

    private static async Task<double> BaselineAsync(string file, int rows)
    {
        var connectionString = ConnectionString(file);
        await PrepareDatabaseAsync(connectionString);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        // The same per-connection settings as the importer's writer, so the ratio compares code, not configuration.
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192;");
        var channelId = Convert.ToInt32(Scalar(connection, """SELECT "Id" FROM "Channels" WHERE "Key" = 'support'"""), System.Globalization.CultureInfo.InvariantCulture);

        // Customers and contacts exist up front: the loop below only inserts feedback, with ids already known.
        var customerIds = new int[ImportData.Customers];
        var contactIds = new int[ImportData.Customers, ImportData.ContactsPerCustomer];
        await using (var transaction = connection.BeginTransaction())
        {
            for (var c = 0; c < ImportData.Customers; c++)
            {
                var reference = ImportData.CustomerReference(c);
                customerIds[c] = Convert.ToInt32(Scalar(connection, $"""
                    INSERT INTO "Customers" ("Reference", "ReferenceNormalized", "Name", "LifecycleStage", "CreatedAt")
                    VALUES ('{reference}', '{reference}', '{reference}', 'Prospect', '2024-01-01 00:00:00') RETURNING "Id"
                    """, transaction), System.Globalization.CultureInfo.InvariantCulture);
                for (var k = 0; k < ImportData.ContactsPerCustomer; k++)
                    contactIds[c, k] = Convert.ToInt32(Scalar(connection, $"""
                        INSERT INTO "Contacts" ("CustomerId", "Name", "Email", "Role")
                        VALUES ({customerIds[c]}, '{ImportData.ContactName(c, k)}', '{ImportData.ContactEmail(c, k)}', '{(k == 0 ? "Buyer" : "User")}') RETURNING "Id"
                        """, transaction), System.Globalization.CultureInfo.InvariantCulture);
            }
            transaction.Commit();
        }

        var elapsed = TimeSpan.Zero;
        var chunk = new List<GeneratedRow>(BaselineBatch);
        using var enumerator = ImportData.Rows(rows).GetEnumerator();
        var more = true;
        while (more)
        {
            // Generating rows is not part of the measured loop.
            chunk.Clear();
            while (chunk.Count < BaselineBatch && (more = enumerator.MoveNext()))
                chunk.Add(enumerator.Current);
            if (chunk.Count == 0)
                break;

            var stopwatch = Stopwatch.StartNew();
            await using var transaction = connection.BeginTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO "FeedbackItems" ("ChannelId", "ExternalId", "CustomerId", "ContactId", "Verbatim", "ReceivedAt", "IngestedAt",
                                             "Language", "Status", "OwnerCsmId", "MetadataJson", "AttributionDueAt")
                VALUES (@channel, @external, @customer, @contact, @verbatim, @received, @ingested, @language, @status, NULL, @metadata, @due)
                ON CONFLICT ("ChannelId", "ExternalId") DO NOTHING
                """;
            var p = new SqliteParameter[10];
            string[] names = ["@channel", "@external", "@customer", "@contact", "@verbatim", "@received", "@ingested", "@language", "@status", "@metadata"];
            for (var i = 0; i < names.Length; i++)
                p[i] = command.Parameters.Add(new SqliteParameter { ParameterName = names[i] });
            var due = command.Parameters.Add(new SqliteParameter { ParameterName = "@due" });
            command.Prepare();
            foreach (var row in chunk)
            {
                var now = DateTime.UtcNow;
                p[0].Value = channelId;
                p[1].Value = row.ExternalId;
                p[2].Value = customerIds[row.CustomerIndex];
                p[3].Value = contactIds[row.CustomerIndex, row.ContactIndex];
                p[4].Value = row.Verbatim;
                p[5].Value = row.ReceivedAt;
                p[6].Value = now;
                p[7].Value = row.Language ?? "en";
                p[8].Value = "New";
                p[9].Value = (object?)row.Metadata ?? DBNull.Value;
                due.Value = now.AddHours(48);
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            elapsed += stopwatch.Elapsed;
        }
        return elapsed.TotalSeconds;
    }

    private static async Task<(double Seconds, double PeakMb)?> RunChildProcessAsync(string csv, string connectionString)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        var launched = Stopwatch.StartNew();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ImportBenchmark).Assembly.Location);
        start.ArgumentList.Add(ChildMode);
        start.ArgumentList.Add(csv);
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["ConnectionStrings__Default"] = connectionString;
        start.Environment["Database__MigrateOnStart"] = "true";
        using var process = Process.Start(start)!;
        (double, double)? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine("  child> " + line);
            if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                var fields = line[7..].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
                if (fields["exit"] == "0")
                    result = (double.Parse(fields["seconds"], System.Globalization.CultureInfo.InvariantCulture),
                        double.Parse(fields["peak_mb"], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        await process.WaitForExitAsync();
        Console.WriteLine(Invariant($"  child process wall time {launched.Elapsed.TotalSeconds:0.00} s"));
        if (result is null)
            Console.Error.WriteLine($"the import child failed (exit code {process.ExitCode})");
        return result;
    }

    private static async Task<long> CountAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        return (long)Scalar(connection, """SELECT COUNT(*) FROM "FeedbackItems" """)!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
