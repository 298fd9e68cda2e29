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
/// Delivers the e-mail outbox. Each mail is claimed with a conditional update (a lease), so several app instances
/// never send the same mail at once; it is sent outside any transaction, then marked sent, or scheduled again with
/// exponential back-off, and kept as a dead letter after <see cref="OutboxOptions.MaxAttempts"/> failures.
/// Nothing here throws out of the loop: an unreachable server only delays mail.
/// </summary>
public sealed partial class OutboxSender(
    IServiceScopeFactory scopes,
    IEmailSender sender,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<OutboxSender> logger) : BackgroundService
{
    private const int MaxErrorLength = 2000;

    /// <summary>Names this sender in <see cref="OutboxEmail.LeaseOwner"/>: machine, process and instance.</summary>
    public string Owner { get; } = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Outbox.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int delivered;
                // A full batch means more may be due: go again at once.
                do
                    delivered = await DeliverDueAsync(stoppingToken);
                while (delivered >= options.Value.Outbox.BatchSize && !stoppingToken.IsCancellationRequested);
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

    /// <summary>One round: claims up to a batch of due mails and tries each once. Returns how many were attempted (sent or failed).</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var settings = options.Value.Outbox;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EmailDbContextResolver>().Resolve(scope.ServiceProvider);
        var mails = db.Set<OutboxEmail>();

        var now = Now();
        var candidates = await mails.AsNoTracking()
            .Where(e => e.State == OutboxEmailState.Pending && e.NextAttemptAt <= now && (e.LeaseUntil == null || e.LeaseUntil < now))
            .OrderBy(e => e.NextAttemptAt).ThenBy(e => e.Id)
            .Select(e => e.Id)
            .Take(settings.BatchSize)
            .ToListAsync(ct);

        var attempted = 0;
        foreach (var id in candidates)
        {
            ct.ThrowIfCancellationRequested();
            now = Now();
            var leaseUntil = now + settings.LeaseDuration;
            var owner = Owner;
            var claimed = await mails
                .Where(e => e.Id == id && e.State == OutboxEmailState.Pending && (e.LeaseUntil == null || e.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, leaseUntil).SetProperty(e => e.LeaseOwner, owner), ct);
            if (claimed != 1)
                continue; // another sender has it

            var mail = await mails.AsNoTracking().SingleAsync(e => e.Id == id, ct);
            attempted++;
            await AttemptAsync(mails, mail, ct);
        }
        return attempted;
    }

    private async Task AttemptAsync(DbSet<OutboxEmail> mails, OutboxEmail mail, CancellationToken ct)
    {
        var owner = Owner;
        try
        {
            await sender.SendAsync(new EmailMessage(mail.Key, mail.ToAddress, mail.ToName, mail.Subject, mail.TextBody, mail.HtmlBody), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down mid-send: not the mail's fault. Hand it back; the lease would expire anyway.
            await mails.Where(e => e.Id == mail.Id && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, (DateTime?)null).SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            var settings = options.Value.Outbox;
            var attempts = mail.Attempts + 1;
            var now = Now();
            var next = now + settings.BackoffAfter(attempts);
            var state = attempts >= settings.MaxAttempts ? OutboxEmailState.DeadLetter : OutboxEmailState.Pending;
            var error = Truncate($"{ex.GetType().Name}: {Describe(ex)}", MaxErrorLength);
            LogSendFailed(mail.Id, attempts, state, next, ex.GetType().Name, Describe(ex));
            await mails.Where(e => e.Id == mail.Id && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Attempts, attempts)
                    .SetProperty(e => e.LastError, error)
                    .SetProperty(e => e.NextAttemptAt, next)
                    .SetProperty(e => e.State, state)
                    .SetProperty(e => e.LeaseUntil, (DateTime?)null)
                    .SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
            return;
        }

        // Sent: recorded even if the host is stopping, or the mail would go out again.
        var sentAt = Now();
        await mails.Where(e => e.Id == mail.Id && e.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, OutboxEmailState.Sent)
                .SetProperty(e => e.SentAt, sentAt)
                .SetProperty(e => e.Attempts, mail.Attempts + 1)
                .SetProperty(e => e.LeaseUntil, (DateTime?)null)
                .SetProperty(e => e.LeaseOwner, (string?)null), CancellationToken.None);
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    private static string Describe(Exception ex) =>
        ex.InnerException is null ? ex.Message : $"{ex.Message} ({ex.InnerException.Message})";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox mail {MailId} failed (attempt {Attempts}, now {State}, next attempt {NextAttemptAt:o}): {ErrorType}: {Error}")]
    private partial void LogSendFailed(long mailId, int attempts, OutboxEmailState state, DateTime nextAttemptAt, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox round failed; it is tried again at the next poll")]
    private partial void LogRoundFailed(Exception exception);
}
