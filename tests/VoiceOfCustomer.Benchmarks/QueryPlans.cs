using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>Runs a query of the app in-process with an interceptor that keeps its SQL, and prints SQLite's plan for it.</summary>
internal static class QueryPlans
{
    /// <summary>
    /// Calls <paramref name="run"/> on a context with the app's options, keeps the last command that <paramref name="isTheQuery"/>
    /// picks, prints its <c>EXPLAIN QUERY PLAN</c> under <paramref name="title"/> and returns the plan's lines.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PrintAsync(IServiceProvider services, string title, Func<string, bool> isTheQuery, Func<VocDbContext, IServiceProvider, Task> run)
    {
        await using var scope = services.CreateAsyncScope();
        var capture = new CommandCapture(isTheQuery);
        var options = new DbContextOptionsBuilder<VocDbContext>(scope.ServiceProvider.GetRequiredService<DbContextOptions<VocDbContext>>())
            .AddInterceptors(capture).Options;
        await using (var captured = new VocDbContext(options))
            await run(captured, scope.ServiceProvider);
        if (capture.Sql is null)
            throw new InvalidOperationException($"The query of \"{title}\" was not captured.");

        var connection = (SqliteConnection)scope.ServiceProvider.GetRequiredService<VocDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + capture.Sql;
        foreach (var (name, value) in capture.Parameters)
            explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
        Console.WriteLine($"EXPLAIN QUERY PLAN, {title}:");
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
            Console.WriteLine($"  {lines[^1]}");
        }
        return lines;
    }

    private sealed class CommandCapture(Func<string, bool> isTheQuery) : DbCommandInterceptor
    {
        public string? Sql { get; private set; }
        public List<(string Name, object? Value)> Parameters { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (isTheQuery(command.CommandText))
            {
                Sql = command.CommandText;
                Parameters.Clear();
                foreach (DbParameter parameter in command.Parameters)
                    Parameters.Add((parameter.ParameterName, parameter.Value));
            }
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
