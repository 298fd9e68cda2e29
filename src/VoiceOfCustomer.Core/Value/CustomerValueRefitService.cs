using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.Value;

/// <summary>What the refit is doing now, for the value page; written by the refit loop, read by requests.</summary>
public sealed class CustomerValueRefitStatus
{
    private readonly Lock _gate = new();
    private bool _running;
    private int _progress;
    private string? _lastError;
    private ValueRefitResult? _last;

    public bool Running { get { lock (_gate) return _running; } }
    public int Progress { get { lock (_gate) return _progress; } }
    public string? LastError { get { lock (_gate) return _lastError; } }
    public ValueRefitResult? Last { get { lock (_gate) return _last; } }

    internal void Started() { lock (_gate) { _running = true; _progress = 0; } }
    internal void Report(int progress) { lock (_gate) _progress = progress; }
    internal void Finished(ValueRefitResult? result, string? error)
    {
        lock (_gate)
        {
            _running = false;
            _progress = 100;
            _lastError = error;
            _last = result ?? _last;
        }
    }
}

/// <summary>Asks the background refit to run now (the value page's button, an import of purchases).</summary>
public interface ICustomerValueRefitTrigger
{
    /// <summary>Queues a refit; false when one is already queued.</summary>
    bool RequestRefit(string requestedBy);
}

/// <summary>
/// Refits the lifetime-value models off the request path: at start when no fit exists, on the
/// <see cref="CustomerValueOptions.RefitSchedule"/> (cron in <c>Organisation:TimeZone</c>) and on demand. An occurrence
/// another instance already fitted for is skipped, so a fleet refits once per occurrence.
/// </summary>
public sealed partial class CustomerValueRefitService(
    IServiceScopeFactory scopes,
    CustomerValueRefitStatus status,
    IOptions<CustomerValueOptions> options,
    IOptions<OrganisationOptions> organisation,
    TimeProvider time,
    ILogger<CustomerValueRefitService> logger) : BackgroundService, ICustomerValueRefitTrigger
{
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public bool RequestRefit(string requestedBy) => _requests.Writer.TryWrite(requestedBy);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.BackgroundRefit)
            return;
        await Task.Yield();
        try
        {
            if (options.Value.FitAtStartWhenMissing && !await AnyFitAsync(stoppingToken))
                await RunAsync("start", stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogFailed(ex);
        }

        var schedule = string.IsNullOrWhiteSpace(options.Value.RefitSchedule) ? null : Cronos.CronExpression.Parse(options.Value.RefitSchedule);
        var zone = FlowStarter.OrganisationZone(organisation.Value);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = schedule?.GetNextOccurrence(now.UtcDateTime, zone);
            var wait = next is { } at ? at - now.UtcDateTime : Timeout.InfiniteTimeSpan;
            string? requestedBy;
            try
            {
                requestedBy = await WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (requestedBy is not null)
                    await RunAsync(requestedBy, stoppingToken);
                else if (next is { } occurrence && !await FittedSinceAsync(occurrence, stoppingToken))
                    await RunAsync("schedule", stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
            }
        }
    }

    /// <summary>One refit with progress in <see cref="CustomerValueRefitStatus"/>; failures are kept there and logged.</summary>
    public async Task<ValueRefitResult?> RunAsync(string requestedBy, CancellationToken cancellationToken)
    {
        status.Started();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var scorer = scope.ServiceProvider.GetRequiredService<CustomerValueScorer>();
            var result = await scorer.RefitAsync(requestedBy, new Progress<int>(status.Report), cancellationToken);
            status.Finished(result, null);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            status.Finished(null, ex.Message);
            throw;
        }
    }

    private async Task<bool> AnyFitAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VocDbContext>().ValueFits.AnyAsync(cancellationToken);
    }

    private async Task<bool> FittedSinceAsync(DateTime occurrence, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VocDbContext>().ValueFits.AnyAsync(f => f.StartedAt >= occurrence, cancellationToken);
    }

    private async Task<string?> WaitAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        if (_requests.Reader.TryRead(out var queued))
            return queued;
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = wait == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, wake.Token) : Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, time, wake.Token);
        var request = _requests.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(delay, request);
        await wake.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        return _requests.Reader.TryRead(out var requested) ? requested : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A customer-value refit failed; the previous scores stay in use.")]
    private partial void LogFailed(Exception ex);
}
