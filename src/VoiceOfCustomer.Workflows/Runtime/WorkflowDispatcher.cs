using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>
/// The hosted loop that moves workflows on. Each pass, in batches, each batch one transaction: start instances for
/// new subjects, deliver signals, fire due timers. The database is the only record of what is due, so any
/// number of app instances can run this loop on one database: rows are claimed before they are acted on
/// (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>; SQL Server: <c>WITH (UPDLOCK, READPAST, ROWLOCK)</c>; SQLite: one writer
/// transaction at a time), and whatever was due
/// while no instance ran is found and processed, oldest first, on the next pass.
/// </summary>
public sealed class WorkflowDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IOptions<WorkflowOptions> options,
    TimeProvider time,
    ILogger<WorkflowDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    /// <summary>Batches per kind of work in one pass, so one kind cannot starve the others.</summary>
    private const int MaxBatchesPerPass = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled)
            return;
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The failed batch rolled back; its rows are still due and are tried again on the next pass.
                logger.LogError(ex, "Workflow dispatcher pass failed; retrying in {PollInterval}.", options.Value.PollInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One full pass. Returns the number of instances started, signals delivered and timers fired.</summary>
    public async Task<DispatchResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var started = 0;
        var signals = 0;
        var fired = 0;

        List<string> subjectTypes;
        using (var scope = scopes.CreateScope())
            subjectTypes = [.. scope.ServiceProvider.GetRequiredService<WorkflowEngine>().SubjectSources.Select(s => s.SubjectType)];

        foreach (var subjectType in subjectTypes)
        {
            for (var i = 0; i < MaxBatchesPerPass; i++)
            {
                var (claimed, count) = await InTransactionAsync(async (engine, db, source, now, ct) =>
                {
                    var subjects = await source!.ClaimNewAsync(db, batchSize, now, ct);
                    var n = await engine.StartNewAsync(db, source, subjects, ct);
                    return (subjects.Count, n);
                }, subjectType, cancellationToken);
                started += count;
                if (claimed < batchSize)
                    break;
            }
            for (var i = 0; i < MaxBatchesPerPass; i++)
            {
                var (claimed, _) = await InTransactionAsync(async (engine, db, source, now, ct) =>
                {
                    var batch = await source!.ClaimSignalsAsync(db, batchSize, now, ct);
                    await engine.ApplySignalsAsync(db, source, batch, ct);
                    return (batch.Count, 0);
                }, subjectType, cancellationToken);
                signals += claimed;
                if (claimed < batchSize)
                    break;
            }
        }
        using (var scope = scopes.CreateScope())
            started += await scope.ServiceProvider.GetRequiredService<FlowSchedules>().StartDueAsync(scope.ServiceProvider.GetRequiredService<TContext>(), cancellationToken);

        for (var i = 0; i < MaxBatchesPerPass; i++)
        {
            List<long> claimedIds = [];
            int claimed, count;
            try
            {
                (claimed, count) = await InTransactionAsync(async (engine, flows, db, _, now, ct) =>
                {
                    var due = await ClaimDueTimersAsync(db, now, batchSize, ct);
                    claimedIds = [.. due.Where(t => t.IsFlow).Select(t => t.Id)];
                    var n = await engine.FireAsync(db, [.. due.Where(t => !t.IsFlow)], ct);
                    n += await flows.ProcessAsync(db, [.. due.Where(t => t.IsFlow)], ct);
                    return (due.Count, n);
                }, null, cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another app instance moved one of these flow instances on first; the events are handled again on its new state.
                logger.LogDebug("Workflow dispatcher: a flow instance changed under this batch; it is handled again on the next pass.");
                break;
            }
            catch (Exception error) when (claimedIds.Count > 0 && error is not OperationCanceledException)
            {
                // One flow's activity failed and took the batch with it: handle those events one by one, recording the failure of the bad one.
                logger.LogWarning(error, "Workflow dispatcher: a batch with {Count} flow events failed; handling them one at a time.", claimedIds.Count);
                count = await IsolateAsync(claimedIds, cancellationToken);
                claimed = 0;
            }
            fired += count;
            if (claimed < batchSize)
                break;
        }
        return new DispatchResult(started, signals, fired);
    }

    /// <summary>Handles flow events one per transaction; an event that fails again has its failure recorded (retry with backoff, then faulted).</summary>
    private async Task<int> IsolateAsync(IReadOnlyList<long> timerIds, CancellationToken cancellationToken)
    {
        var handled = 0;
        foreach (var id in timerIds)
        {
            WorkflowTimer? failedTimer = null;
            Exception? failure = null;
            try
            {
                var (_, n) = await InTransactionAsync(async (_, flows, db, _, now, ct) =>
                {
                    var due = (await ClaimDueTimersAsync(db, now, 1, ct, id)).Where(t => t.IsFlow).ToList();
                    failedTimer = due.FirstOrDefault();
                    return (due.Count, await flows.ProcessAsync(db, due, ct));
                }, null, cancellationToken);
                handled += n;
            }
            catch (DbUpdateConcurrencyException)
            {
            }
            catch (Exception error) when (error is not OperationCanceledException && failedTimer is not null)
            {
                failure = error;
            }
            if (failure is not null)
            {
                await InTransactionAsync(async (_, flows, db, _, _, ct) =>
                {
                    await flows.RecordFailureAsync(db, failedTimer!, failure, ct);
                    return (1, 0);
                }, null, cancellationToken);
            }
        }
        return handled;
    }

    /// <summary>
    /// SQL Server's claim of due timers ({0}: now, {1}: batch size): update locks held to the end of the transaction,
    /// rows another instance holds skipped (READPAST), row locks so that a claim never blocks a whole page.
    /// </summary>
    internal const string SqlServerClaimDueTimersSql = """
        SELECT TOP ({1}) * FROM [WorkflowTimers] WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE [State] = 'Pending' AND [ResumeAt] <= {0}
        ORDER BY [ResumeAt], [Id]
        """;

    /// <summary>SQL Server's claim of one due timer by id ({0}: id, {1}: now), skipping it when another instance holds it.</summary>
    internal const string SqlServerClaimTimerSql = """
        SELECT * FROM [WorkflowTimers] WITH (UPDLOCK, READPAST, ROWLOCK)
        WHERE [Id] = {0} AND [State] = 'Pending' AND [ResumeAt] <= {1}
        """;

    /// <summary>
    /// Due timers, soonest first, locked for this transaction. On PostgreSQL and SQL Server another app instance
    /// skips the locked rows and takes the next ones; on SQLite the writer transaction already excludes everyone else.
    /// </summary>
    public static async Task<List<WorkflowTimer>> ClaimDueTimersAsync(DbContext db, DateTime now, int batchSize, CancellationToken cancellationToken, long? onlyId = null)
    {
        if (onlyId is { } id)
        {
            if (db.Database.IsNpgsql())
                return await db.Set<WorkflowTimer>().FromSql($"""
                    SELECT * FROM "WorkflowTimers" WHERE "Id" = {id} AND "State" = 'Pending' AND "ResumeAt" <= {now} FOR UPDATE SKIP LOCKED
                    """).ToListAsync(cancellationToken);
            if (db.Database.IsSqlServer())
                return await db.Set<WorkflowTimer>().FromSqlRaw(SqlServerClaimTimerSql, id, now).ToListAsync(cancellationToken);
            return await db.Set<WorkflowTimer>().Where(t => t.Id == id && t.State == WorkflowTimerState.Pending && t.ResumeAt <= now).ToListAsync(cancellationToken);
        }
        if (db.Database.IsNpgsql())
        {
            return await db.Set<WorkflowTimer>().FromSql($"""
                SELECT * FROM "WorkflowTimers"
                WHERE "State" = 'Pending' AND "ResumeAt" <= {now}
                ORDER BY "ResumeAt", "Id"
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
        }
        if (db.Database.IsSqlServer())
            return await db.Set<WorkflowTimer>().FromSqlRaw(SqlServerClaimDueTimersSql, now, batchSize).ToListAsync(cancellationToken);
        return await db.Set<WorkflowTimer>()
            .Where(t => t.State == WorkflowTimerState.Pending && t.ResumeAt <= now)
            .OrderBy(t => t.ResumeAt).ThenBy(t => t.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);
    }

    private Task<(int Claimed, int Count)> InTransactionAsync(
        Func<WorkflowEngine, DbContext, IWorkflowSubjectSource?, DateTime, CancellationToken, Task<(int, int)>> work,
        string? subjectType,
        CancellationToken cancellationToken) =>
        InTransactionAsync((engine, _, db, source, now, ct) => work(engine, db, source, now, ct), subjectType, cancellationToken);

    private async Task<(int Claimed, int Count)> InTransactionAsync(
        Func<WorkflowEngine, FlowEngine, DbContext, IWorkflowSubjectSource?, DateTime, CancellationToken, Task<(int, int)>> work,
        string? subjectType,
        CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<TContext>();
        var engine = services.GetRequiredService<WorkflowEngine>();
        var source = subjectType is null ? null : engine.SubjectSources.First(s => s.SubjectType == subjectType);
        using var gate = await services.GetRequiredService<IWorkflowWriteGate>().EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(engine, services.GetRequiredService<FlowEngine>(), db, source, time.GetUtcNow().UtcDateTime, cancellationToken);
        if (result.Item1 == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return result;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

public readonly record struct DispatchResult(int Started, int Signals, int Fired)
{
    public int Total => Started + Signals + Fired;
}

internal static class DatabaseFacadeProviderExtensions
{
    public static bool IsNpgsql(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database) =>
        database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    // By name, as above: this project references no provider.
    public static bool IsSqlServer(this Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database) =>
        database.ProviderName == "Microsoft.EntityFrameworkCore.SqlServer";
}
