using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Intake;

/// <summary>One already-validated voice for <see cref="FeedbackBulkWriter"/>.</summary>
/// <param name="Replay">Set for a voice of a replayed history (the demo organisation); null for anything arriving now.</param>
public sealed record BulkFeedback(
    int ChannelId,
    string ExternalId,
    string Customer,
    ContactSubmission? Contact,
    string Verbatim,
    DateTime ReceivedAt,
    string Language,
    string? MetadataJson,
    ReplayedArrival? Replay = null);

/// <summary>
/// A voice replayed as though it had arrived through live intake at <paramref name="IngestedAt"/>. Its SLA instance is
/// started by the replay itself (<see cref="FeedbackItem.SlaStartedAt"/> is set on insert), so the dispatcher of a
/// running app never takes it on at today's time.
/// </summary>
public sealed record ReplayedArrival(DateTime IngestedAt);

/// <summary>Where the attribution SLA clock of bulk-written voices starts (see docs/decisions/0005-sla-clock-start.md).</summary>
public enum SlaClockStart
{
    /// <summary>Live intake: when the voice reaches VoiceOfCustomer (or its received time, if later).</summary>
    AtIngestion,
    /// <summary>Imported history: when the customer said it; what the clock passed before the import is recorded without mail.</summary>
    AtReceipt,
}

/// <summary>
/// Writes many voices fast (CSV import, demo seeding): one connection, prepared statements, one transaction
/// per batch, and <c>ON CONFLICT DO NOTHING</c> (SQL Server: <c>INSERT … WHERE NOT EXISTS</c> under a key-range lock)
/// so a row already stored is skipped, which makes re-running an import harmless. Customers and contacts are resolved on the same connection and transaction, so a
/// rolled-back batch leaves neither orphan prospects nor half-written rows. Not thread-safe: one per import.
/// The API path uses <see cref="FeedbackIntakeService"/> instead; both apply the same rules.
/// </summary>
public sealed class FeedbackBulkWriter : IAsyncDisposable
{
    internal const string InsertFeedbackSql = """
        INSERT INTO "FeedbackItems" ("ChannelId", "ExternalId", "CustomerId", "ContactId", "Verbatim", "ReceivedAt", "IngestedAt",
                                     "Language", "Status", "OwnerCsmId", "MetadataJson", "AttributionDueAt", "SlaClockStartsAt", "SlaStartedAt")
        VALUES (@channel, @external, @customer, @contact, @verbatim, @received, @ingested, @language, @status, @owner, @metadata, @due, @clock, @slaStarted)
        ON CONFLICT ("ChannelId", "ExternalId") DO NOTHING
        """;

    private const string InsertCustomerSql = """
        INSERT INTO "Customers" ("Reference", "ReferenceNormalized", "Name", "LifecycleStage", "CreatedAt")
        VALUES (@reference, @normalized, @name, @stage, @created)
        ON CONFLICT ("ReferenceNormalized") DO NOTHING
        RETURNING "Id"
        """;

    private const string InsertContactSql = """
        INSERT INTO "Contacts" ("CustomerId", "Name", "Email", "Role")
        VALUES (@customer, @name, @email, @role)
        RETURNING "Id"
        """;

    /// <summary>
    /// SQL Server has neither <c>ON CONFLICT</c> nor <c>RETURNING</c>. UPDLOCK + HOLDLOCK on the existence check lock the
    /// key's range in the unique index to the end of the transaction, so a concurrent import of the same row waits and
    /// then finds it, instead of both inserting (one failing on the unique key).
    /// </summary>
    internal const string SqlServerInsertFeedbackSql = """
        INSERT INTO [FeedbackItems] ([ChannelId], [ExternalId], [CustomerId], [ContactId], [Verbatim], [ReceivedAt], [IngestedAt],
                                     [Language], [Status], [OwnerCsmId], [MetadataJson], [AttributionDueAt], [SlaClockStartsAt], [SlaStartedAt])
        SELECT @channel, @external, @customer, @contact, @verbatim, @received, @ingested, @language, @status, @owner, @metadata, @due, @clock, @slaStarted
        WHERE NOT EXISTS (SELECT 1 FROM [FeedbackItems] WITH (UPDLOCK, HOLDLOCK) WHERE [ChannelId] = @channel AND [ExternalId] = @external)
        """;

