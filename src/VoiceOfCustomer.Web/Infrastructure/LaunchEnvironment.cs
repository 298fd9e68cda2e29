namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// The launch profile's environment, as a default only. <c>dotnet run</c> puts the profile's variables over the shell's,
/// so a profile setting <c>ASPNETCORE_ENVIRONMENT=Development</c> beat <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c>
/// and filled what was meant as a production database with demo data. The profile sets <see cref="Variable"/> instead,
/// which applies only when neither ASPNETCORE_ENVIRONMENT nor DOTNET_ENVIRONMENT is set (a command line
/// <c>--environment</c> still wins over both).
/// </summary>
public static class LaunchEnvironment
{
    public const string Variable = "VOC_LAUNCH_ENVIRONMENT";

    /// <summary>The environment to set, or null to leave the host's usual choice alone.</summary>
    public static string? Choose(Func<string, string?> variable) =>
        string.IsNullOrEmpty(variable("ASPNETCORE_ENVIRONMENT")) && string.IsNullOrEmpty(variable("DOTNET_ENVIRONMENT")) && variable(Variable) is { Length: > 0 } name
            ? name
            : null;

    /// <summary>Before the builder reads the environment variables.</summary>
    public static void Apply()
    {
        if (Choose(Environment.GetEnvironmentVariable) is { } name)
            Environment.SetEnvironmentVariable("ASPNETCORE_ENVIRONMENT", name);
    }
}
