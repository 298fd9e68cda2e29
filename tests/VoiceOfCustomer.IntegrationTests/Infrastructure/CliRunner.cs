namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a <c>voc</c> command in this process against a test app's database: the settings go in as environment variables
/// (as an operator would set them) and the console is captured. Callers belong to the process-state collection.
/// </summary>
public static class CliRunner
{
    public static Task<(int Exit, string Out, string Error)> RunAsync(VocAppFactory app, IReadOnlyDictionary<string, string?>? settings, params string[] args)
    {
        var variables = new Dictionary<string, string?>
        {
            ["Database__Provider"] = app.Database.Provider.ToString(),
            ["ConnectionStrings__Default"] = app.Database.ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            variables[key] = value;
        return RunAsync(variables, args);
    }

    /// <summary>With only <paramref name="environment"/> set for the run (and put back after it), e.g. for a command that needs no database.</summary>
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