    /// <inheritdoc cref="SqlServerInsertFeedbackSql"/>
    internal const string SqlServerInsertCustomerSql = """
        INSERT INTO [Customers] ([Reference], [ReferenceNormalized], [Name], [LifecycleStage], [CreatedAt])
        OUTPUT INSERTED.[Id]
        SELECT @reference, @normalized, @name, @stage, @created
        WHERE NOT EXISTS (SELECT 1 FROM [Customers] WITH (UPDLOCK, HOLDLOCK) WHERE [ReferenceNormalized] = @normalized)
        """;

    internal const string SqlServerInsertContactSql = """
        INSERT INTO [Contacts] ([CustomerId], [Name], [Email], [Role])
        OUTPUT INSERTED.[Id]
        VALUES (@customer, @name, @email, @role)
        """;

    /// <summary>
    /// For this connection only (reset on dispose, since it returns to the pool): a 64 MB page cache, so the leaf pages
    /// of the feedback table's six indexes stay in memory as they grow, and a WAL checkpoint every 8,192 pages instead
    /// of 1,000, so a long import pays for fewer checkpoints (each an fsync). Measured in docs/benchmarks.md.
    /// </summary>
    internal const string BulkSqlitePragmas = "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192;";
    private const string DefaultSqlitePragmas = "PRAGMA cache_size=-2000; PRAGMA wal_autocheckpoint=1000;";

    private readonly DbConnection _connection;
    private readonly bool _sqlServer;
    private readonly TimeProvider _time;
    private readonly SlaClockStart _clockStart;
    private readonly Dictionary<string, CustomerInfo> _customersByReference;
    private readonly Dictionary<string, CustomerInfo> _customersByName;
    private readonly Dictionary<(int CustomerId, string Key), int> _contacts;
    private readonly List<Action> _undoOnRollback = [];
    private DbTransaction? _transaction;
    private DbCommand? _insertFeedback;

    private sealed record CustomerInfo(int Id, string? CsmUserId, TimeSpan AttributionTarget);

    private FeedbackBulkWriter(DbConnection connection, TimeProvider time, SlaClockStart clockStart,
        Dictionary<string, CustomerInfo> byReference, Dictionary<string, CustomerInfo> byName, Dictionary<(int, string), int> contacts)
    {
        _connection = connection;
        _sqlServer = connection is SqlConnection;
        _time = time;
        _clockStart = clockStart;
        _customersByReference = byReference;
        _customersByName = byName;
        _contacts = contacts;
    }

    /// <summary>Opens a connection and loads the customer and contact directories (small next to the feedback).</summary>
    /// <param name="clockStart">Where the SLA clock of the voices written starts: a CSV import is history (<see cref="SlaClockStart.AtReceipt"/>).</param>
    public static async Task<FeedbackBulkWriter> OpenAsync(DatabaseConnection database, TimeProvider time,
        SlaClockStart clockStart = SlaClockStart.AtIngestion, CancellationToken cancellationToken = default)
    {
        DbConnection connection = database.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnection(database.ConnectionString),
            DatabaseProvider.Postgres => new NpgsqlConnection(database.ConnectionString),
            DatabaseProvider.SqlServer => new SqlConnection(database.ConnectionString),
            _ => throw new NotSupportedException($"Bulk writes are not implemented for {database.Provider}."),
        };
        await connection.OpenAsync(cancellationToken);
        if (connection is SqliteConnection)
        {
            SqliteConnectionTuning.Apply(connection);
            await ExecuteAsync(connection, BulkSqlitePragmas, cancellationToken);
        }

