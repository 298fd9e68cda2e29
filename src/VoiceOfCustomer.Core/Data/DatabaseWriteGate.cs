namespace VoiceOfCustomer.Data;

/// <summary>
/// SQLite allows one writer at a time and makes the others sleep in its busy handler and retry. The app's
/// own writers of many rows (the intake group commit, a CSV import's batches) take turns here instead,
/// so neither sleeps. On PostgreSQL the gate lets everyone through.
/// </summary>
public sealed class DatabaseWriteGate(DatabaseConnection connection)
{
    private readonly SemaphoreSlim? _gate = connection.Provider == DatabaseProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken = default)
    {
        if (_gate is null)
            return NoGate.Instance;
        await _gate.WaitAsync(cancellationToken);
        return new Release(_gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                gate.Release();
        }
    }

    private sealed class NoGate : IDisposable
    {
        public static readonly NoGate Instance = new();
        public void Dispose() { }
    }
}
