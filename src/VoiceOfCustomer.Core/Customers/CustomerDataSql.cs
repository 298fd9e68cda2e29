using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Customers;

/// <summary>What an idempotent upsert did with one row.</summary>
public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>
/// The prepared statements behind the high-volume writes (purchases, measurements, customers' activity dates), run on
/// the context's connection inside its open transaction, so the API and a CSV batch write the same way and a large file
/// costs one prepared statement per row. Each upsert first updates the row when a value differs, then inserts it when
/// absent (<c>ON CONFLICT DO NOTHING</c>; SQL Server: <c>WHERE NOT EXISTS</c> under a key-range lock), and updates
/// again when a concurrent writer inserted it in between, so a repeat never duplicates and the outcome is exact.
/// </summary>
internal sealed class CustomerDataSql : IAsyncDisposable
{
    private const string UpdateTransactionSql = """
        UPDATE "CustomerTransactions" SET "OccurredAt" = @occurred, "Amount" = @amount
        WHERE "CustomerId" = @customer AND "Reference" = @reference AND ("OccurredAt" <> @occurred OR "Amount" <> @amount)
        """;

    private const string InsertTransactionSql = """
        INSERT INTO "CustomerTransactions" ("CustomerId", "Reference", "OccurredAt", "Amount", "CreatedAt")
        VALUES (@customer, @reference, @occurred, @amount, @created)
        ON CONFLICT ("CustomerId", "Reference") DO NOTHING
        """;

    internal const string SqlServerInsertTransactionSql = """
        INSERT INTO [CustomerTransactions] ([CustomerId], [Reference], [OccurredAt], [Amount], [CreatedAt])
        SELECT @customer, @reference, @occurred, @amount, @created
        WHERE NOT EXISTS (SELECT 1 FROM [CustomerTransactions] WITH (UPDLOCK, HOLDLOCK) WHERE [CustomerId] = @customer AND [Reference] = @reference)
        """;

    // {0}: "CustomerId" or "SegmentId", the measurement's owner; the other one is null.
    private const string UpdateMeasurementSql = """
        UPDATE "BehaviourMeasurements" SET "Value" = @value, "RecordedAt" = @recorded
        WHERE "MetricId" = @metric AND "{0}" = @owner AND "Period" = @period AND "Value" <> @value
        """;

    private const string InsertMeasurementSql = """
        INSERT INTO "BehaviourMeasurements" ("MetricId", "{0}", "Period", "PeriodStart", "PeriodMonths", "Value", "RecordedAt")
        VALUES (@metric, @owner, @period, @start, @months, @value, @recorded)
        ON CONFLICT ("MetricId", "{0}", "Period") DO NOTHING
        """;

    internal const string SqlServerInsertMeasurementSql = """
        INSERT INTO [BehaviourMeasurements] ([MetricId], [{0}], [Period], [PeriodStart], [PeriodMonths], [Value], [RecordedAt])
        SELECT @metric, @owner, @period, @start, @months, @value, @recorded
        WHERE NOT EXISTS (SELECT 1 FROM [BehaviourMeasurements] WITH (UPDLOCK, HOLDLOCK) WHERE [MetricId] = @metric AND [{0}] = @owner AND [Period] = @period)
        """;

    /// <summary>Latest activity only moves forward, whoever writes; the acquisition date is the caller's (see <see cref="CustomerActivity"/>).</summary>
    private const string UpdateActivitySql = """
        UPDATE "Customers" SET
            "LastActivityAt" = CASE WHEN "LastActivityAt" IS NULL OR "LastActivityAt" < @last THEN @last ELSE "LastActivityAt" END,
            "AcquiredAt" = @acquired
        WHERE "Id" = @id
        """;

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly bool _sqlServer;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    private CustomerDataSql(DbConnection connection, DbTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
        _sqlServer = connection is SqlConnection;
    }

    /// <summary>Statements on <paramref name="db"/>'s connection and its current transaction (begin one first).</summary>
    public static CustomerDataSql For(VocDbContext db) => new(
        db.Database.GetDbConnection(),
        db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Begin a transaction first."));

    public async Task<UpsertOutcome> UpsertTransactionAsync(int customerId, string reference, DateTime occurredAt, decimal amount, DateTime now, CancellationToken cancellationToken)
    {
        var update = Command("tx-update", UpdateTransactionSql, ("@customer", DbType.Int32), ("@reference", DbType.String), ("@occurred", DbType.DateTime), ("@amount", DbType.Decimal));
        Set(update, customerId, reference, occurredAt, amount);
        var insert = Command("tx-insert", _sqlServer ? SqlServerInsertTransactionSql : InsertTransactionSql,
            ("@customer", DbType.Int32), ("@reference", DbType.String), ("@occurred", DbType.DateTime), ("@amount", DbType.Decimal), ("@created", DbType.DateTime));
        Set(insert, customerId, reference, occurredAt, amount, now);
        return await UpsertAsync(update, insert, cancellationToken);
    }

    /// <param name="owner">"CustomerId" for a customer's measurement, "SegmentId" for a segment's (external metric).</param>
    public async Task<UpsertOutcome> UpsertMeasurementAsync(string owner, int ownerId, int metricId, Behaviour.Period period, double value, DateTime now, CancellationToken cancellationToken)
    {
        var update = Command("m-update-" + owner, string.Format(System.Globalization.CultureInfo.InvariantCulture, UpdateMeasurementSql, owner),
            ("@metric", DbType.Int32), ("@owner", DbType.Int32), ("@period", DbType.String), ("@value", DbType.Double), ("@recorded", DbType.DateTime));
        Set(update, metricId, ownerId, period.Text, value, now);
        var insert = Command("m-insert-" + owner, string.Format(System.Globalization.CultureInfo.InvariantCulture, _sqlServer ? SqlServerInsertMeasurementSql : InsertMeasurementSql, owner),
            ("@metric", DbType.Int32), ("@owner", DbType.Int32), ("@period", DbType.String), ("@start", DbType.Date), ("@months", DbType.Int32),
            ("@value", DbType.Double), ("@recorded", DbType.DateTime));
        Set(insert, metricId, ownerId, period.Text, period.Start, period.Months, value, now);
        return await UpsertAsync(update, insert, cancellationToken);
    }

    public async Task UpdateActivityAsync(int customerId, DateTime lastActivityAt, DateTime? acquiredAt, CancellationToken cancellationToken)
    {
        var command = Command("activity", UpdateActivitySql, ("@last", DbType.DateTime), ("@acquired", DbType.DateTime), ("@id", DbType.Int32));
        Set(command, lastActivityAt, acquiredAt, customerId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
            await command.DisposeAsync();
        _commands.Clear();
    }

    private static async Task<UpsertOutcome> UpsertAsync(DbCommand update, DbCommand insert, CancellationToken cancellationToken)
    {
        if (await update.ExecuteNonQueryAsync(cancellationToken) > 0)
            return UpsertOutcome.Updated;
        if (await insert.ExecuteNonQueryAsync(cancellationToken) > 0)
            return UpsertOutcome.Created;
        // Stored already with these values, or inserted by a concurrent writer since the update: make ours win.
        return await update.ExecuteNonQueryAsync(cancellationToken) > 0 ? UpsertOutcome.Updated : UpsertOutcome.Unchanged;
    }

    private DbCommand Command(string name, string sql, params (string Name, DbType Type)[] parameters)
    {
        if (_commands.TryGetValue(name, out var existing))
            return existing;
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (parameterName, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = parameterName;
            if (type == DbType.DateTime)
                AdoCommands.TypeAsInstant(parameter);
            else
                parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        _commands[name] = command;
        return command;
    }

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
