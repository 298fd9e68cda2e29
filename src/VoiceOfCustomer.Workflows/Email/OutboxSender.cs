using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>Resolves the application's DbContext (which this project does not know) from a scope.</summary>
internal sealed record EmailDbContextResolver(Func<IServiceProvider, DbContext> Resolve);

/// <summary>
/// Delivers the e-mail outbox in rounds. A round sends every due mail over one connection of <see cref="IEmailSender"/>
/// (opened for its first mail, closed with QUIT when nothing more is due), claiming the mails a batch of
/// <see cref="OutboxOptions.BatchSize"/> at a time with one conditional update (a lease), so several app instances
/// never send the same mail at once. Mails go out outside any transaction, and each is marked sent as soon as the
/// server accepted it. A failed mail is scheduled again with exponential back-off, or kept as a dead letter when the
/// server refused it for good or after <see cref="OutboxOptions.MaxAttempts"/> failures. When the connection is lost
/// (or cannot be made), the batch's mails not yet sent wait with the same back-off and the round ends; none is lost
/// and none that was accepted goes again. Nothing here throws out of the loop: an unreachable server only delays mail.
/// </summary>
public sealed partial class OutboxSender(
    IServiceScopeFactory scopes,
    IEmailSender sender,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private const int MaxErrorLength = 2000;

    /// <summary>Accepted mails marked sent per row update, at most; and how long an accepted mail may wait for its update.</summary>
    private const int SentRowsPerUpdate = 10;
    private static readonly TimeSpan MaxUnmarkedTime = TimeSpan.FromMilliseconds(250);
    private long _batches;

    /// <summary>Names this sender in <see cref="OutboxEmail.LeaseOwner"/>: machine, process and instance.</summary>
    public string Owner { get; } = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 80);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Outbox.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverAllDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a moment; the leases expire and the mails are picked up again.
                LogRoundFailed(ex);
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One round: batch after batch of due mails over one connection, until a batch comes back short (nothing more is
    /// due) or the connection failed (the next poll tries again). Returns how many mails were attempted (sent or failed).
    /// </summary>
    public async Task<int> DeliverAllDueAsync(CancellationToken ct)
    {
        var session = sender.OpenSession();
        await using var _ = session;
        var total = 0;
        while (true)
        {
            var (attempted, connectionFailed) = await DeliverBatchAsync(session, ct);
            total += attempted;
            if (attempted < options.Value.Outbox.BatchSize || connectionFailed || ct.IsCancellationRequested)
                return total;
        }
    }

    /// <summary>One batch over a connection of its own: claims up to a batch of due mails and tries each once. Returns how many were attempted (sent or failed).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var session = sender.OpenSession();
        await using var _ = session;
        return (await DeliverBatchAsync(session, ct)).Attempted;
    }

    private async Task<(int Attempted, bool ConnectionFailed)> DeliverBatchAsync(IEmailSession session, CancellationToken ct)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EmailDbContextResolver>().Resolve(scope.ServiceProvider);
        var mails = db.Set<OutboxEmail>();

        // The lease names this batch, not only this sender, so the rows read back are exactly the ones claimed here.
        var lease = $"{Owner}#{Interlocked.Increment(ref _batches).ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var now = Now();
        var leaseUntil = now + settings.Outbox.LeaseDuration;
        var claimed = await ClaimBatchAsync(mails, lease, now, leaseUntil, settings.Outbox.BatchSize, ct);
        if (claimed.Count == 0)
            return (0, false);

        var attempted = 0;
        var recorded = 0;
        EmailDeliveryException? connectionFailure = null;
        // Accepted mails are marked sent a few at a time (one row update per mail would cost about as much as sending
        // it), and always before anything else is written, so a lost connection never leaves an accepted mail unmarked.
        var sent = new List<long>(SentRowsPerUpdate);
        var oldestUnmarked = 0L;
        async Task RecordSentAsync()
        {
            if (sent.Count == 0)
                return;
            await MarkSentAsync(mails, [.. sent], lease);
            recorded += sent.Count;
            sent.Clear();
        }
        try
        {
            foreach (var mail in claimed)
            {
                if (connectionFailure is not null)
                {
                    // Not tried: the connection is gone. It waits with the same back-off as the mail that failed.
                    attempted++;
                    await RecordFailureAsync(mails, mail, lease, $"Not sent in this batch: {connectionFailure.Message}", permanent: false);
                    recorded++;
                    continue;
                }
                // A mail must be done before its lease ends, or another instance could take it over and send it twice.
                var worstCase = TimeSpan.FromSeconds(settings.Smtp.TimeoutSeconds + settings.Smtp.ConnectTimeoutSeconds);
                if (Now() + worstCase >= leaseUntil)
                    break;
                ct.ThrowIfCancellationRequested();
                attempted++;
                try
                {
                    await session.SendAsync(new EmailMessage(
                        MimeMessages.MessageId(mail.Id, mail.Key, settings.ResolvedMessageIdDomain),
                        mail.ToAddress, mail.ToName, mail.Subject, mail.TextBody, mail.HtmlBody), ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    var failure = ex as EmailDeliveryException;
                    var error = failure?.Message ?? $"{ex.GetType().Name}: {Describe(ex)}";
                    LogSendFailed(mail.Id, failure?.Permanent == true ? "refused permanently" : "failed", error);
                    await RecordSentAsync();
                    await RecordFailureAsync(mails, mail, lease, error, failure?.Permanent == true);
                    recorded++;
                    if (failure?.EndsSession == true)
                        connectionFailure = failure;
                    continue;
                }
                if (sent.Count == 0)
                    oldestUnmarked = time.GetTimestamp();
                sent.Add(mail.Id);
                if (sent.Count >= SentRowsPerUpdate || time.GetElapsedTime(oldestUnmarked) >= MaxUnmarkedTime)
                    await RecordSentAsync();
            }
        }
        finally
        {
            // Sent mails are recorded even if the host is stopping, or they would go out again.
            await RecordSentAsync();
            // Whatever the batch did not get to (stopping, or its lease running short) is free for the next round at once.
            if (recorded < claimed.Count)
            {
                var ids = claimed.Select(e => e.Id).ToList();
                await mails.Where(e => ids.Contains(e.Id) && e.LeaseOwner == lease)
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, (DateTime?)null).SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
            }
        }
        return (attempted, connectionFailure is not null);
    }

    /// <summary>
    /// Due mails, oldest due first, claimed for this batch: candidates are read, then leased with one conditional update
    /// that repeats every condition, so a mail another instance claimed in between is left to it.
    /// </summary>
    private static async Task<List<OutboxEmail>> ClaimBatchAsync(DbSet<OutboxEmail> mails, string lease, DateTime now, DateTime leaseUntil, int batchSize, CancellationToken ct)
    {
        var candidates = await mails.AsNoTracking()
            .Where(e => e.State == OutboxEmailState.Pending && e.NextAttemptAt <= now && (e.LeaseUntil == null || e.LeaseUntil < now))
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id)
            .Select(e => e.Id)
            .Take(batchSize)
            .ToListAsync(ct);
        if (candidates.Count == 0)
            return [];
        var claimed = await mails
            .Where(e => candidates.Contains(e.Id) && e.State == OutboxEmailState.Pending && (e.LeaseUntil == null || e.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, leaseUntil).SetProperty(e => e.LeaseOwner, lease), ct);
        if (claimed == 0)
            return [];
        return await mails.AsNoTracking()
            .Where(e => candidates.Contains(e.Id) && e.LeaseOwner == lease)
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id)
            .ToListAsync(ct);
    }

    private Task MarkSentAsync(DbSet<OutboxEmail> mails, long[] ids, string lease)
    {
        var sentAt = Now();
        return mails.Where(e => ids.Contains(e.Id) && e.LeaseOwner == lease)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, OutboxEmailState.Sent)
                .SetProperty(e => e.SentAt, sentAt)
                .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                .SetProperty(e => e.LeaseUntil, (DateTime?)null)
                .SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
    }

    /// <summary>A failed attempt: back off, or a dead letter when the server refused the mail for good or the attempts are used up.</summary>
    private Task RecordFailureAsync(DbSet<OutboxEmail> mails, OutboxEmail mail, string lease, string error, bool permanent)
    {
        var outbox = options.Value.Outbox;
        var attempts = mail.Attempts + 1;
        var now = Now();
        var next = now + outbox.BackoffAfter(attempts);
        var state = permanent || attempts >= outbox.MaxAttempts ? OutboxEmailState.DeadLetter : OutboxEmailState.Pending;
        var recorded = Truncate(error, MaxErrorLength);
        if (state == OutboxEmailState.DeadLetter)
            LogDeadLetter(mail.Id, attempts, recorded);
        else
            LogRetryScheduled(mail.Id, attempts + 1, next);
        return mails.Where(e => e.Id == mail.Id && e.LeaseOwner == lease)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.LastError, recorded)
                .SetProperty(e => e.NextAttemptAt, next)
                .SetProperty(e => e.State, state)
                .SetProperty(e => e.LeaseUntil, (DateTime?)null)
                .SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static string Describe(Exception ex) =>
        ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox mail {MailId} {Outcome}: {Error}")]
    private partial void LogSendFailed(long mailId, string outcome, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox mail {MailId} waits for attempt {NextAttempt} at {NextAttemptAt:o}")]
    private partial void LogRetryScheduled(long mailId, int nextAttempt, DateTime nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox mail {MailId} is a dead letter after {Attempts} attempts (retry it on /admin/outbox): {Error}")]
    private partial void LogDeadLetter(long mailId, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox round failed; it is tried again at the next poll")]
    private partial void LogRoundFailed(Exception exception);
}
