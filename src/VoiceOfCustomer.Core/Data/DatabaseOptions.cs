namespace VoiceOfCustomer.Data;

/// <summary>Which database the app uses. Bound from the <c>Database</c> section; the connection string is <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (embedded, the default), <c>Postgres</c> or <c>SqlServer</c>; checked at start by <see cref="DatabaseSettings"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite file used when no connection string is configured; relative paths are under the checkout's root (or the program's folder when published).</summary>
    public string SqliteFile { get; set; } = "data/voc.db";

    /// <summary>Apply pending migrations at start-up (the CLI and the web app both do, so a fresh install needs no setup).</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}
