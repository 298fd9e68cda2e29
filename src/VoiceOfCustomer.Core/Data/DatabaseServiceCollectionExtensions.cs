using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Data;

/// <summary>
/// The single place where the database provider is chosen. SQL Server slots in here (and in a third
/// migrations assembly) the day its EF provider can be restored; see docs/decisions/0001-database-providers.md.
/// </summary>
public static class DatabaseServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "VoiceOfCustomer.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "VoiceOfCustomer.Migrations.Postgres";

    public static IServiceCollection AddVocDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName));
        var options = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ResolveConnectionString(options, configuration.GetConnectionString("Default"), DataRoot());
        services.AddSingleton(new DatabaseConnection(options.Provider, connectionString));
        services.AddDbContextPool<VocDbContext>(builder => Configure(builder, options.Provider, connectionString));
        services.AddPooledDbContextFactory<VocDbContext>(builder => Configure(builder, options.Provider, connectionString));
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
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported. Use Sqlite or Postgres.");
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

    /// <summary>For SQLite, a configured connection string wins; otherwise the data file under <paramref name="dataRoot"/>, its folder created.</summary>
    public static string ResolveConnectionString(DatabaseOptions options, string? configured, string dataRoot)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? $"Data Source={options.SqliteFile}" : configured);
            if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
            {
                builder.DataSource = Path.GetFullPath(builder.DataSource, dataRoot);
                Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
            }
            builder.Pooling = true;
            return builder.ToString();
        }
        return string.IsNullOrWhiteSpace(configured)
            ? throw new OptionsValidationException("ConnectionStrings:Default", typeof(DatabaseOptions),
                [$"ConnectionStrings:Default is required when Database:Provider is {options.Provider}."])
            : configured;
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
