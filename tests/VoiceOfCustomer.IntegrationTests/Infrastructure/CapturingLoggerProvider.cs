using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>Keeps every log entry at Warning (or <see cref="MinimumLevel"/>) or above, so a test can assert what was (or was not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public LogLevel MinimumLevel { get; init; } = LogLevel.Warning;

    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    /// <summary>The Error and Critical entries, one line each, for an assertion message.</summary>
    public IReadOnlyList<string> Errors() =>
        [.. Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Level} {e.Category}: {e.Message}")];

    /// <summary>Fails listing every Error and Critical entry.</summary>
    public void AssertNoErrors()
    {
        var errors = Errors();
        Assert.True(errors.Count == 0, $"{errors.Count} error(s) logged:\n{string.Join("\n", errors)}");
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)));
        }
    }
}
