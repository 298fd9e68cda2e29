using System.Data;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace VoiceOfCustomer.Data;

/// <summary>What hand-written ADO.NET commands (bulk writes, the demo replay, SLA stamps) must do per provider.</summary>
internal static class AdoCommands
{
    /// <summary>
    /// Types a parameter that carries an instant (a UTC <see cref="DateTime"/>) as EF maps the column: timestamptz on
    /// PostgreSQL (DbType.DateTime would mean "without time zone"), datetime2 on SQL Server (SqlClient would otherwise
    /// send the old datetime type, rounded to 3 ms), EF's text form on SQLite.
    /// </summary>
    public static void TypeAsInstant(DbParameter parameter)
    {
        switch (parameter)
        {
            case NpgsqlParameter npgsql:
                npgsql.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
                break;
            case SqlParameter sqlServer:
                sqlServer.SqlDbType = SqlDbType.DateTime2;
                break;
            default:
                parameter.DbType = DbType.DateTime;
                break;
        }
    }

    /// <summary>A new parameter for an instant, added to <paramref name="command"/>.</summary>
    public static DbParameter AddInstant(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        TypeAsInstant(parameter);
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Prepares a command that runs many times. Not on SQL Server: SqlClient prepares only with an explicit size on every
    /// text parameter, and SQL Server caches the plan of a parameterised statement anyway.
    /// </summary>
    public static async Task PrepareAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (command is not SqlCommand)
            await command.PrepareAsync(cancellationToken);
    }

    /// <inheritdoc cref="PrepareAsync"/>
    public static void Prepare(DbCommand command)
    {
        if (command is not SqlCommand)
            command.Prepare();
    }
}
