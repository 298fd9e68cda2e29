namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>The organisation's clock and calendar, bound from <c>Organisation</c>: cron triggers run in this time zone.</summary>
public sealed class OrganisationOptions
{
    public const string SectionName = "Organisation";

    /// <summary>IANA (or Windows) time zone id of the organisation, e.g. <c>Asia/Shanghai</c>. Cron expressions are read in it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Business calendar (its key under /sla/calendars) for "first working day on or after" and timers with <c>calendar: true</c> that have no subject calendar.</summary>
    public string? CalendarKey { get; set; }
}

/// <summary>Settings of step-based workflows, bound from <c>Workflows:Flows</c>.</summary>
public sealed class FlowOptions
{
    public const string SectionName = "Workflows:Flows";

    /// <summary>Attempts of a failing activity before the instance is shown as faulted (an Admin can retry it).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait after the first failed attempt; doubled after each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an e-mail link to a task stays valid when the task has no deadline (with one: until the deadline).</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Cron occurrences started at most after downtime (the latest ones); older missed ones are recorded as skipped.</summary>
    public int MaxMissedOccurrences { get; set; } = 4;

    /// <summary>Steps one instance may pass through in one go before it is stopped as faulted (a guard; loads checks loops without waits).</summary>
    public int MaxStepsPerAdvance { get; set; } = 200;
}
