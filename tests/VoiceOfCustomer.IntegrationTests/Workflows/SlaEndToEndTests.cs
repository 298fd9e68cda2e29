using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Email;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>
/// The SLA workflow with everything real and running on its own: the hosted dispatcher and outbox sender on a
/// real clock with second-long targets, real SMTP (maildev), two app instances on one PostgreSQL database, and an
/// app process killed mid-run and started again.
/// </summary>
public class SlaEndToEndTests
{
    private const int Levels = 3;

    private static Dictionary<string, string?> FastSla(string csLead, string board, int smtpPort) => new()
    {
        ["Workflows:DispatcherEnabled"] = "true",
        ["Workflows:PollInterval"] = "00:00:00.200",
        ["Workflows:BatchSize"] = "7", // several batches per pass, so claims interleave between instances
        ["Workflows:AttributionSla:DefaultTarget"] = "00:00:04",
        ["Email:Outbox:Enabled"] = "true",
        ["Email:Outbox:PollInterval"] = "00:00:00.200",
        ["Email:Outbox:InitialBackoff"] = "00:00:00.500",
        ["Email:Outbox:MaxBackoff"] = "00:00:01",
        ["Email:Outbox:MaxAttempts"] = "1000",
        // A killed app's claimed mails go back to the pool when their lease ends: keep that short here.
        ["Email:Outbox:LeaseDuration"] = "00:00:05",
        ["Email:Smtp:TimeoutSeconds"] = "2",
        ["Email:Smtp:ConnectTimeoutSeconds"] = "2",
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Escalation:CsLeadAddresses:0"] = csLead,
        ["Escalation:LeadershipAddresses:0"] = board,
    };

    [Fact]
    public async Task Two_app_instances_on_one_PostgreSQL_database_send_each_escalation_exactly_once()
    {
        using var mail = MailDev.FromEnvironment();
        var run = Guid.NewGuid().ToString("N")[..8];
        var (csLead, board) = ($"cs-lead-{run}@example.test", $"board-{run}@example.test");
        using var database = TestDatabase.CreatePostgres();
        var settings = FastSla(csLead, board, MailDev.SmtpPort);
        using var first = new VocAppFactory(database, settings);
        _ = first.Services; // start it: migrations run once, here
        await first.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(first, "TWO-" + run, "双实例客户 Two Instances Ltd");
        using var second = new VocAppFactory(database, settings);
        _ = second.Services;

        const int items = 30;
        await WebTestSupport.AddFeedbackAsync(first, [.. Enumerable.Range(0, items).Select(i =>
            new FeedbackItemSpec("support", $"TWO-{run}-{i}", customer.Id, $"Voice {i}: the export times out.", DateTime.UtcNow.AddMinutes(-1)))]); // stored (IngestedAt) a minute later: now

        await WaitUntilAsync(TimeSpan.FromSeconds(60), async () =>
            await first.WithDbAsync(db => db.SlaEscalations.CountAsync()) >= items * Levels
            && await first.WithDbAsync(db => db.OutboxEmails.CountAsync(m => m.State == OutboxEmailState.Sent)) >= items * Levels,
            () => first.WithDbAsync(StateOfAsync));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a late duplicate would show up now

        Assert.Equal(items * Levels, await first.WithDbAsync(db => db.SlaEscalations.CountAsync()));
        Assert.Equal(items * Levels, await first.WithDbAsync(db => db.WorkflowTimers.CountAsync(t => t.State == WorkflowTimerState.Fired)));
        Assert.Equal(items, await first.WithDbAsync(db => db.WorkflowInstances.CountAsync()));
        await AssertEachMailOnceAsync(mail, csLead, board, items);
    }

    [Fact]
    public async Task An_app_killed_mid_run_loses_and_repeats_nothing_after_restart()
    {
        using var mail = MailDev.FromEnvironment();
        var run = Guid.NewGuid().ToString("N")[..8];
        var (csLead, board) = ($"cs-lead-{run}@example.test", $"board-{run}@example.test");
        var folder = Directory.CreateTempSubdirectory("voc-kill-");
        var databaseFile = Path.Combine(folder.FullName, "voc.db");
        var settings = FastSla(csLead, board, MailDev.SmtpPort);
        // The first life has no SMTP server (a port nobody listens on): its mails must wait in the outbox.
        var downSettings = new Dictionary<string, string?>(settings) { ["Email:Smtp:Port"] = MailDev.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) };

        const int items = 40;
        var firstLife = await AppProcess.StartAsync(databaseFile, downSettings);
        try
        {
            await using var db = AppProcess.OpenDatabase(databaseFile);
            var channel = await db.Channels.FirstAsync(c => c.Key == "support");
            var customer = new Customer { Reference = "KILL-" + run, ReferenceNormalized = "KILL-" + run.ToUpperInvariant(), Name = "Kill Test GmbH", CreatedAt = DateTime.UtcNow };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            var now = DateTime.UtcNow;
            db.FeedbackItems.AddRange(Enumerable.Range(0, items).Select(i => new FeedbackItem
            {
                ChannelId = channel.Id, ExternalId = $"KILL-{i}", CustomerId = customer.Id, Verbatim = $"Voice {i}",
                ReceivedAt = now, IngestedAt = now, Language = "en", AttributionDueAt = now.AddHours(48),
            }));
            await db.SaveChangesAsync();

            // Kill it once some, not all, escalations happened.
            await WaitUntilAsync(TimeSpan.FromSeconds(60), async () => await db.SlaEscalations.CountAsync() >= items, () => StateOfAsync(db));
        }
        finally
        {
            firstLife.Kill();
        }
        await using (var db = AppProcess.OpenDatabase(databaseFile))
        {
            var before = await db.SlaEscalations.CountAsync();
            Assert.InRange(before, items, items * Levels - 1);
            Assert.Equal(0, await db.OutboxEmails.CountAsync(m => m.State == OutboxEmailState.Sent));
        }
        await Task.Delay(TimeSpan.FromSeconds(3)); // everything left falls due while no app runs

