using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VoiceOfCustomer.Data;

/// <summary>
/// Which database failures are races that the code expects to lose now and then: a unique key taken by a concurrent
/// insert (an idempotent repeat, two first codings), a concurrency token that moved (two coders). The loser answers
/// for it (a 409, the existing id, a retry); anything else is a fault and must not be mistaken for one.
/// </summary>
public static class DatabaseConflicts
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    // SQL Server: "Cannot insert duplicate key row in object … with unique index …" and "Violation of … UNIQUE KEY constraint".
    internal const int SqlServerDuplicateKeyInUniqueIndex = 2601;
    internal const int SqlServerUniqueConstraintViolation = 2627;

    /// <summary>For <c>catch (DbUpdateException e) when (e.IsConflict())</c>: a lost race, not a fault.</summary>
    public static bool IsConflict(this DbUpdateException error) =>
        error is DbUpdateConcurrencyException || IsUniqueViolation(error.InnerException);

    public static bool IsUniqueViolation(Exception? error) => error switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint && sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException sqlServer => sqlServer.Number is SqlServerDuplicateKeyInUniqueIndex or SqlServerUniqueConstraintViolation,
        _ => false,
    };
}

/// <summary>
/// Logs database failures by what they mean rather than where they happen. EF Core logs every failed command and
/// save at Error before the caller can catch it, so each correctly answered race (a 409, an idempotent 200) left a
/// "fail" line. Here EF's own entries are Debug (<see cref="DatabaseServiceCollectionExtensions.Configure"/>) and
/// this interceptor logs at Error, under EF's categories, every failure that is not an expected conflict.
/// </summary>
internal sealed class DatabaseFaultLogging : DbCommandInterceptor, ISaveChangesInterceptor
{
    public static readonly DatabaseFaultLogging Instance = new();

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LogCommandFailure(command, eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LogCommandFailure(command, eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => LogSaveFailure(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LogSaveFailure(eventData);
        return Task.CompletedTask;
    }

    private static void LogCommandFailure(DbCommand command, CommandErrorEventData eventData)
    {
        if (eventData.Exception is OperationCanceledException || IsExpected(command, eventData.Exception))
            return;
        Logger<DbLoggerCategory.Database.Command>(eventData.Context)?.LogError(RelationalEventId.CommandError, eventData.Exception,
            "Failed executing DbCommand ({Elapsed:0}ms){NewLine}{CommandText}", eventData.Duration.TotalMilliseconds, Environment.NewLine, command.CommandText);
    }

    private static void LogSaveFailure(DbContextErrorEventData eventData)
    {
        // A failed command was logged (or recognised as a conflict) by the command hook already.
        if (eventData.Exception is OperationCanceledException or DbUpdateConcurrencyException || eventData.Exception.InnerException is DbException)
            return;
        Logger<DbLoggerCategory.Update>(eventData.Context)?.LogError(CoreEventId.SaveChangesFailed, eventData.Exception,
            "An exception occurred while saving changes for context type '{ContextType}'.", eventData.Context?.GetType().FullName);
    }

    /// <summary>
    /// A lost race, or PostgreSQL's migrator reading a history table that a fresh database does not have yet
    /// (it asks first and creates the table after).
    /// </summary>
    private static bool IsExpected(DbCommand command, Exception error) =>
        DatabaseConflicts.IsUniqueViolation(error)
        || error is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } && command.CommandText.Contains("\"__EFMigrationsHistory\"", StringComparison.Ordinal);

    private static ILogger? Logger<TCategory>(DbContext? context) where TCategory : LoggerCategory<TCategory>, new() =>
        context?.GetService<IDiagnosticsLogger<TCategory>>().Logger;
}
