using System.Data.Common;
using System.Diagnostics;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Events;

namespace VoiceOfCustomer.Segments;

/// <summary>How many customers one evaluation moved into and out of a segment.</summary>
public sealed record SegmentMoves(string SegmentKey, int MovedIn, int MovedOut);

/// <param name="Moved">Customers whose segment changed (each counted once).</param>
/// <param name="Segments">Per segment (key; <c>null</c> as key would be "no segment" and is left out), in evaluation order.</param>
/// <param name="ClocksToRetarget">Open voices of the moved customers, each announced to the SLA workflow (<c>feedback.policy-changed</c>).</param>
/// <param name="Skipped">Why nothing was evaluated (no segment has a rule; a stored rule is invalid), else null.</param>
public sealed record SegmentEvaluationResult(int Customers, int Moved, IReadOnlyList<SegmentMoves> Segments, int ClocksToRetarget, TimeSpan Elapsed, string? Skipped = null)
{
    public static SegmentEvaluationResult Nothing(string why) => new(0, 0, [], 0, TimeSpan.Zero, why);
    public SegmentMoves? For(string key) => Segments.FirstOrDefault(s => s.SegmentKey == key);
}

/// <summary>A customer who would enter or leave the previewed segment.</summary>
public sealed record SegmentPreviewMove(int CustomerId, string Reference, string Name, string? FromSegmentKey, string? ToSegmentKey);

