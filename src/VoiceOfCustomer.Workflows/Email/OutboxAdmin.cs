using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>One row of the outbox page: everything but the bodies.</summary>
public sealed record OutboxRow(
    long Id, DateTime CreatedAt, string Template, string ToAddress, string? ToName, string Language, string Subject,
    OutboxEmailState State, int Attempts, DateTime NextAttemptAt, string? LastError, DateTime? SentAt);

/// <summary>A page of the outbox, newest first, with the count of mails in each state.</summary>
/// <param name="NextBefore">The cursor of the next (older) page; null on the last page.</param>
public sealed record OutboxPage(IReadOnlyList<OutboxRow> Rows, IReadOnlyDictionary<OutboxEmailState, int> Counts, long? NextBefore);

/// <summary>What an Admin sees of, and does to, the outbox: list, and retry dead or stuck mails.</summary>
public sealed class OutboxAdmin(DbContext db, TimeProvider time)
{
    public const int DefaultPageSize = 50;

    /// <summary>Newest first; <paramref name="before"/> is the keyset cursor (the last id of the previous page).</summary>
    public async Task<OutboxPage> ListAsync(OutboxEmailState? state, long? before, int pageSize, CancellationToken ct)
    {
        pageSize = Math.Clamp(pageSize, 1, 200);
        var mails = db.Set<OutboxEmail>().AsNoTracking();
        var counted = await mails.GroupBy(e => e.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var counts = Enum.GetValues<OutboxEmailState>().ToDictionary(s => s, s => counted.FirstOrDefault(c => c.Key == s)?.Count ?? 0);

        var query = mails;
        if (state is { } filter)
            query = query.Where(e => e.State == filter);
        if (before is { } cursor)
            query = query.Where(e => e.Id < cursor);
        var rows = await query.OrderByDescending(e => e.Id).Take(pageSize + 1)
            .Select(e => new OutboxRow(e.Id, e.CreatedAt, e.Template, e.ToAddress, e.ToName, e.Language, e.Subject,
                e.State, e.Attempts, e.NextAttemptAt, e.LastError, e.SentAt))
            .ToListAsync(ct);
        long? next = null;
        if (rows.Count > pageSize)
        {
            rows.RemoveAt(pageSize);
            next = rows[^1].Id;
        }
        return new OutboxPage(rows, counts, next);
    }

    /// <summary>
    /// Makes a dead or waiting mail due now with a fresh count of attempts (its last error stays for the record).
    /// A sent mail is left alone. A lease is kept, so a mail being sent right now is not sent twice. Returns false when nothing changed.
    /// </summary>
    public async Task<bool> RetryAsync(long id, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var changed = await db.Set<OutboxEmail>()
            .Where(e => e.Id == id && (e.State == OutboxEmailState.DeadLetter || e.State == OutboxEmailState.Pending))
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, OutboxEmailState.Pending)
                .SetProperty(e => e.Attempts, 0)
                .SetProperty(e => e.NextAttemptAt, now), ct);
        return changed == 1;
    }

    /// <summary>Every dead letter back to pending, due now. Returns how many.</summary>
    public Task<int> RetryAllDeadLettersAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return db.Set<OutboxEmail>()
            .Where(e => e.State == OutboxEmailState.DeadLetter)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.State, OutboxEmailState.Pending)
                .SetProperty(e => e.Attempts, 0)
                .SetProperty(e => e.NextAttemptAt, now), ct);
    }
}
