namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>
/// Runs <c>voc</c> in this process with its output captured. The environment and the console are the process's, so
/// the tests that use it share <see cref="Import.ProcessStateCollection"/>.
/// </summary>
public static class CliRunner
{
    /// <summary>Against <paramref name="app"/>'s test database.</summary>
    public static Task<(int Exit, string Out, string Error)> RunAsync(VocAppFactory app, params string[] args) =>
        RunAsync(new Dictionary<string, string?>
        {
            ["Database__Provider"] = app.Database.Provider.ToString(),
            ["ConnectionStrings__Default"] = app.Database.ConnectionString,
        }, args);

    /// <summary>With <paramref name="environment"/> set for the run (and put back after it).</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var saved = environment.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        var (savedOut, savedError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            foreach (var (key, value) in environment)
                Environment.SetEnvironmentVariable(key, value);
            Console.SetOut(output);
            Console.SetError(error);
            var exit = await VoiceOfCustomer.Cli.Program.BuildRoot().Parse(args).InvokeAsync();
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(savedOut);
            Console.SetError(savedError);
            foreach (var (key, value) in saved)
                Environment.SetEnvironmentVariable(key, value);
        }
    }
}
