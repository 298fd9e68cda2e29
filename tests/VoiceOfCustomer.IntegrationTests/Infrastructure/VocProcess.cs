using System.Diagnostics;

namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>The real <c>voc</c> executable (copied beside the tests) as a child process on a test database.</summary>
public static class VocProcess
{
    public sealed record Result(int ExitCode, string Output, string Errors);

    /// <param name="settings">Configuration keys (<c>Import:HeartbeatTimeout</c>), passed as environment variables.</param>
    public static Process Start(TestDatabase database, IReadOnlyDictionary<string, string?>? settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "voc.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__Default"] = database.ConnectionString;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("voc did not start.");
    }

    /// <summary>Runs <c>voc</c> to its end (at most 3 minutes).</summary>
    public static async Task<Result> RunAsync(TestDatabase database, IReadOnlyDictionary<string, string?>? settings, params string[] arguments)
    {
        using var process = Start(database, settings, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await errors);
    }
}
