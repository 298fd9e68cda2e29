namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>What the LLM suggester did last, for an admin page: kept in memory per app instance.</summary>
public sealed class LlmStatus
{
    private readonly Lock _lock = new();
    private Snapshot _current = new(null, null, null, 0, null, null);

    /// <param name="LastCallAt">When this instance last called the endpoint (UTC).</param>
    /// <param name="LastError">Why the last discarded answer was discarded; null after a used answer.</param>
    /// <param name="CallsToday">Calls made today by every instance, as last read from the database.</param>
    /// <param name="DisabledReason">Why no call is made at all (switched off, verbatim not to be sent, budget spent); null while calls are made.</param>
    public sealed record Snapshot(DateTimeOffset? LastCallAt, string? LastError, DateOnly? Day, int CallsToday, string? DisabledReason, DateTimeOffset? LastPassAt);

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
