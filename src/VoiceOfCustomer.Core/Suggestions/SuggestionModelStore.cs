using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// The model in use, held in memory and swapped by reference, so a request reads it without a lock or a query.
/// The newest persisted <see cref="SuggestionModelRecord"/> is the model: loaded on first use and whenever a newer
/// version appears (another instance may have trained it). Versions come from the unique index, not from a lock.
/// </summary>
public sealed partial class SuggestionModelStore(IServiceScopeFactory scopes, ILogger<SuggestionModelStore> logger)
{
    private const int MaxSaveAttempts = 5;

    private volatile SuggestionModel? _current;
    private Task? _initialLoad;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);

    /// <summary>The model in use, or null before any was trained or loaded.</summary>
    public SuggestionModel? Current => _current;

    /// <summary>Loads the newest model once per process; later calls return at once.</summary>
    public async Task<SuggestionModel?> EnsureLoadedAsync(CancellationToken cancellationToken = default)
    {
        var load = Volatile.Read(ref _initialLoad);
        if (load is null)
        {
            var started = Task.Run(() => RefreshAsync(CancellationToken.None), CancellationToken.None);
            load = Interlocked.CompareExchange(ref _initialLoad, started, null) ?? started;
        }
        try
        {
            await load.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may not be ready yet (first start); try again on the next request, show no suggestion now.
            _ = Interlocked.CompareExchange(ref _initialLoad, null, load);
            LogLoadFailed(ex);
        }
        return _current;
    }

    /// <summary>Loads the newest persisted model when it is newer than the one in memory. Answers whether it swapped.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var newest = await db.SuggestionModels.AsNoTracking().MaxAsync(m => (int?)m.Version, cancellationToken);
            if (newest is null || newest <= (_current?.Version ?? 0))
                return false;
            var payload = await db.SuggestionModels.AsNoTracking().Where(m => m.Version == newest)
                .Select(m => m.Payload).FirstAsync(cancellationToken);
            Publish(SuggestionModel.Deserialize(payload, newest.Value));
            LogLoaded(newest.Value);
            return true;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Makes <paramref name="model"/> the one in use unless a newer one already is.</summary>
    public void Publish(SuggestionModel model)
    {
        while (true)
        {
            var current = _current;
            if (current is not null && current.Version >= model.Version)
                return;
            if (Interlocked.CompareExchange(ref _current, model, current) == current)
                return;
        }
    }

    /// <summary>
    /// Persists <paramref name="model"/> as the next version (newest + 1) and sets <see cref="SuggestionModel.Version"/>.
    /// When another instance took that version first, the unique index refuses ours: read the newest again and retry.
    /// </summary>
    public async Task<SuggestionModelRecord> SaveAsync(SuggestionModel model, SuggestionModelRecord record, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var version = (await db.SuggestionModels.AsNoTracking().MaxAsync(m => (int?)m.Version, cancellationToken) ?? 0) + 1;
            record.Id = 0;
            record.Version = version;
            db.SuggestionModels.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                model.Version = version;
                return record;
            }
            catch (DbUpdateException ex) when (attempt < MaxSaveAttempts && ex.IsConflict())
            {
                LogVersionTaken(version, ex.InnerException?.Message ?? ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Suggestion model version {Version} loaded.")]
    private partial void LogLoaded(int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the suggestion model; suggestions are off until it loads.")]
    private partial void LogLoadFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Suggestion model version {Version} was taken by another instance ({Reason}); retrying with the next.")]
    private partial void LogVersionTaken(int version, string reason);
}
