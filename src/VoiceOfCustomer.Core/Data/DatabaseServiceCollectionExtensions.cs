using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoiceOfCustomer.Data;

/// <summary>
/// The single place where the database provider is chosen (SQLite, PostgreSQL or SQL Server), each with its own
/// migrations assembly; see docs/decisions/0001-database-providers.md.
/// </summary>
public static class DatabaseServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "VoiceOfCustomer.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "VoiceOfCustomer.Migrations.Postgres";
    public const string SqlServerMigrationsAssembly = "VoiceOfCustomer.Migrations.SqlServer";

    /// <summary>Registers the database; a bad provider name or connection string stops here (<see cref="DatabaseSettings"/>).</summary>
    public static IServiceCollection AddVocDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var database = DatabaseSettings.Resolve(configuration, DataRoot());
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        services.AddSingleton(database);
        services.AddDbContextPool<VocDbContext>(builder => Configure(builder, database.Provider, database.ConnectionString));
        services.AddPooledDbContextFactory<VocDbContext>(builder => Configure(builder, database.Provider, database.ConnectionString));
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly))
                    .AddInterceptors(SqliteConnectionTuning.Instance);
                break;
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
                break;
            case DatabaseProvider.SqlServer:
                // No retrying execution strategy: the app runs its own transactions (batches, claims), which it would refuse.
                builder.UseSqlServer(connectionString, sql => sql.MigrationsAssembly(SqlServerMigrationsAssembly));
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported. Use {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        }
        // EF logs every failed command and save at Error, lost races included; DatabaseFaultLogging logs the faults.
        return builder
            .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug), (CoreEventId.SaveChangesFailed, LogLevel.Debug)))
            .AddInterceptors(DatabaseFaultLogging.Instance);
    }

    /// <summary>
    /// Where relative SQLite paths point: the checkout's root (the folder holding VoiceOfCustomer.sln) when the
    /// program runs from a source tree, so the web app and the CLI share one file; else the program's folder.
    /// </summary>
    public static string DataRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        return AppContext.BaseDirectory;
    }
}

/// <summary>The resolved provider and connection string, for code that talks ADO.NET directly (bulk import).</summary>
public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString);

/// <summary>
/// Per-connection SQLite settings. WAL lets readers run beside the single writer; NORMAL synchronisation
/// is durable across application crashes in WAL mode and avoids an fsync per commit. Applied once per
/// physical connection: the pool hands the same one out again and again, and the pragmas would otherwise
/// cost a statement on every open.
/// </summary>
internal sealed class SqliteConnectionTuning : DbConnectionInterceptor
{
    public static readonly SqliteConnectionTuning Instance = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Tuned = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => ApplyOnce(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ApplyOnce(connection);
        return Task.CompletedTask;
    }

    private static void ApplyOnce(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && Tuned.TryGetValue(handle, out _))
            return;
        Apply(connection);
        if (connection is SqliteConnection { Handle: { } opened })
            Tuned.AddOrUpdate(opened, Instance);
    }

    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";
        command.ExecuteNonQuery();
    }
}