        var byReference = new Dictionary<string, CustomerInfo>(StringComparer.Ordinal);
        var byName = new Dictionary<string, CustomerInfo>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c."Id", c."ReferenceNormalized", c."Name", c."CsmUserId", s."AttributionTarget"
                FROM "Customers" c LEFT JOIN "Segments" s ON s."Id" = c."SegmentId"
                ORDER BY c."Id"
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var info = new CustomerInfo(reader.GetInt32(0), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? SegmentPolicy.DefaultAttributionTarget : ReadTimeSpan(reader, 4));
                byReference.TryAdd(reader.GetString(1), info);
                byName.TryAdd(reader.GetString(2), info);
            }
        }

        var contacts = new Dictionary<(int, string), int>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """SELECT "Id", "CustomerId", "Email", "Name" FROM "Contacts" """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                contacts.TryAdd((reader.GetInt32(1), ContactKey(reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3))), reader.GetInt32(0));
        }
        return new FeedbackBulkWriter(connection, time, clockStart, byReference, byName, contacts);
    }

    public void BeginBatch()
    {
        if (_transaction is not null)
            throw new InvalidOperationException("A batch is already open.");
        _transaction = _connection.BeginTransaction(IsolationLevel.ReadCommitted);
        _insertFeedback = PrepareFeedbackInsert();
    }

    /// <summary>Stores one voice in the open batch; false when (channel, external id) was already stored.</summary>
    public bool Add(BulkFeedback item)
    {
        var transaction = _transaction ?? throw new InvalidOperationException("Call BeginBatch first.");
        var customer = ResolveCustomer(item.Customer.Trim(), transaction);
        int? contactId = item.Contact is { } contact ? ResolveContact(customer.Id, contact, transaction) : null;
        var ingestedAt = item.Replay?.IngestedAt ?? _time.GetUtcNow().UtcDateTime;
        var clockStartsAt = _clockStart == SlaClockStart.AtReceipt ? item.ReceivedAt : FeedbackItem.LiveClockStart(item.ReceivedAt, ingestedAt);

        var command = _insertFeedback!;
        command.Parameters[0].Value = item.ChannelId;
        command.Parameters[1].Value = item.ExternalId;
        command.Parameters[2].Value = customer.Id;
        command.Parameters[3].Value = (object?)contactId ?? DBNull.Value;
        command.Parameters[4].Value = item.Verbatim;
        command.Parameters[5].Value = item.ReceivedAt;
        command.Parameters[6].Value = ingestedAt;
        command.Parameters[7].Value = item.Language;
        command.Parameters[8].Value = nameof(FeedbackStatus.New);
        command.Parameters[9].Value = (object?)customer.CsmUserId ?? DBNull.Value;
        command.Parameters[10].Value = (object?)item.MetadataJson ?? DBNull.Value;
        command.Parameters[11].Value = clockStartsAt + customer.AttributionTarget; // provisional: the SLA workflow sets the real deadline
        command.Parameters[12].Value = clockStartsAt;
        command.Parameters[13].Value = item.Replay is null ? DBNull.Value : ingestedAt;
        return command.ExecuteNonQuery() == 1;
    }

    public async Task CommitBatchAsync(CancellationToken cancellationToken = default)
    {
        var transaction = _transaction ?? throw new InvalidOperationException("No batch is open.");
        await transaction.CommitAsync(cancellationToken);
        _undoOnRollback.Clear();
        await EndBatchAsync();
    }

    /// <summary>Discards the open batch, and forgets customers and contacts created in it.</summary>
    public async Task RollbackBatchAsync()
    {
        if (_transaction is null)
            return;
        await _transaction.RollbackAsync();
        foreach (var undo in _undoOnRollback)
            undo();
        _undoOnRollback.Clear();
        await EndBatchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackBatchAsync();
        if (_connection is SqliteConnection && _connection.State == ConnectionState.Open)
            await ExecuteAsync(_connection, DefaultSqlitePragmas, CancellationToken.None);
        await _connection.DisposeAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task EndBatchAsync()
    {
        if (_insertFeedback is not null)
            await _insertFeedback.DisposeAsync();
        _insertFeedback = null;
        if (_transaction is not null)
            await _transaction.DisposeAsync();
        _transaction = null;
    }

    private DbCommand PrepareFeedbackInsert()
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = _sqlServer ? SqlServerInsertFeedbackSql : InsertFeedbackSql;
        foreach (var (name, type) in new[]
                 {
                     ("@channel", DbType.Int32), ("@external", DbType.String), ("@customer", DbType.Int32), ("@contact", DbType.Int32),
                     ("@verbatim", DbType.String), ("@received", DbType.DateTime), ("@ingested", DbType.DateTime), ("@language", DbType.String),
                     ("@status", DbType.String), ("@owner", DbType.String), ("@metadata", DbType.String), ("@due", DbType.DateTime),
                     ("@clock", DbType.DateTime), ("@slaStarted", DbType.DateTime),
                 })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            // Instants are typed as their column is (named, as a null has no value to infer it from).
            if (type == DbType.DateTime)
                AdoCommands.TypeAsInstant(parameter);
            else
                parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        AdoCommands.Prepare(command);
        return command;
    }

    private CustomerInfo ResolveCustomer(string referenceOrName, DbTransaction transaction)
    {
        var normalized = Customer.Normalize(referenceOrName);
        if (_customersByReference.TryGetValue(normalized, out var known) || _customersByName.TryGetValue(referenceOrName, out known))
            return known;

        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sqlServer ? SqlServerInsertCustomerSql : InsertCustomerSql;
        AddParameter(command, "@reference", referenceOrName);
        AddParameter(command, "@normalized", normalized);
        AddParameter(command, "@name", referenceOrName);
        AddParameter(command, "@stage", nameof(LifecycleStage.Prospect));
        AdoCommands.AddInstant(command, "@created").Value = _time.GetUtcNow().UtcDateTime;
        var id = command.ExecuteScalar();
        if (id is null or DBNull)
        {
            // Someone else created it since we loaded the directory.
            command.Parameters.Clear();
            command.CommandText = """SELECT "Id" FROM "Customers" WHERE "ReferenceNormalized" = @normalized""";
            AddParameter(command, "@normalized", normalized);
            id = command.ExecuteScalar();
        }
        var info = new CustomerInfo(Convert.ToInt32(id, System.Globalization.CultureInfo.InvariantCulture), null, SegmentPolicy.DefaultAttributionTarget);
        _customersByReference[normalized] = info;
        _undoOnRollback.Add(() => _customersByReference.Remove(normalized));
        return info;
    }

    private int ResolveContact(int customerId, ContactSubmission contact, DbTransaction transaction)
    {
        var email = string.IsNullOrWhiteSpace(contact.Email) ? null : contact.Email.Trim().ToLowerInvariant();
        var name = string.IsNullOrWhiteSpace(contact.Name) ? email! : contact.Name.Trim();
        var key = (customerId, ContactKey(email, name));
        if (_contacts.TryGetValue(key, out var id))
            return id;

        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sqlServer ? SqlServerInsertContactSql : InsertContactSql;
        AddParameter(command, "@customer", customerId);
        AddParameter(command, "@name", name);
        AddParameter(command, "@email", (object?)email ?? DBNull.Value);
        AddParameter(command, "@role", (FeedbackValidator.ParseContactRole(contact.Role) ?? ContactRole.User).ToString());
        id = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        _contacts[key] = id;
        _undoOnRollback.Add(() => _contacts.Remove(key));
        return id;
    }

    private static string ContactKey(string? email, string name) => email is null ? "name:" + name : "email:" + email;

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // EF stores TimeSpan as text ("1.00:00:00") on SQLite, as interval on PostgreSQL and as ticks on SQL Server (SqlServerModel).
    private static TimeSpan ReadTimeSpan(DbDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) switch
        {
            TimeSpan span => span,
            long ticks => TimeSpan.FromTicks(ticks),
            string text => TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
            var other => throw new InvalidCastException($"Unexpected AttributionTarget value {other}."),
        };
}
