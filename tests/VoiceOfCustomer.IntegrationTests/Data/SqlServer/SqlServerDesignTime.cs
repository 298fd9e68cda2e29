using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.IntegrationTests.Data.SqlServer;

/// <summary>
/// The app's own SQL Server context, built as <c>dotnet ef</c> builds it (the migrations project's design-time factory,
/// a connection string that is never opened), for the tests that need no SQL Server engine: none runs on this
/// project's machines.
/// </summary>
internal static class SqlServerDesignTime
{
    public static VocDbContext Context() => new VoiceOfCustomer.Migrations.SqlServer.DesignTimeFactory().CreateDbContext([]);

    /// <summary>The model with everything the migrations see (collations, filters), not only what queries need.</summary>
    public static Microsoft.EntityFrameworkCore.Metadata.IModel Model(VocDbContext db) => db.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model;

    /// <summary>The design-time context of each provider, as its migrations project builds it.</summary>
    public static VocDbContext Context(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new VoiceOfCustomer.Migrations.Sqlite.DesignTimeFactory().CreateDbContext([]),
        DatabaseProvider.Postgres => new VoiceOfCustomer.Migrations.Postgres.DesignTimeFactory().CreateDbContext([]),
        _ => Context(),
    };

    /// <summary>
    /// A SQL Server context whose connection is never opened and whose commands never reach a server: each command's
    /// text and parameters are recorded and answered by an empty result with the columns the caller names. So the app's
    /// own code paths run, on SQL Server's provider, up to the wire.
    /// </summary>
    public static (VocDbContext Db, CommandRecorder Commands) RecordingContext(params string[] resultColumns)
    {
        var recorder = new CommandRecorder(resultColumns);
        var builder = new DbContextOptionsBuilder<VocDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, DatabaseProvider.SqlServer, VoiceOfCustomer.Migrations.SqlServer.DesignTimeFactory.DesignTimeConnectionString)
            .AddInterceptors(recorder, new NeverOpened());
        return (new VocDbContext(builder.Options), recorder);
    }

    /// <summary>A command as sent; each parameter with the SQL Server type SqlClient sends it as (e.g. <c>datetime2</c>).</summary>
    internal sealed record RecordedCommand(string Text, IReadOnlyList<(string Name, string Type, object? Value)> Parameters);

    internal sealed class CommandRecorder(string[] resultColumns) : DbCommandInterceptor
    {
        public List<RecordedCommand> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(Record(command));
            var table = new DataTable();
            foreach (var column in resultColumns)
                table.Columns.Add(column, typeof(object));
            return ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(table.CreateDataReader()));
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Commands.Add(Record(command));
            return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(0));
        }

        private static RecordedCommand Record(DbCommand command) => new(command.CommandText,
            [.. command.Parameters.Cast<Microsoft.Data.SqlClient.SqlParameter>()
                .Select(p => (p.ParameterName, p.SqlDbType.ToString().ToLowerInvariant(), (object?)p.Value))]);
    }

    private sealed class NeverOpened : DbConnectionInterceptor
    {
        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            InterceptionResult.Suppress();

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default) => ValueTask.FromResult(InterceptionResult.Suppress());

        public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            InterceptionResult.Suppress();

        public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            ValueTask.FromResult(InterceptionResult.Suppress());
    }
}
