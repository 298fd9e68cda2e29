using Microsoft.Data.SqlClient;
using Npgsql;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away database: a SQLite file in a temp folder, or a new database on the test PostgreSQL server, or on the
/// SQL Server named by <c>VOC_TEST_SQLSERVER</c>.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string PostgresVariable = "VOC_TEST_POSTGRES";
    public const string SqlServerVariable = "VOC_TEST_SQLSERVER";

    private readonly Action _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, Action drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>
    /// Every provider, for the suites whose SQL differs between them. The SQL Server rows are reported as skipped when
    /// <c>VOC_TEST_SQLSERVER</c> is unset (<see cref="SqlServerTestFramework"/>).
    /// </summary>
    public static TheoryData<string> Providers => new() { nameof(DatabaseProvider.Sqlite), nameof(DatabaseProvider.Postgres), nameof(DatabaseProvider.SqlServer) };

    /// <summary>The server databases, for races between app instances (SQLite has one writer, so it has no such race).</summary>
    public static TheoryData<string> ServerProviders => new() { nameof(DatabaseProvider.Postgres), nameof(DatabaseProvider.SqlServer) };

    /// <summary>Why the SQL Server tests do not run, or null when <c>VOC_TEST_SQLSERVER</c> names a server.</summary>
    public static string? SqlServerSkipReason =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(SqlServerVariable))
            ? $"No SQL Server to test on: set {SqlServerVariable} to a connection string (a login that may create databases) to run this on SQL Server."
            : null;

    public static TestDatabase Create(string provider) => Enum.Parse<DatabaseProvider>(provider) switch
    {
        DatabaseProvider.Postgres => CreatePostgres(),
        DatabaseProvider.SqlServer => CreateSqlServer(),
        _ => CreateSqlite(),
    };

    public static TestDatabase CreateSqlite()
    {
        var folder = Directory.CreateTempSubdirectory("voc-test-");
        var file = Path.Combine(folder.FullName, "voc.db");
        return new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={file}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { folder.Delete(recursive: true); } catch (IOException) { }
        });
    }

    /// <summary>
    /// Fails (rather than skips) when no server is configured: the PostgreSQL path is part of what the suite
    /// proves. scripts/test.sh starts one and sets <c>VOC_TEST_POSTGRES</c>.
    /// </summary>
    public static TestDatabase CreatePostgres()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable)
            ?? throw new InvalidOperationException($"{PostgresVariable} is not set: run the suite with scripts/test.sh, which starts PostgreSQL on 127.0.0.1.");
        var name = NewName();
        using (var connection = new NpgsqlConnection(admin))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(DatabaseProvider.Postgres, builder.ToString(), () =>
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(admin);
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        });
    }

    /// <summary>
    /// A new database on the SQL Server named by <c>VOC_TEST_SQLSERVER</c>. No engine runs on this project's machines,
    /// so the tests that call this are skipped without the variable (<see cref="SqlServerTestFramework"/>).
    /// </summary>
    public static TestDatabase CreateSqlServer()
    {
        var admin = Environment.GetEnvironmentVariable(SqlServerVariable) is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException(SqlServerSkipReason);
        var name = NewName();
        using (var connection = new SqlConnection(admin))
        {
            connection.Open();
            using var command = new SqlCommand($"CREATE DATABASE [{name}]", connection);
            command.ExecuteNonQuery();
        }
        var builder = new SqlConnectionStringBuilder(admin) { InitialCatalog = name };
        return new TestDatabase(DatabaseProvider.SqlServer, builder.ConnectionString, () =>
        {
            SqlConnection.ClearAllPools();
            using var connection = new SqlConnection(admin);
            connection.Open();
            // Test-owned name; SINGLE_USER ends the sessions a test host may still hold.
            using var command = new SqlCommand($"""
                IF DB_ID(N'{name}') IS NOT NULL
                BEGIN
                    ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
                    DROP DATABASE [{name}];
                END
                """, connection);
            command.ExecuteNonQuery();
        });
    }

    private static string NewName() => "voc_test_" + Guid.NewGuid().ToString("N")[..12];

    public void Dispose() => _drop();
}
