using Microsoft.Data.Sqlite;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>Prepared INSERTs for filling a benchmark's SQLite file fast (the customer benchmarks' millions of rows).</summary>
internal static class SqliteBulk
{
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    public static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }
}
