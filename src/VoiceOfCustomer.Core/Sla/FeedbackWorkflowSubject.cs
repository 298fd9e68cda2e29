using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Sla;

/// <summary>
/// Feedback items as workflow subjects: new items are those the SLA workflow has not taken on
/// (<see cref="FeedbackItem.SlaStartedAt"/> is null), signals are the <see cref="DomainEvent"/> outbox, and a
/// moved deadline is written to <see cref="FeedbackItem.AttributionDueAt"/> so the coding queue orders by it.
/// The clock starts at <see cref="FeedbackItem.SlaClockStartsAt"/>; the item arrived at its ingestion, so what the
/// clock passed before that (imported history) is recorded without mail.
/// </summary>
public sealed class FeedbackWorkflowSubject : IWorkflowSubjectSource
{
    public const string Type = "feedback";

    public string SubjectType => Type;

    public async Task<IReadOnlyDictionary<long, SubjectFacts>> LoadAsync(DbContext db, IReadOnlyCollection<long> subjectIds, CancellationToken cancellationToken)
    {
        var voc = (VocDbContext)db;
        var facts = new Dictionary<long, SubjectFacts>(subjectIds.Count);
        foreach (var chunk in subjectIds.Chunk(500))
        {
            var rows = await voc.FeedbackItems.AsNoTracking()
                .Where(f => chunk.Contains(f.Id))
                .Select(f => new
                {
                    f.Id,
                    f.Status,
                    f.IngestedAt,
                    f.ReceivedAt,
                    f.SlaClockStartsAt,
                    Target = f.Customer!.Segment == null ? (TimeSpan?)null : f.Customer.Segment.Policy.AttributionTarget,
                    Calendar = f.Customer.Segment == null ? null : f.Customer.Segment.Policy.CalendarKey,
                })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
            {
                var anchor = row.SlaClockStartsAt ?? FeedbackItem.LiveClockStart(row.ReceivedAt, row.IngestedAt);
                facts[row.Id] = new SubjectFacts(row.Id, StateOf(row.Status), anchor, row.Target, row.Calendar, ArrivedAt: row.IngestedAt);
            }
        }
        return facts;
    }

    public static SubjectState StateOf(FeedbackStatus status) => status switch
    {
        FeedbackStatus.New or FeedbackStatus.InProgress => SubjectState.Open,
        FeedbackStatus.AwaitingCustomer => SubjectState.Paused,
        _ => SubjectState.Done,
    };

    /// <summary>
    /// SQL Server's claims ({0}: batch size), the counterparts of PostgreSQL's <c>FOR UPDATE SKIP LOCKED</c>: update locks
    /// held to the end of the dispatcher's transaction, rows another instance holds skipped, row locks only.
    /// </summary>
    internal const string SqlServerClaimNewSql = """
        SELECT TOP ({0}) [Id] AS [Value] FROM [FeedbackItems] WITH (UPDLOCK, READPAST, ROWLOCK) WHERE [SlaStartedAt] IS NULL ORDER BY [Id]
        """;

    /// <inheritdoc cref="SqlServerClaimNewSql"/>
    internal const string SqlServerClaimSignalsSql = """
        SELECT TOP ({0}) * FROM [DomainEvents] WITH (UPDLOCK, READPAST, ROWLOCK) WHERE [DispatchedAt] IS NULL ORDER BY [Id]
        """;

    public async Task<IReadOnlyList<SubjectFacts>> ClaimNewAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken)
    {
        var voc = (VocDbContext)db;
        List<long> ids;
        if (db.Database.IsNpgsql())
        {
            ids = await voc.Database.SqlQuery<long>($"""
                SELECT "Id" AS "Value" FROM "FeedbackItems" WHERE "SlaStartedAt" IS NULL ORDER BY "Id" LIMIT {max} FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
        }
        else if (db.Database.IsSqlServer())
        {
            ids = await voc.Database.SqlQueryRaw<long>(SqlServerClaimNewSql, max).ToListAsync(cancellationToken);
        }
        else
        {
            ids = await voc.FeedbackItems.Where(f => f.SlaStartedAt == null).OrderBy(f => f.Id).Select(f => f.Id).Take(max).ToListAsync(cancellationToken);
        }
        if (ids.Count == 0)
            return [];
        await voc.FeedbackItems.Where(f => ids.Contains(f.Id)).ExecuteUpdateAsync(s => s.SetProperty(f => f.SlaStartedAt, now), cancellationToken);
        var facts = await LoadAsync(db, ids, cancellationToken);
        return [.. ids.Where(facts.ContainsKey).Select(id => facts[id])];
    }

    public async Task<IReadOnlyList<WorkflowSignal>> ClaimSignalsAsync(DbContext db, int max, DateTime now, CancellationToken cancellationToken)
    {
        var voc = (VocDbContext)db;
        List<DomainEvent> events;
        if (db.Database.IsNpgsql())
        {
            events = await voc.DomainEvents.FromSql($"""
                SELECT * FROM "DomainEvents" WHERE "DispatchedAt" IS NULL ORDER BY "Id" LIMIT {max} FOR UPDATE SKIP LOCKED
                """).AsNoTracking().ToListAsync(cancellationToken);
        }
        else if (db.Database.IsSqlServer())
        {
            events = await voc.DomainEvents.FromSqlRaw(SqlServerClaimSignalsSql, max).AsNoTracking().ToListAsync(cancellationToken);
        }
        else
        {
            events = await voc.DomainEvents.AsNoTracking().Where(e => e.DispatchedAt == null).OrderBy(e => e.Id).Take(max).ToListAsync(cancellationToken);
        }
        if (events.Count == 0)
            return [];
        var ids = events.Select(e => e.Id).ToList();
        await voc.DomainEvents.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.DispatchedAt, now), cancellationToken);
        return [.. events.Where(e => e.FeedbackItemId is not null)
            .Select(e => new WorkflowSignal(e.Id, e.Type, Type, e.FeedbackItemId!.Value, e.OccurredAt))];
    }

    public async Task DeadlineChangedAsync(DbContext db, IReadOnlyDictionary<long, DateTime?> deadlines, CancellationToken cancellationToken)
    {
        // One prepared statement reused for every item: thousands of deadlines per batch when a backlog starts.
        var changes = deadlines.Where(d => d.Value is not null).ToList();
        if (changes.Count == 0)
            return;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """UPDATE "FeedbackItems" SET "AttributionDueAt" = @due WHERE "Id" = @id""";
        var due = AdoCommands.AddInstant(command, "@due");
        var id = AddParameter(command, "@id");
        foreach (var (itemId, deadline) in changes)
        {
            due.Value = deadline!.Value;
            id.Value = itemId;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbParameter AddParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
