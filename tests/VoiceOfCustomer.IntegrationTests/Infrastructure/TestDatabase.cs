using Npgsql;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>A throw-away database: a SQLite file in a temp folder, or a new database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IDisposable
{
    public const string PostgresVariable = "VOC_TEST_POSTGRES";

    private readonly Action _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, Action drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

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
        var name = "voc_test_" + Guid.NewGuid().ToString("N")[..12];
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

    public void Dispose() => _drop();
}