/// <summary>Who would move if a proposed rule replaced a segment's rule: counts, and the first customers by name.</summary>
public sealed record SegmentPreview(int MovingIn, int MovingOut, IReadOnlyList<SegmentPreviewMove> In, IReadOnlyList<SegmentPreviewMove> Out, IReadOnlyList<RuleError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Runs the segment rules in the database (docs/segments.md): one UPDATE sets every customer's <c>RuleSegmentId</c> from the
/// rules in order (first match wins); those whose rule segment differs from their segment get a history row
/// (<c>CustomerHistory</c>, Kind Segment, from/to keys) and a <c>feedback.policy-changed</c> event for each open voice (so
/// their SLA clocks take the new segment's target: the facts win), and then move. All in one transaction.
/// Call after anything that changes the coordinates (a value fit, an import) and after a rule changes.
/// </summary>
public sealed class SegmentRuleEvaluator(VocDbContext db, DatabaseWriteGate gate, TimeProvider time, ILogger<SegmentRuleEvaluator> logger)
{
    public const string RulesReason = "segment-rules";
    public const int PreviewListLimit = 50;

    /// <summary>
    /// Re-evaluates every customer. Runs in the caller's transaction when <see cref="VocDbContext"/> has one (the caller then
    /// holds the SQLite write gate, if it needs one); else takes the gate and a transaction of its own.
    /// </summary>
    /// <param name="reason">Written to the history rows: <see cref="RulesReason"/>, or the caller's (<c>value-fit</c>, <c>import</c>).</param>
    public async Task<SegmentEvaluationResult> EvaluateAllAsync(string reason = RulesReason, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
            return await EvaluateInTransactionAsync(reason, cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await EvaluateInTransactionAsync(reason, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async Task<SegmentEvaluationResult> EvaluateInTransactionAsync(string reason, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rules = await LoadRulesAsync(cancellationToken);
        if (rules.Errors.Count > 0)
        {
            logger.LogError("Segment rules not evaluated: a stored rule is invalid: {Errors}", string.Join("; ", rules.Errors));
            return SegmentEvaluationResult.Nothing("a stored rule is invalid: " + string.Join("; ", rules.Errors));
        }
        if (rules.Segments.All(s => s.Rule is null))
            return SegmentEvaluationResult.Nothing("no segment has a rule");

        var now = time.GetUtcNow().UtcDateTime;
        var assignment = SegmentRuleCompiler.Assignment([.. rules.Segments.Select(s => (s.Rule, s.Id))], rules.Context(db, now));
        var customers = await db.Customers.ExecuteUpdateAsync(s => s.SetProperty(c => c.RuleSegmentId, assignment), cancellationToken);

        // C# null semantics: EF writes "differs" so that null against a segment counts as a move.
        var moves = await db.Customers.Where(c => c.SegmentId != c.RuleSegmentId)
            .GroupBy(c => new { c.SegmentId, c.RuleSegmentId })
            .Select(g => new { From = g.Key.SegmentId, To = g.Key.RuleSegmentId, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var moved = moves.Sum(m => m.Count);
        var clocks = 0;
        if (moved > 0)
        {
            await RunAsync(HistorySql, cancellationToken, ("@reason", reason), ("@now", now));
            clocks = await RunAsync(PolicyChangedSql, cancellationToken, ("@type", DomainEventTypes.PolicyChanged), ("@now", now));
            await db.Customers.Where(c => c.SegmentId != c.RuleSegmentId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.SegmentId, c => c.RuleSegmentId), cancellationToken);
        }

        var perSegment = rules.All
            .Select(s => new SegmentMoves(s.Key, moves.Where(m => m.To == s.Id).Sum(m => m.Count), moves.Where(m => m.From == s.Id).Sum(m => m.Count)))
            .Where(s => s.MovedIn + s.MovedOut > 0)
            .ToList();
        var result = new SegmentEvaluationResult(customers, moved, perSegment, clocks, clock.Elapsed);
        logger.LogInformation("Segment rules ({Reason}) over {Customers} customers in {Milliseconds} ms: {Moved} moved, {Clocks} open voice(s) re-targeted",
            reason, customers, clock.ElapsedMilliseconds, moved, clocks);
        return result;
    }

    /// <summary>
    /// Who would enter and leave <paramref name="segmentKey"/> if <paramref name="proposedRuleJson"/> replaced its rule, the
    /// other segments' rules and the order unchanged, compared with the customers' segments as stored (the last evaluation).
    /// Reads only.
    /// </summary>
    public async Task<SegmentPreview> PreviewAsync(string segmentKey, string? proposedRuleJson, int listLimit = PreviewListLimit, CancellationToken cancellationToken = default)
    {
        var rules = await LoadRulesAsync(cancellationToken);
        var target = rules.All.FirstOrDefault(s => s.Key == segmentKey)
            ?? throw new ArgumentException($"No segment has the key '{segmentKey}'.", nameof(segmentKey));
        // No conditions: the segment would match no one (everyone leaves).
        var (proposed, errors) = string.IsNullOrWhiteSpace(proposedRuleJson)
            ? (null, [])
            : SegmentRule.Parse(proposedRuleJson, rules.Metrics);
        if (errors.Count > 0)
            return new SegmentPreview(0, 0, [], [], errors);

        var ordered = rules.Segments.Select(s => (s.Id == target.Id ? proposed : s.Rule, s.Id)).ToList();
        if (!rules.Segments.Any(s => s.Id == target.Id))
            ordered.Add((proposed, target.Id)); // an archived segment takes no one; shown as it would be last
        var customer = Expression.Parameter(typeof(Customer), "c");
        var wouldBe = SegmentRuleCompiler.AssignmentBody(ordered, customer, rules.Context(db, time.GetUtcNow().UtcDateTime));
        var current = Expression.Property(customer, nameof(Customer.SegmentId));
        var id = Expression.Constant(target.Id, typeof(int?));
        // Entering: would be in it, is not (C# semantics: a customer without a segment "is not"); leaving: the reverse.
        var entering = Expression.Lambda<Func<Customer, bool>>(Expression.AndAlso(Expression.Equal(wouldBe, id), Expression.NotEqual(current, id)), customer);
        var leaving = Expression.Lambda<Func<Customer, bool>>(Expression.AndAlso(Expression.Equal(current, id), Expression.NotEqual(wouldBe, id)), customer);
        var row = Expression.Lambda<Func<Customer, MoveRow>>(Expression.MemberInit(Expression.New(typeof(MoveRow)),
            Expression.Bind(typeof(MoveRow).GetProperty(nameof(MoveRow.CustomerId))!, Expression.Property(customer, nameof(Customer.Id))),
            Expression.Bind(typeof(MoveRow).GetProperty(nameof(MoveRow.Reference))!, Expression.Property(customer, nameof(Customer.Reference))),
            Expression.Bind(typeof(MoveRow).GetProperty(nameof(MoveRow.Name))!, Expression.Property(customer, nameof(Customer.Name))),
            Expression.Bind(typeof(MoveRow).GetProperty(nameof(MoveRow.From))!, current),
            Expression.Bind(typeof(MoveRow).GetProperty(nameof(MoveRow.To))!, wouldBe)), customer);

        var customers = db.Customers.AsNoTracking();
        var inCount = await customers.CountAsync(entering, cancellationToken);
        var outCount = await customers.CountAsync(leaving, cancellationToken);
        var keys = rules.All.ToDictionary(s => s.Id, s => s.Key);
        async Task<List<SegmentPreviewMove>> ListAsync(Expression<Func<Customer, bool>> filter) =>
            [.. (await customers.Where(filter).OrderBy(c => c.Name).ThenBy(c => c.Id).Select(row).Take(listLimit).ToListAsync(cancellationToken))
                .Select(r => new SegmentPreviewMove(r.CustomerId, r.Reference, r.Name, KeyOf(r.From), KeyOf(r.To)))];
        string? KeyOf(int? segmentId) => segmentId is { } sid ? keys.GetValueOrDefault(sid) : null;
        return new SegmentPreview(inCount, outCount, inCount == 0 ? [] : await ListAsync(entering), outCount == 0 ? [] : await ListAsync(leaving), []);
    }

    private sealed class MoveRow
    {
        public int CustomerId { get; set; }
        public string Reference { get; set; } = "";
        public string Name { get; set; } = "";
        public int? From { get; set; }
        public int? To { get; set; }
    }

    /// <summary>The metrics rules may name (every metric in the database; external ones are refused by the parser).</summary>
    public async Task<IReadOnlyList<RuleMetric>> RuleMetricsAsync(CancellationToken cancellationToken = default) =>
        await db.BehaviourMetrics.AsNoTracking().Select(m => new RuleMetric(m.Key, m.IsExternal)).ToListAsync(cancellationToken);

    private async Task<RuleSet> LoadRulesAsync(CancellationToken cancellationToken)
    {
        var metrics = await db.BehaviourMetrics.AsNoTracking().Select(m => new { m.Id, m.Key, m.IsExternal }).ToListAsync(cancellationToken);
        var ruleMetrics = metrics.Select(m => new RuleMetric(m.Key, m.IsExternal)).ToList();
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Position).ThenBy(s => s.Id)
            .Select(s => new { s.Id, s.Key, s.RuleJson, s.IsArchived }).ToListAsync(cancellationToken);
        var errors = new List<string>();
        var active = new List<CompiledSegment>();
        foreach (var segment in segments.Where(s => !s.IsArchived))
        {
            SegmentRuleNode? rule = null;
            if (segment.RuleJson is not null)
            {
                var parsed = SegmentRule.Parse(segment.RuleJson, ruleMetrics);
                errors.AddRange(parsed.Errors.Select(e => $"segment '{segment.Key}': {e}"));
                rule = parsed.Rule;
            }
            active.Add(new CompiledSegment(segment.Id, segment.Key, rule));
        }
        return new RuleSet(active, [.. segments.Select(s => new CompiledSegment(s.Id, s.Key, null))], ruleMetrics,
            metrics.ToDictionary(m => m.Key, m => m.Id, StringComparer.Ordinal), errors);
    }

    private sealed record CompiledSegment(int Id, string Key, SegmentRuleNode? Rule);

    /// <param name="Segments">Active segments in evaluation order, with their parsed rules.</param>
    /// <param name="All">Every segment, archived ones included (for keys and counts).</param>
    private sealed record RuleSet(IReadOnlyList<CompiledSegment> Segments, IReadOnlyList<CompiledSegment> All, IReadOnlyList<RuleMetric> Metrics,
        IReadOnlyDictionary<string, int> MetricIds, IReadOnlyList<string> Errors)
    {
        public SegmentRuleContext Context(VocDbContext db, DateTime now) => new(db, MetricIds, now);
    }

    // Plain SQL that SQLite, PostgreSQL and SQL Server all read (double-quoted names; NULLs compared explicitly).
    private const string Moved = """
        (c."SegmentId" <> c."RuleSegmentId" OR (c."SegmentId" IS NULL AND c."RuleSegmentId" IS NOT NULL) OR (c."SegmentId" IS NOT NULL AND c."RuleSegmentId" IS NULL))
        """;

    internal const string HistorySql = $"""
        INSERT INTO "CustomerHistory" ("CustomerId", "Kind", "From", "To", "Reason", "ChangedAt")
        SELECT c."Id", 'Segment', f."Key", t."Key", @reason, @now
        FROM "Customers" c
        LEFT JOIN "Segments" f ON f."Id" = c."SegmentId"
        LEFT JOIN "Segments" t ON t."Id" = c."RuleSegmentId"
        WHERE {Moved}
        """;

    internal const string PolicyChangedSql = $"""
        INSERT INTO "DomainEvents" ("Type", "FeedbackItemId", "OccurredAt")
        SELECT @type, i."Id", @now
        FROM "Customers" c
        JOIN "FeedbackItems" i ON i."CustomerId" = c."Id"
        WHERE {Moved} AND i."Status" IN ('New', 'InProgress', 'AwaitingCustomer')
        """;

    /// <summary>Announces to the SLA workflow that the open voices of a segment's members have a new policy (its target or calendar changed).</summary>
    internal const string SegmentPolicyChangedSql = """
        INSERT INTO "DomainEvents" ("Type", "FeedbackItemId", "OccurredAt")
        SELECT @type, i."Id", @now
        FROM "Customers" c
        JOIN "FeedbackItems" i ON i."CustomerId" = c."Id"
        WHERE c."SegmentId" = @segment AND i."Status" IN ('New', 'InProgress', 'AwaitingCustomer')
        """;

    /// <summary>Queues a <c>feedback.policy-changed</c> event for every open voice of the segment's members; in the caller's transaction.</summary>
    public Task<int> AnnouncePolicyChangeAsync(int segmentId, CancellationToken cancellationToken = default) =>
        RunAsync(SegmentPolicyChangedSql, cancellationToken, ("@type", DomainEventTypes.PolicyChanged), ("@now", time.GetUtcNow().UtcDateTime), ("@segment", segmentId));

    private async Task<int> RunAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            DbParameter parameter;
            if (value is DateTime)
            {
                parameter = AdoCommands.AddInstant(command, name);
            }
            else
            {
                parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            parameter.Value = value;
        }
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
