using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// Group commit for SQLite, which has one writer at a time. Requests queue their new item here; one loop
/// takes everything queued, stores it in one transaction with a savepoint per item, and commits once.
/// Under load this replaces a commit and a writer hand-over per request with one per group, and the
/// writer never idles waiting for a particular request's continuation to be scheduled.
/// On PostgreSQL, intake writes directly and concurrently instead.
/// </summary>
public sealed class FeedbackWriteQueue : IAsyncDisposable
{
    private const int MaxGroupSize = 256;

    private readonly IServiceScopeFactory _scopes;
    private readonly DatabaseWriteGate _gate;
    private readonly ILogger<FeedbackWriteQueue> _logger;
    private readonly Channel<PendingWrite> _queue = System.Threading.Channels.Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public FeedbackWriteQueue(IServiceScopeFactory scopes, DatabaseWriteGate gate, ILogger<FeedbackWriteQueue> logger)
    {
        _scopes = scopes;
        _gate = gate;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Stores the item; true when stored, false when a unique key conflicted (the caller looks again).</summary>
    public Task<bool> WriteAsync(FeedbackIntakeService.PendingItem item)
    {
        var write = new PendingWrite(item, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(FeedbackWriteQueue));
        return write.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record PendingWrite(FeedbackIntakeService.PendingItem Item, TaskCompletionSource<bool> Done);

    /// <summary>Stored, lost to a concurrent insert of the same key, or failed for another reason (that item alone).</summary>
    private readonly record struct Outcome(bool Stored, Exception? Fault = null);

    private async Task LoopAsync()
    {
        var group = new List<PendingWrite>(MaxGroupSize);
        var outcomes = new List<Outcome>(MaxGroupSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            outcomes.Clear();
            while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var write))
                group.Add(write);
            try
            {
                await WriteGroupAsync(group, outcomes);
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i].Fault is { } fault)
                        group[i].Done.TrySetException(fault);
                    else
                        group[i].Done.TrySetResult(outcomes[i].Stored);
                }
            }
            catch (Exception error)
            {
                _logger.LogError(error, "Storing a group of {Count} feedback items failed", group.Count);
                foreach (var write in group)
                    write.Done.TrySetException(error);
            }
        }
    }

    private async Task WriteGroupAsync(List<PendingWrite> group, List<Outcome> outcomes)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        using var turn = await _gate.EnterAsync();
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var write in group)
        {
            // A savepoint per item: a conflict or a fault undoes that item alone (with the prospect or contact it created).
            await transaction.CreateSavepointAsync("item");
            try
            {
                await FeedbackIntakeService.StoreAsync(db, write.Item, CancellationToken.None);
                await transaction.ReleaseSavepointAsync("item");
                outcomes.Add(new(Stored: true));
            }
            catch (DbUpdateException error)
            {
                await transaction.RollbackToSavepointAsync("item");
                await transaction.ReleaseSavepointAsync("item");
                // A lost race: the caller reads the winner's row. Anything else fails that request, not the group.
                outcomes.Add(error.IsConflict() ? new(Stored: false) : new(Stored: false, error));
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
        await transaction.CommitAsync();
    }
}
