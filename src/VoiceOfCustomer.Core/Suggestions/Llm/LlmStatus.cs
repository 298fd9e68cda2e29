namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>What the LLM suggester did last, for an admin page: kept in memory per app instance.</summary>
public sealed class LlmStatus
{
    private readonly Lock _lock = new();
    private Snapshot _current = new(null, null, null, 0, null, null, null);

    /// <param name="LastCallAt">When this instance last called the endpoint (UTC).</param>
    /// <param name="LastDiscard">Why the last discarded answer was discarded; null after a used answer.</param>
    /// <param name="CallsToday">Calls made today by every instance, as last read from the database.</param>
    /// <param name="Disabled">Why no call is made at all (switched off, verbatim not to be sent, budget spent); null while calls are made.</param>
    /// <param name="LastPassError">Why the last background pass failed (a database error, say); null after a pass that ran.</param>
    public sealed record Snapshot(DateTimeOffset? LastCallAt, LlmDiscard? LastDiscard, DateOnly? Day, int CallsToday, LlmOffReason? Disabled,
        DateTimeOffset? LastPassAt, string? LastPassError)
    {
        /// <summary>The reason in English, for logs and tests.</summary>
        public string? DisabledReason => Disabled?.ToString();
    }

    public Snapshot Current
    {
        get
        {
            lock (_lock)
                return _current;
        }
    }

    internal void Update(Func<Snapshot, Snapshot> change)
    {
        lock (_lock)
            _current = change(_current);
    }
}

/// <summary>
/// Why the LLM makes no calls, as a message template and its arguments, so an admin page can show it in the reader's
/// language (the template is the resource key) and a log in English.
/// </summary>
public sealed record LlmOffReason(string Template, params object[] Arguments)
{
    private const string Section = LlmSuggestionOptions.SectionName;

    public static LlmOffReason SwitchedOff { get; } = new("off: {0}:Enabled is false", Section);
    public static LlmOffReason NotConfigured { get; } = new("off: {0}:Endpoint and :Model must both be set", Section);
    public static LlmOffReason VerbatimMayNotLeave { get; } = new("no call is made: {0}:SendVerbatim is false, so no verbatim may leave the app", Section);
    public static LlmOffReason NoKernel { get; } = new("off: no chat client is registered");

    public static LlmOffReason BudgetSpent(int budget) =>
        new("no call is made: today's budget of {0} calls ({1}:DailyCallBudget) is spent", budget, Section);

    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, Template, Arguments);
}

/// <summary>A filter of the refiner's kernel refused the call before anything was sent; the item is given back.</summary>
public sealed class LlmCallRefusedException(LlmOffReason reason) : Exception(reason.ToString())
{
    public LlmOffReason Reason { get; } = reason;
}
