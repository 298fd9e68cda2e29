using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Suggestions;

/// <summary>
/// Keeps the model fresh without touching a request: at start it loads the newest model (or builds the cold-start
/// one), then every <see cref="SuggestionOptions.RetrainInterval"/> it picks up a version another instance trained
/// and retrains once <see cref="SuggestionOptions.RetrainAfterNewCodings"/> codings arrived since; a
/// <see cref="RequestRetrain"/> wakes it at once.
/// </summary>
public sealed partial class SuggestionRetrainingService(
    SuggestionTrainer trainer,
    SuggestionModelStore store,
    IOptions<SuggestionOptions> options,
    TimeProvider time,
    ILogger<SuggestionRetrainingService> logger) : BackgroundService, ISuggestionTrainingTrigger
{
    // One pending request is enough: asking twice before the loop wakes still means one retraining.
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void RequestRetrain() => _requests.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || !settings.BackgroundTraining)
            return;
        // Let the host finish starting (and the database initialise) before the first query.
        await Task.Yield();
        try
        {
            await store.RefreshAsync(stoppingToken);
            await trainer.ColdStartIfNoModelAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogPassFailed(ex);
        }

        var interval = settings.RetrainInterval > TimeSpan.Zero ? settings.RetrainInterval : TimeSpan.FromMinutes(5);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool requested;
            try
            {
                requested = await WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await RunPassAsync(requested, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A failed pass (database away, a bad row) only delays the next model; the current one stays in use.
                LogPassFailed(ex);
            }
        }
    }

    /// <summary>One pass of the loop: adopt a newer persisted model, then retrain if asked or enough codings arrived.</summary>
    public async Task<bool> RunPassAsync(bool requested, CancellationToken cancellationToken)
    {
        await store.RefreshAsync(cancellationToken);
        if (!requested)
        {
            var fresh = await trainer.CodingsSinceNewestModelAsync(cancellationToken);
            if (fresh < Math.Max(1, options.Value.RetrainAfterNewCodings))
                return false;
        }
        return await trainer.TrainAsync(cancellationToken) is not null;
    }

    /// <summary>Waits for the interval or a retrain request, whichever comes first; answers whether it was a request.</summary>
    private async Task<bool> WaitAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        if (_requests.Reader.TryRead(out _))
            return true;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(interval, time, wake.Token);
        var request = _requests.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(delay, request);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        return _requests.Reader.TryRead(out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A suggestion retraining pass failed; the current model stays in use.")]
    private partial void LogPassFailed(Exception ex);
}
