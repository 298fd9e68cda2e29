namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>The workflow runtime's settings, bound from the <c>Workflows</c> section.</summary>
public sealed class WorkflowOptions
{
    public const string SectionName = "Workflows";

    /// <summary>Runs the dispatcher in this process. Turn off on app instances that should only serve requests.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How often the dispatcher looks for new subjects, signals and due timers.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timers (and new subjects, and signals) handled per transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Folder of the definition files; empty means <c>workflows/</c> beside the program, else the checkout's.</summary>
    public string? Directory { get; set; }
}
