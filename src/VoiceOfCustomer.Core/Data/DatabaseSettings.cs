using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace VoiceOfCustomer.Data;

/// <summary>
/// Reads and checks the database settings before anything is registered, so that a wrong provider name or a missing or
/// malformed connection string stops the program at start with a message naming the setting, instead of the
/// configuration binder's conversion error or a failure at the first query.
/// </summary>
public static class DatabaseSettings
{
    public const string ProviderKey = DatabaseOptions.SectionName + ":" + nameof(DatabaseOptions.Provider);
    public const string ConnectionStringKey = "ConnectionStrings:Default";

    /// <summary>The provider and the connection string to use; throws <see cref="OptionsValidationException"/> naming every bad setting.</summary>
    public static DatabaseConnection Resolve(IConfiguration configuration, string dataRoot)
    {
        var failures = new List<string>();
        var provider = ParseProvider(configuration[ProviderKey], failures);
        if (provider is null)
            throw Invalid(failures);
        var options = new DatabaseOptions { Provider = provider.Value };
        options.SqliteFile = configuration[$"{DatabaseOptions.SectionName}:{nameof(DatabaseOptions.SqliteFile)}"] ?? options.SqliteFile;
        var connectionString = ResolveConnectionString(options, configuration.GetConnectionString("Default"), dataRoot, failures);
        return failures.Count > 0 ? throw Invalid(failures) : new DatabaseConnection(options.Provider, connectionString!);
    }

    /// <summary>A provider name as configured (any letter case); null, with the reason added, for anything else.</summary>
    public static DatabaseProvider? ParseProvider(string? configured, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(configured))
            return DatabaseProvider.Sqlite;
        // Names only: Enum.TryParse would also take "7" or "Sqlite, Postgres".
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            if (string.Equals(provider.ToString(), configured.Trim(), StringComparison.OrdinalIgnoreCase))
                return provider;
        }
        failures.Add($"{ProviderKey} '{configured}' is not a supported database. Use {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        return null;
    }

    /// <summary>For SQLite, a configured connection string wins; otherwise the data file under <paramref name="dataRoot"/>, its folder created.</summary>
    public static string? ResolveConnectionString(DatabaseOptions options, string? configured, string dataRoot, List<string> failures)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var sqlite = Parse(string.IsNullOrWhiteSpace(configured) ? $"Data Source={options.SqliteFile}" : configured, options.Provider, failures,
                text => new SqliteConnectionStringBuilder(text));
            if (sqlite is null)
                return null;
            if (sqlite.DataSource != ":memory:" && sqlite.Mode != SqliteOpenMode.Memory)
            {
                sqlite.DataSource = Path.GetFullPath(sqlite.DataSource, dataRoot);
                Directory.CreateDirectory(Path.GetDirectoryName(sqlite.DataSource)!);
            }
            sqlite.Pooling = true;
            return sqlite.ToString();
        }
        if (string.IsNullOrWhiteSpace(configured))
        {
            failures.Add($"{ConnectionStringKey} is required when {ProviderKey} is {options.Provider} "
                + $"(e.g. the environment variable ConnectionStrings__Default=\"{ExampleConnectionString(options.Provider)}\").");
            return null;
        }
        DbConnectionStringBuilder? parsed = options.Provider switch
        {
            DatabaseProvider.Postgres => Parse(configured, options.Provider, failures, text => new NpgsqlConnectionStringBuilder(text)),
            _ => Parse(configured, options.Provider, failures, text => new SqlConnectionStringBuilder(text)),
        };
        return parsed is null ? null : configured;
    }

    public static string ExampleConnectionString(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Postgres => "Host=127.0.0.1;Database=voc;Username=voc;Password=…",
        DatabaseProvider.SqlServer => "Server=127.0.0.1;Database=voc;User ID=voc;Password=…;TrustServerCertificate=True",
        _ => "Data Source=data/voc.db",
    };

    private static T? Parse<T>(string text, DatabaseProvider provider, List<string> failures, Func<string, T> parse) where T : DbConnectionStringBuilder
    {
        try
        {
            return parse(text);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidOperationException)
        {
            // The message names the bad keyword or value, never the password that may follow it.
            failures.Add($"{ConnectionStringKey} is not a valid {provider} connection string: {error.Message}");
            return null;
        }
    }

    private static OptionsValidationException Invalid(List<string> failures) =>
        new(DatabaseOptions.SectionName, typeof(DatabaseOptions), failures);
}
