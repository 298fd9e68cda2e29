using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Writes the suggestions the coding form showed, off the request: the form only queues them (a commit on the
/// request was the slow tail of showing the form), and this loop saves the queue in batches every
/// <see cref="SuggestionOptions.RecordBatchDelay"/>. Submitting a coding flushes the queue first, so the submit can
/// score what was shown; a batch that lands after its item was coded elsewhere is scored as it is written.
/// </summary>
public sealed partial class ShownSuggestionRecorder(
    IServiceScopeFactory scopes,
    IOptions<SuggestionOptions> options,
    TimeProvider time,
    ILogger<ShownSuggestionRecorder> logger) : BackgroundService
{
    // Keyed like the table's unique index, so viewing an item again before the batch is written queues nothing new.
    private readonly ConcurrentDictionary<(long Item, SuggestionField Field, SuggestionSource Source, int Version), SuggestionRecord> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Shown suggestions waiting to be written.</summary>
    public int PendingCount => _pending.Count;

    public void Enqueue(IEnumerable<SuggestionRecord> records)
    {
        var added = false;
        foreach (var record in records)
            added |= _pending.TryAdd((record.FeedbackItemId, record.Field, record.Source, record.ModelVersion), record);
        if (added)
            _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// Writes everything queued so far (and waits for a batch already being written). A failed write is logged and
    /// kept for the next attempt, so a caller such as the coding submit is never failed by it.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var batch = new List<SuggestionRecord>(_pending.Count);
            foreach (var key in _pending.Keys)
            {
                if (_pending.TryRemove(key, out var record))
                    batch.Add(record);
            }
            if (batch.Count == 0)
                return;
            try
            {
                await WriteAsync(batch, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogWriteFailed(batch.Count, ex);
                foreach (var record in batch)
                {
                    record.Id = 0; // a failed insert may have left a key on it
                    _pending.TryAdd((record.FeedbackItemId, record.Field, record.Source, record.ModelVersion), record);
                }
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.Value.RecordBatchDelay > TimeSpan.Zero ? options.Value.RecordBatchDelay : TimeSpan.FromMilliseconds(200);
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken))
            {
                _wake.Reader.TryRead(out _);
                // Gather the views of the next moment into one transaction.
                await Task.Delay(delay, time, stoppingToken);
                await FlushAsync(stoppingToken);
                if (!_pending.IsEmpty)
                    _wake.Writer.TryWrite(true); // a failed write retries after the next delay
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Shutting down: what is still queued is written now rather than lost.
        using var last = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await FlushAsync(last.Token);
        }
        catch (OperationCanceledException)
        {
            LogDroppedAtShutdown(_pending.Count);
        }
    }

    private async Task WriteAsync(List<SuggestionRecord> batch, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var itemIds = batch.Select(r => r.FeedbackItemId).Distinct().ToList();
        var existing = new HashSet<(long, SuggestionField, SuggestionSource, int)>();
        foreach (var chunk in itemIds.Chunk(500))
        {
            var rows = await db.SuggestionRecords.AsNoTracking().Where(r => chunk.Contains(r.FeedbackItemId))
                .Select(r => new { r.FeedbackItemId, r.Field, r.Source, r.ModelVersion }).ToListAsync(cancellationToken);
            existing.UnionWith(rows.Select(r => (r.FeedbackItemId, r.Field, r.Source, r.ModelVersion)));
        }
        var fresh = batch.Where(r => !existing.Contains((r.FeedbackItemId, r.Field, r.Source, r.ModelVersion))).ToList();
        if (fresh.Count > 0)
        {
            db.SuggestionRecords.AddRange(fresh);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance wrote some of these first (the unique key): save item by item and skip the taken ones.
                db.ChangeTracker.Clear();
                foreach (var group in fresh.GroupBy(r => r.FeedbackItemId))
                    await SaveItemAsync(db, group.ToList(), cancellationToken);
            }
            db.ChangeTracker.Clear();
        }

        // An item coded before its batch landed (another instance took the submit) is scored now.
        var coded = await db.Attributions.AsNoTracking()
            .Where(a => itemIds.Contains(a.FeedbackItemId) && a.State == AttributionState.Submitted)
            .Select(a => a.FeedbackItemId).ToListAsync(cancellationToken);
        if (coded.Count == 0)
            return;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var itemId in coded)
            await SuggestionFeedback.ResolvePendingAsync(db, itemId, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SaveItemAsync(VocDbContext db, List<SuggestionRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
            record.Id = 0;
        db.SuggestionRecords.AddRange(records);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex)
        {
            LogAlreadyRecorded(records[0].FeedbackItemId, ex.InnerException?.Message ?? ex.Message);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} shown suggestions failed; they stay queued for the next attempt.")]
    private partial void LogWriteFailed(int count, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} shown suggestions could not be written before shutdown.")]
    private partial void LogDroppedAtShutdown(int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Suggestions for item {ItemId} were already recorded by another instance ({Reason}).")]
    private partial void LogAlreadyRecorded(long itemId, string reason);
}
