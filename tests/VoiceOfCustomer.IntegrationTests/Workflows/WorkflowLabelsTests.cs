using System.Text.RegularExpressions;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Web.Features.Workflows;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

/// <summary>The instance page names every history event and every kind of flow timer in words, never by the runtime's key.</summary>
public sealed partial class WorkflowLabelsTests
{
    [Fact]
    public void Every_history_event_the_runtime_writes_has_a_label()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Checkout.Root(), "src", "VoiceOfCustomer.Workflows"), "*.cs", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        var events = sources.SelectMany(s => EventWritten().Matches(s)).SelectMany(m => Quoted().Matches(m.Value)).Select(m => m.Groups[1].Value)
            .Distinct().ToList();

        Assert.Contains("entered", events);
        Assert.Contains("task-answered", events);
        Assert.Contains("attempt-failed", events);
        Assert.All(events, e => Assert.True(WorkflowPages.EventLabels.ContainsKey(e), $"No label for the history event '{e}'."));
        Assert.Contains(WorkflowOperations.RetriedEvent, WorkflowPages.EventLabels.Keys);
        Assert.Contains(WorkflowOperations.CancelledEvent, WorkflowPages.EventLabels.Keys);
    }

    [Fact]
    public void Every_kind_of_flow_timer_has_a_label()
    {
        var kinds = typeof(FlowEvents).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        Assert.True(kinds.Count >= 8);
        Assert.All(kinds, k => Assert.True(WorkflowPages.TimerLabels.ContainsKey(k), $"No label for the timer kind '{k}'."));
    }

    /// <summary><c>History("entered", …)</c>, <c>Event = …</c> and <c>WorkflowHistoryEntry.Of(…, @event: giveUp ? "faulted" : "attempt-failed", …)</c>.</summary>
    [GeneratedRegex("""(History\("[a-z-]+"|Event = [^,\n]+|@event: [^,\n]+)""")]
    private static partial Regex EventWritten();

    [GeneratedRegex("\"([a-z]+(?:-[a-z]+)*)\"")]
    private static partial Regex Quoted();
}
