namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>What the LLM suggester did last, for an admin page: kept in memory per app instance.</summary>
public sealed class LlmStatus
{
    private readonly Lock _lock = new();
    private Snapshot _current = new(null, null, null, 0, null, null);

    /// <param name="LastCallAt">When this instance last called the endpoint (UTC).</param>
    /// <param name="LastError">Why the last discarded answer was discarded; null after a used answer.</param>
    /// <param name="CallsToday">Calls made today by every instance, as last read from the database.</param>
    /// <param name="Disabled">Why no call is made at all (switched off, verbatim not to be sent, budget spent); null while calls are made.</param>
    public sealed record Snapshot(DateTimeOffset? LastCallAt, string? LastError, DateOnly? Day, int CallsToday, LlmOffReason? Disabled, DateTimeOffset? LastPassAt)
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
    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture, Template, Arguments);
}
