using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>
/// The arithmetic of an instance's clock: working time consumed so far, and the instant a given amount of it
/// will have passed. With no calendar, working time is wall-clock time.
/// </summary>
internal static class InstanceClock
{
    public static TimeSpan Elapsed(WorkflowInstance instance, DateTime now, IWorkingTimeCalendar? calendar) =>
        instance.Consumed + (instance.RunningSince is { } since ? Between(since, now, calendar) : TimeSpan.Zero);

    /// <summary>When the clock reaches <paramref name="required"/>, assuming it keeps running from <see cref="WorkflowInstance.RunningSince"/>.</summary>
    public static DateTime When(WorkflowInstance instance, TimeSpan required, IWorkingTimeCalendar? calendar)
    {
        var since = instance.RunningSince ?? throw new InvalidOperationException($"Instance {instance.Id} is not running.");
        var remaining = required - instance.Consumed;
        if (remaining <= TimeSpan.Zero)
            return since;
        return calendar?.AddWorkingTime(since, remaining) ?? since + remaining;
    }

    public static TimeSpan Between(DateTime from, DateTime to, IWorkingTimeCalendar? calendar)
    {
        if (to <= from)
            return TimeSpan.Zero;
        return calendar?.WorkingTimeBetween(from, to) ?? to - from;
    }

    public static TimeSpan Scale(TimeSpan target, double share) => TimeSpan.FromTicks((long)Math.Round(target.Ticks * share));
}
