namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>
/// One or more workflow definition files (or their configured parameter overrides) are invalid. Every problem
/// found is listed, each naming its file, line and field (or configuration key), so they are fixed in one pass.
/// Thrown at start-up: the app does not start on a bad definition.
/// </summary>
public sealed class WorkflowDefinitionException(string heading, IReadOnlyList<string> errors)
    : Exception(heading + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
