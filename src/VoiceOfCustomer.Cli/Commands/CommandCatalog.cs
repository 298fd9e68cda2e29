using System.CommandLine;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>Every command besides <c>apikey</c>; each feature adds its own here.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> Additional() => [SeedCommand.Build(), ImportCommand.Build(), ImportCommand.BuildStatus(), UserCommands.Build(), SuggestCommands.Build(), WorkflowCommands.Build(), ClvCommands.Build()];
}
