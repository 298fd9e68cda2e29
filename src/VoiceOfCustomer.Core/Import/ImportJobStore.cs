using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Import;

/// <summary>
/// Keeps an <see cref="ImportJob"/> row up to date on its own short-lived contexts. The importer calls it only
/// between batches: on SQLite a second connection writing while the bulk writer's transaction is open would wait.
/// </summary>
public sealed class ImportJobStore(IDbContextFactory<VocDbContext> contexts, TimeProvider time)
{
    public async Task<ImportJob> CreateAsync(string fileName, string channelKey, long? fileBytes, string? startedById, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = new ImportJob
        {
            Id = Guid.NewGuid(),
            FileName = Truncate(Path.GetFileName(fileName), 260),
            ChannelKey = Truncate(channelKey, 64),
            FileBytes = fileBytes,
            StartedById = startedById,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task MarkRunningAsync(Guid id, long? fileBytes, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, ImportJobStatus.Running)
            .SetProperty(j => j.HeartbeatAt, now)
            .SetProperty(j => j.FileBytes, j => fileBytes ?? j.FileBytes), cancellationToken);
    }

    /// <summary>Stores the counters and the rejections collected since the last call, and the heartbeat.</summary>
    public async Task SaveProgressAsync(Guid id, ImportProgress progress, IReadOnlyCollection<ImportRowError> newRejections, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (newRejections.Count > 0)
        {
            db.ImportRejections.AddRange(newRejections.Select(r => new ImportRejection
            {
                ImportJobId = id,
                LineNumber = r.LineNumber,
                Field = Truncate(r.Field, 64),
                Reason = Truncate(r.Reason, 500),
            }));
            await db.SaveChangesAsync(cancellationToken);
        }
        var now = time.GetUtcNow().UtcDateTime;
        await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.HeartbeatAt, now)
            .SetProperty(j => j.RowsRead, (int)progress.RowsRead)
            .SetProperty(j => j.BytesRead, progress.BytesRead)
            .SetProperty(j => j.Imported, progress.Imported)
            .SetProperty(j => j.Duplicates, progress.Duplicates)
            .SetProperty(j => j.Rejected, progress.Rejected), cancellationToken);
    }

    /// <summary>Ends the job; not cancellable, so a cancelled import still records that it stopped.</summary>
    public async Task FinishAsync(Guid id, ImportJobStatus status, string? error)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var finishedAt = time.GetUtcNow().UtcDateTime;
        var message = error is null ? null : Truncate(error, 2000);
        await db.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.Error, message)
            .SetProperty(j => j.FinishedAt, finishedAt), CancellationToken.None);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