        var secondLife = await AppProcess.StartAsync(databaseFile, settings);
        try
        {
            await using var db = AppProcess.OpenDatabase(databaseFile);
            await WaitUntilAsync(TimeSpan.FromSeconds(90), async () =>
                await db.OutboxEmails.CountAsync(m => m.State == OutboxEmailState.Sent) >= items * Levels, () => StateOfAsync(db));
            await Task.Delay(TimeSpan.FromSeconds(1));

            Assert.Equal(items * Levels, await db.SlaEscalations.CountAsync());
            Assert.Equal(items * Levels, await db.WorkflowTimers.CountAsync(t => t.State == WorkflowTimerState.Fired));
            Assert.Equal(0, await db.WorkflowTimers.CountAsync(t => t.State == WorkflowTimerState.Pending));
            foreach (var itemLevels in (await db.SlaEscalations.OrderBy(e => e.Id).Select(e => new { e.FeedbackItemId, e.Level }).ToListAsync()).GroupBy(e => e.FeedbackItemId))
                Assert.Equal([SlaEscalationLevel.Warning, SlaEscalationLevel.Breach, SlaEscalationLevel.Leadership], itemLevels.Select(e => e.Level));
            await AssertEachMailOnceAsync(mail, csLead, board, items);
        }
        finally
        {
            secondLife.Kill();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { folder.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Per item: warning and breach to the CS lead (the customer has no CSM), leadership to the board; each subject once.</summary>
    private static async Task AssertEachMailOnceAsync(MailDev mail, string csLead, string board, int items)
    {
        var toLead = await mail.MessagesToAsync(csLead);
        var toBoard = await mail.MessagesToAsync(board);
        Assert.Equal(items * 2, toLead.Count);
        Assert.Equal(items, toBoard.Count);
        Assert.All(toLead.Concat(toBoard).GroupBy(m => (m.To[0].Address, m.Subject)), g => Assert.Single(g));
    }

    private static async Task WaitUntilAsync(TimeSpan timeout, Func<Task<bool>> condition, Func<Task<string>>? state = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > timeout)
                throw new TimeoutException($"The condition did not hold within {timeout}. {(state is null ? "" : await state())}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> StateOfAsync(VocDbContext db) =>
        $"instances {await db.WorkflowInstances.CountAsync()}, timers {string.Join(", ", (await db.WorkflowTimers.GroupBy(t => t.State).Select(g => new { g.Key, N = g.Count() }).ToListAsync()).Select(g => $"{g.Key} {g.N}"))}, "
        + $"escalations {await db.SlaEscalations.CountAsync()}, mails {string.Join(", ", (await db.OutboxEmails.GroupBy(m => m.State).Select(g => new { g.Key, N = g.Count() }).ToListAsync()).Select(g => $"{g.Key} {g.N}"))}, "
        + $"last error {await db.OutboxEmails.Where(m => m.LastError != null).Select(m => m.LastError).FirstOrDefaultAsync()}";
}

/// <summary>The web app as a separate process (the build beside the tests), so a test can kill it like a crash would.</summary>
internal sealed class AppProcess
{
    private readonly Process _process;

    private AppProcess(Process process) => _process = process;

    public static async Task<AppProcess> StartAsync(string databaseFile, IReadOnlyDictionary<string, string?> settings)
    {
        var webDll = Path.Combine(AppContext.BaseDirectory, "VoiceOfCustomer.Web.dll");
        var start = new ProcessStartInfo("dotnet", [webDll])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Database__Provider"] = "Sqlite",
                ["ConnectionStrings__Default"] = $"Data Source={databaseFile}",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            },
        };
        foreach (var (key, value) in settings)
        {
            // null takes a variable away, e.g. ASPNETCORE_ENVIRONMENT.
            if (value is null)
                start.Environment.Remove(key.Replace(":", "__", StringComparison.Ordinal));
            else
                start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app.");
        // Continuations off the output reader's thread: a caller that kills the process next would wait on that thread itself.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true) started.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != started.Task)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The web app did not start within 60 s: " + string.Join(Environment.NewLine, errors));
        }
        return new AppProcess(process);
    }

    public static VocDbContext OpenDatabase(string databaseFile)
    {
        var builder = new DbContextOptionsBuilder<VocDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, DatabaseProvider.Sqlite, $"Data Source={databaseFile}");
        return new VocDbContext(builder.Options);
    }

    /// <summary>As abrupt as a crash: no shutdown hooks run.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
