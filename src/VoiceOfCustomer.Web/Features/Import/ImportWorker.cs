using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Import;

namespace VoiceOfCustomer.Web.Features.Import;

/// <summary>
/// Runs queued uploads one at a time: imports compete for SQLite's single writer anyway, and one at a time keeps
/// the web app responsive. The job row carries progress and the outcome; the worker only logs the unexpected.
/// </summary>
public sealed class ImportWorker(
    ImportQueue queue,
    CsvFeedbackImporter importer,
    CsvCustomerDataImporter customerData,
    IDbContextFactory<VocDbContext> contexts,
    TimeProvider time,
    ILogger<ImportWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await FailQueuedJobsOfEarlierRunsAsync(stoppingToken);
        await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                // DeleteOnClose: the uploaded copy goes away however the import ends.
                await using var stream = new FileStream(item.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                    FileOptions.SequentialScan | FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                var report = item.CustomerData is { } data
                    ? await customerData.ImportAsync(stream, data, progress: null, stoppingToken)
                    : await importer.ImportAsync(stream, item.Request, progress: null, stoppingToken);
                logger.LogInformation("Import {JobId} of {File}: {Imported} imported, {Duplicates} duplicates, {Rejected} rejected in {Seconds:0.0} s",
                    item.Request.JobId, item.Request.FileName, report.Imported, report.Duplicates, report.Rejected, report.Elapsed.TotalSeconds);
            }
            catch (ImportRejectedException error)
            {
                logger.LogInformation("Import {JobId} of {File} refused: {Message}", item.Request.JobId, item.Request.FileName, error.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Import {JobId} of {File} failed", item.Request.JobId, item.Request.FileName);
            }
        }
    }

    /// <summary>
    /// The queue lives in memory, so uploads left queued by a previous process will never run: say so. Running jobs are
    /// left alone: one may be a <c>voc import</c> still at work, and a dead one shows as interrupted once its heartbeat stops.
    /// </summary>
    private async Task FailQueuedJobsOfEarlierRunsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            await db.ImportJobs
                .Where(j => j.Status == ImportJobStatus.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ImportJobStatus.Failed)
                    .SetProperty(j => j.Error, "The application restarted before this import finished; upload the file again (rows already stored are skipped).")
                    .SetProperty(j => j.FinishedAt, now), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "Could not mark the uploads queued before the restart as failed");
        }
    }
}
