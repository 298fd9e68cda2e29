using System.Reflection;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Data;

/// <summary>How the web app and <c>voc</c> report settings that stop them at start: one message naming each setting.</summary>
public static class StartupFailure
{
    /// <summary>The exit code for a configuration that cannot work (2, as <c>voc</c> uses for bad input).</summary>
    public const int ExitCode = 2;

    public static string Describe(OptionsValidationException error) =>
        "VoiceOfCustomer cannot start: the configuration is not valid." + Environment.NewLine
        + string.Join(Environment.NewLine, error.Failures.Select(failure => "  - " + failure));

    /// <summary>True when <paramref name="program"/> is the process's entry point, not an app hosted inside a test runner.</summary>
    public static bool IsOwnProcess(Assembly program) => Assembly.GetEntryAssembly() == program;
}
