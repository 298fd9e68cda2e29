using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Seeding;

/// <summary>One stored demo voice to live through its history: what the story says happened and what it was written about.</summary>
public sealed record DemoReplayVoice(long ItemId, DateTime IngestedAt, DemoVoiceFate Fate, string GapKey, string MetricKey, ContactRole? ContactRole, string Language);

public sealed record DemoHistoryResult(int Started, int Coded, int AskedCustomer, int Escalations, int Mails, int StillOpen, TimeSpan Elapsed);

/// <summary>
/// Lives the demo organisation's history through the real attribution SLA: the app's own workflow engine, subject
/// source and activities run on a replay clock that moves from the first voice to <c>until</c>. Voices start their
/// clocks as they arrive; CSMs ask customers, hear back and submit codings when the story says (each change with the
/// domain event coding writes); due timers fire in between, so warnings, breaches and leadership escalations are the
/// rows the workflow would have written, at the moments it would have written them. Their e-mails are rendered and
/// queued by the real activity and marked sent, as the outbox delivered them back then: a start of the app never
/// sends historic mail. Whatever is still due after <c>until</c> (open items' next milestones) is left to the live
/// dispatcher. One transaction: a failed replay leaves no half-told history.
/// </summary>
public sealed class DemoSlaHistory(VocDbContext db, IServiceProvider services, IWorkflowVersions versions, DatabaseWriteGate gate)
{
    /// <summary>The replay moves two weeks at a time (the progress it reports); a step costs a few batches whatever its length.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromDays(14);

    /// <summary>The replayed dispatcher's and outbox sender's delay after the moment something became due.</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(4);

    private static readonly string[] NotesEn =
    [
        "Asked which stores are affected and since when.",
        "Asked for a screenshot of the error and two order numbers.",
        "Asked whether the workaround from the last release helps.",
        "Asked the customer to confirm the figures before we log the impact.",
    ];
    private static readonly string[] NotesZh =
    [
        "已询问受影响的门店以及开始时间。",
        "已请客户提供报错截图和两个订单号。",
        "已询问上个版本的临时方案是否有效。",
        "已请客户确认数据，再记录影响。",
    ];

    private enum Change { AskCustomer, Answered, Submit }

    private sealed record Pending(DateTime At, long ItemId, Change Change);

    private sealed class ByTime : IComparer<Pending>
    {
        public static readonly ByTime Instance = new();

        public int Compare(Pending? x, Pending? y) =>
            (x!.At, x.ItemId, x.Change).CompareTo((y!.At, y.ItemId, y.Change));
    }

    /// <summary>The SLA workflow's milestones as shares of the target, for <see cref="DemoStory"/>; null when no workflow runs on feedback.</summary>
    public IReadOnlyList<double>? MilestoneShares()
    {
        var version = versions.LatestFor(FeedbackWorkflowSubject.Type).FirstOrDefault();
        if (version is null)
            return null;
        var parameters = versions.ParametersFor(version.Definition);
        return [.. version.Definition.Milestones.Select(m => parameters.ShareOf(m.At))];
    }

    public async Task<DemoHistoryResult> ReplayAsync(IReadOnlyList<DemoReplayVoice> voices, DateTime until, IProgress<SeedProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        if (voices.Count == 0)
            return new DemoHistoryResult(0, 0, 0, 0, 0, 0, stopwatch.Elapsed);
        if (versions.LatestFor(FeedbackWorkflowSubject.Type).Count == 0)
            throw new InvalidOperationException("No workflow runs on feedback: load the workflow definitions before replaying the demo history.");

        var replay = new Replay(db, services, versions, voices, DateTime.SpecifyKind(until, DateTimeKind.Utc), progress, cancellationToken);
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await replay.RunAsync();
            await transaction.CommitAsync(cancellationToken);
        }
        return replay.Result(stopwatch.Elapsed);
    }

    /// <summary>The state of one replay: the clock, what is still to happen, and the counts.</summary>
    private sealed class Replay(VocDbContext db, IServiceProvider services, IWorkflowVersions versions, IReadOnlyList<DemoReplayVoice> voices,
        DateTime until, IProgress<SeedProgress>? progress, CancellationToken cancellationToken)
    {
        private readonly ReplayClock _clock = new();
        private readonly FeedbackWorkflowSubject _source = services.GetServices<IWorkflowSubjectSource>().OfType<FeedbackWorkflowSubject>().Single();
        private readonly IWorkingTimeCalendars _calendars = services.GetRequiredService<IWorkingTimeCalendars>();
        private readonly Dictionary<long, DemoReplayVoice> _byItem = voices.ToDictionary(v => v.ItemId);
        private readonly SortedSet<Pending> _pending = new(ByTime.Instance);
        private readonly Dictionary<long, long> _itemOfInstance = [];
        private readonly HashSet<long> _quiet = [];
        private readonly WorkflowVersion _sla = versions.LatestFor(FeedbackWorkflowSubject.Type)[0];
        // Skipping an instance is only safe when this is the one workflow that runs on feedback.
        private readonly bool _quietAllowed = versions.LatestFor(FeedbackWorkflowSubject.Type).Count == 1;
        private ResolvedParameters _parameters = null!;
        private double _firstMilestone;
        private Dictionary<long, string?> _owners = null!;
        private ChangeWriter _writer = null!;
        private int _started, _coded, _asked, _escalations, _mails;

        public DemoHistoryResult Result(TimeSpan elapsed) =>
            new(_started, _coded, _asked, _escalations, _mails, voices.Count - _coded, elapsed);

        public async Task RunAsync()
        {
            var first = voices.Min(v => v.ItemId);
            var last = voices.Max(v => v.ItemId);
            _owners = await db.FeedbackItems.AsNoTracking().Where(f => f.Id >= first && f.Id <= last)
                .ToDictionaryAsync(f => f.Id, f => f.OwnerCsmId, cancellationToken);
            _writer = await ChangeWriter.OpenAsync(db, await CodingBook.LoadAsync(db, cancellationToken), cancellationToken);
            _parameters = versions.ParametersFor(_sla.Definition);
            _firstMilestone = _sla.Definition.Milestones.Select(m => _parameters.ShareOf(m.At)).DefaultIfEmpty(double.MaxValue).Min();
            try
            {
                await LiveAsync();
            }
            finally
            {
                await _writer.DisposeAsync();
            }
        }

        private async Task LiveAsync()
        {
            var arrivals = voices.OrderBy(v => v.IngestedAt).ThenBy(v => v.ItemId).ToList();
            var start = arrivals[0].IngestedAt;
            var totalDays = Math.Max(1, (long)Math.Ceiling((until - start).TotalDays));
            var next = 0;
            for (var from = start; ; from += Step)
            {
                var last = from + Step >= until;
                var to = last ? until : from + Step;
                var arriving = new List<DemoReplayVoice>();
                while (next < arrivals.Count && (last || arrivals[next].IngestedAt < to))
                    arriving.Add(arrivals[next++]);
                if (arriving.Count > 0)
                    await StartAsync(arriving);
                await LiveUntilAsync(to);
                progress?.Report(new SeedProgress("history", Math.Min(totalDays, (long)Math.Ceiling((to - start).TotalDays)), totalDays));
                if (last)
                    return;
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        /// <summary>
        /// Plans what happens to each arrival on its own clock, then starts the clocks of those the SLA will have something
        /// to do with, as the dispatcher does for new items (each at its own arrival). A voice coded before its first
        /// milestone, never waiting on the customer, is not started: its instance would start and complete without firing
        /// anything (as for an item coded before the dispatcher took it on), and those instances were most of the replay's
        /// cost. It gets the deadline the workflow would have given it, and its coding.
        /// </summary>
        private async Task StartAsync(List<DemoReplayVoice> arriving)
        {
            _clock.Set(arriving[0].IngestedAt);
            var engine = Engine();
            var facts = await _source.LoadAsync(db, [.. arriving.Select(v => v.ItemId)], cancellationToken);
            var toStart = new List<SubjectFacts>(arriving.Count);
            var quietDeadlines = new Dictionary<long, DateTime?>();
            foreach (var voice in arriving)
            {
                if (!facts.TryGetValue(voice.ItemId, out var subject))
                    continue;
                var (target, calendarKey) = engine.ClockFor(_sla.Definition, _parameters, subject);
                var clock = new ItemClock(target, calendarKey is null ? null : _calendars.Find(calendarKey));
                var codedAt = Plan(voice, clock);
                if (_quietAllowed && voice.Fate is { PausedAtShare: null, CodedAtShare: { } share } && share < _firstMilestone && codedAt < until)
                {
                    _quiet.Add(voice.ItemId);
                    quietDeadlines[voice.ItemId] = clock.After(subject.Anchor, 1.0);
                }
                else
                {
                    toStart.Add(subject);
                }
            }
            _started += await engine.StartNewAsync(db, _source, toStart, cancellationToken);
            await _source.DeadlineChangedAsync(db, quietDeadlines, cancellationToken);
            await SaveAsync();
        }

        /// <summary>An item's clock: its target, counted in its calendar's working time if it has one.</summary>
        private readonly record struct ItemClock(TimeSpan Target, IWorkingTimeCalendar? Calendar)
        {
            public DateTime After(DateTime from, double share) => Calendar?.AddWorkingTime(from, Target * share) ?? from + Target * share;
        }

        /// <summary>Turns the story's shares of the item's target into moments on its clock; answers when it is coded, if ever.</summary>
        private DateTime? Plan(DemoReplayVoice voice, ItemClock clock)
        {
            var fate = voice.Fate;
            var runningFrom = voice.IngestedAt;
            var used = 0.0;
            if (fate.PausedAtShare is { } pausedAt)
            {
                var asked = clock.After(voice.IngestedAt, pausedAt);
                _pending.Add(new Pending(asked, voice.ItemId, Change.AskCustomer));
                if (fate.Waited is not { } waited)
                    return null;
                runningFrom = asked + waited;
                used = pausedAt;
                _pending.Add(new Pending(runningFrom, voice.ItemId, Change.Answered));
            }
            if (fate.CodedAtShare is not { } codedAt)
                return null;
            var at = clock.After(runningFrom, Math.Max(0.01, codedAt - used));
            _pending.Add(new Pending(at, voice.ItemId, Change.Submit));
            return at;
        }

        /// <summary>
        /// Everything before <paramref name="to"/>, in rounds: each round takes, for every item, the earlier of its next change
        /// and its due timer. Items do not affect each other, so a round serves all of them in two batches, one of changes and
        /// one of timers, and a step needs only as many rounds as one item has events in it.
        /// </summary>
        private async Task LiveUntilAsync(DateTime to)
        {
            while (true)
            {
                var pendingTimers = await db.WorkflowTimers.AsNoTracking()
                    .Where(t => t.State == WorkflowTimerState.Pending && t.ResumeAt < to)
                    .Select(t => new { t.Id, t.ResumeAt, t.InstanceId })
                    .ToListAsync(cancellationToken);
                // Only the replay's own instances: anything else in the database lives on the real clock.
                var due = pendingTimers.Where(t => _itemOfInstance.ContainsKey(t.InstanceId))
                    .Select(t => (t.Id, t.ResumeAt, Item: _itemOfInstance[t.InstanceId])).ToList();
                var dueByItem = due.GroupBy(t => t.Item).ToDictionary(g => g.Key, g => g.Min(t => t.ResumeAt));
                var nextChange = new Dictionary<long, Pending>();
                foreach (var change in _pending)
                {
                    if (change.At >= to)
                        break;
                    nextChange.TryAdd(change.ItemId, change);
                }
                var changes = nextChange.Values.Where(c => !dueByItem.TryGetValue(c.ItemId, out var timerAt) || c.At <= timerAt).ToList();
                var timers = due.Where(t => !nextChange.TryGetValue(t.Item, out var c) || t.ResumeAt < c.At).ToList();
                if (changes.Count == 0 && timers.Count == 0)
                    return;
                if (changes.Count > 0)
                    await ApplyAsync(changes);
                if (timers.Count > 0)
                    await FireAsync([.. timers.Select(t => t.Id)], timers.Min(t => t.ResumeAt));
            }
        }

        /// <summary>
        /// What the coding form writes for each change (the item's new state and its domain event), then the workflow hears
        /// of them: the engine takes each change's moment from its event, so one batch serves changes made days apart.
        /// </summary>
        private async Task ApplyAsync(List<Pending> changes)
        {
            var signals = new List<WorkflowSignal>(changes.Count);
            foreach (var change in changes)
            {
                _pending.Remove(change);
                var voice = _byItem[change.ItemId];
                var owner = _owners.GetValueOrDefault(change.ItemId);
                string type;
                switch (change.Change)
                {
                    case Change.AskCustomer:
                        var notes = voice.Language == "zh" ? NotesZh : NotesEn;
                        await _writer.SetStatusAsync(change.ItemId, FeedbackStatus.AwaitingCustomer, notes[(int)(change.ItemId % notes.Length)], change.At);
                        type = DomainEventTypes.AwaitingCustomer;
                        _asked++;
                        break;
                    case Change.Answered:
                        await _writer.SetStatusAsync(change.ItemId, FeedbackStatus.New, null, null);
                        type = DomainEventTypes.Reopened;
                        break;
                    default:
                        if (!await _writer.SubmitCodingAsync(change.ItemId, voice, owner, change.At))
                            continue;
                        type = DomainEventTypes.AttributionCompleted;
                        _coded++;
                        break;
                }
                // Delivered by this replay, in this transaction, so the live dispatcher never sees it again.
                var eventId = await _writer.AddEventAsync(type, change.ItemId, change.At, owner, change.At + Delay);
                if (!_quiet.Contains(change.ItemId))
                    signals.Add(new WorkflowSignal(eventId, type, FeedbackWorkflowSubject.Type, change.ItemId, change.At));
            }
            if (signals.Count > 0)
            {
                _clock.Set(changes.Max(c => c.At) + Delay);
                await Engine().ApplySignalsAsync(db, _source, signals, cancellationToken);
                await SaveAsync();
            }
        }

        /// <summary>Fires the timers, each at its own moment from <paramref name="earliest"/> on (the engine never fires one before it is due).</summary>
        private async Task FireAsync(List<long> ids, DateTime earliest)
        {
            _clock.Set(earliest);
            var timers = await db.WorkflowTimers.Where(t => ids.Contains(t.Id)).OrderBy(t => t.ResumeAt).ThenBy(t => t.Id).ToListAsync(cancellationToken);
            await Engine().FireAsync(db, timers, cancellationToken);
            _escalations += Tracked<SlaEscalation>().Count(e => e.State == EntityState.Added);
            foreach (var entry in Tracked<OutboxEmail>().Where(e => e.State == EntityState.Added))
            {
                // The outbox sender delivered it back then: sent, not waiting to be sent at the next start.
                var mail = entry.Entity;
                mail.State = OutboxEmailState.Sent;
                mail.Attempts = 1;
                mail.SentAt = mail.CreatedAt + Delay;
                _mails++;
            }
            await SaveAsync();
        }

        /// <summary>A fresh engine per batch: an engine keeps the timers of its batch.</summary>
        private WorkflowEngine Engine() => ActivatorUtilities.CreateInstance<WorkflowEngine>(services, (TimeProvider)_clock);

        /// <summary>
        /// The tracked entities of a type, without a change-detection pass over all of them (what was added is known
        /// without one; asking the tracker with detection on was a fifth of the replay's time).
        /// </summary>
        private List<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<T>> Tracked<T>() where T : class
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            try
            {
                return [.. db.ChangeTracker.Entries<T>()];
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = true;
            }
        }

        /// <summary>Saves and forgets the batch's entities; answers the instances it started, now with their ids.</summary>
        private async Task<List<WorkflowInstance>> SaveAsync()
        {
            var tracked = Tracked<WorkflowInstance>().Select(e => e.Entity).ToList();
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return [.. tracked.Where(i => _itemOfInstance.TryAdd(i.Id, i.SubjectId))];
        }
    }

    /// <summary>The replay's "now", moved by the replay only.</summary>
    private sealed class ReplayClock : TimeProvider
    {
        private DateTimeOffset _now;

        public void Set(DateTime utc) => _now = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

        public override DateTimeOffset GetUtcNow() => _now;
    }

    /// <summary>
    /// Codes a voice with what it was written about: the metric and gap, the gap's domain, and a value dimension and tag
    /// that follow the gap, so the codes are as learnable as real CSMs' would be (the suggester trains on them).
    /// </summary>
    private sealed class CodingBook
    {
        private readonly Dictionary<string, (int Id, MetricPolarity Polarity, string? Unit)> _metrics;
        private readonly List<(int Id, int? DomainId)> _gaps;
        private readonly Dictionary<string, int> _gapIndex;
        private readonly List<int> _tags;
        private readonly ValueDimension[] _dimensions = Enum.GetValues<ValueDimension>();

        private CodingBook(Dictionary<string, (int, MetricPolarity, string?)> metrics, List<(int, int?)> gaps, Dictionary<string, int> gapIndex, List<int> tags)
        {
            _metrics = metrics;
            _gaps = gaps;
            _gapIndex = gapIndex;
            _tags = tags;
        }

        public static async Task<CodingBook> LoadAsync(VocDbContext db, CancellationToken cancellationToken)
        {
            var metrics = await db.BusinessMetrics.AsNoTracking().Where(m => !m.IsArchived && m.MergedIntoId == null)
                .ToDictionaryAsync(m => m.Key, m => (m.Id, m.Polarity, m.DefaultUnit), StringComparer.OrdinalIgnoreCase, cancellationToken);
            var gaps = await db.CapabilityGaps.AsNoTracking().Where(g => !g.IsArchived && g.MergedIntoId == null).OrderBy(g => g.Id)
                .Select(g => new { g.Id, g.Key, g.OwningDomainId }).ToListAsync(cancellationToken);
            var tags = await db.Tags.AsNoTracking().Where(t => !t.IsArchived && t.MergedIntoId == null).OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(cancellationToken);
            return new CodingBook(metrics, [.. gaps.Select(g => (g.Id, g.OwningDomainId))],
                gaps.Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.OrdinalIgnoreCase), tags);
        }

        /// <summary>The coding the customer's CSM would have submitted; null when the voice's gap or metric is gone from the taxonomy.</summary>
        public Attribution? For(long itemId, DemoReplayVoice voice, string? owner, DateTime at)
        {
            if (!_gapIndex.TryGetValue(voice.GapKey, out var g) || !_metrics.TryGetValue(voice.MetricKey, out var metric))
                return null;
            return new Attribution
            {
                FeedbackItemId = itemId,
                BusinessMetricId = metric.Id,
                ImpactDirection = metric.Polarity == MetricPolarity.HigherIsBetter ? ImpactDirection.Down : ImpactDirection.Up,
                ImpactMagnitude = 1 + itemId % 15,
                ImpactUnit = metric.Unit,
                CapabilityGapId = _gaps[g].Id,
                OwningDomainId = _gaps[g].DomainId,
                ValueDimension = _dimensions[g % _dimensions.Length],
                VoiceRole = voice.ContactRole == Customers.ContactRole.Buyer ? VoiceRole.Buyer : VoiceRole.User,
                Tags = _tags.Count == 0 ? [] : [new AttributionTag { TagId = _tags[g % _tags.Count] }],
                State = AttributionState.Submitted,
                Version = 1,
                UpdatedAt = at,
                UpdatedById = owner, // the customer's CSM coded it, as the history page will say
                SubmittedAt = at,
            };
        }
    }

    internal const string InsertAttributionSql = """
        INSERT INTO "Attributions" ("FeedbackItemId", "BusinessMetricId", "ImpactDirection", "ImpactMagnitude", "ImpactUnit", "CapabilityGapId",
                                    "OwningDomainId", "ValueDimension", "VoiceRole", "State", "Version", "UpdatedAt", "UpdatedById", "SubmittedAt")
        VALUES (@item, @metric, @direction, @magnitude, @unit, @gap, @domain, @dimension, @role, @state, @version, @updated, @by, @submitted)
        RETURNING "Id"
        """;

    /// <summary>SQL Server returns the new key with <c>OUTPUT</c> (it has no <c>RETURNING</c>).</summary>
    internal const string SqlServerInsertAttributionSql = """
        INSERT INTO [Attributions] ([FeedbackItemId], [BusinessMetricId], [ImpactDirection], [ImpactMagnitude], [ImpactUnit], [CapabilityGapId],
                                    [OwningDomainId], [ValueDimension], [VoiceRole], [State], [Version], [UpdatedAt], [UpdatedById], [SubmittedAt])
        OUTPUT INSERTED.[Id]
        VALUES (@item, @metric, @direction, @magnitude, @unit, @gap, @domain, @dimension, @role, @state, @version, @updated, @by, @submitted)
        """;

    internal const string InsertEventSql = """
        INSERT INTO "DomainEvents" ("Type", "FeedbackItemId", "OccurredAt", "ActorId", "DispatchedAt")
        VALUES (@type, @item, @occurred, @actor, @dispatched)
        RETURNING "Id"
        """;

    /// <inheritdoc cref="SqlServerInsertAttributionSql"/>
    internal const string SqlServerInsertEventSql = """
        INSERT INTO [DomainEvents] ([Type], [FeedbackItemId], [OccurredAt], [ActorId], [DispatchedAt])
        OUTPUT INSERTED.[Id]
        VALUES (@type, @item, @occurred, @actor, @dispatched)
        """;

    /// <summary>
    /// Writes what people did in the replayed history (asking a customer, hearing back, submitting a coding) and the
    /// domain event each raised: the rows the coding form writes, as prepared statements on the replay's transaction,
    /// because EF's change tracking was the slowest part of the replay for thousands of codings.
    /// </summary>
    private sealed class ChangeWriter : IAsyncDisposable
    {
        private readonly CodingBook _book;
        private readonly DbCommand _status;
        private readonly DbCommand _attribution;
        private readonly DbCommand _tag;
        private readonly DbCommand _event;

        private ChangeWriter(CodingBook book, DbCommand status, DbCommand attribution, DbCommand tag, DbCommand domainEvent)
        {
            _book = book;
            _status = status;
            _attribution = attribution;
            _tag = tag;
            _event = domainEvent;
        }

        public static async Task<ChangeWriter> OpenAsync(VocDbContext db, CodingBook book, CancellationToken cancellationToken)
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sqlServer = db.Database.IsSqlServer();
            async Task<DbCommand> PrepareAsync(string sql, params (string Name, DbType Type)[] parameters)
            {
                var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql;
                foreach (var (name, type) in parameters)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    if (type == DbType.DateTime)
                        AdoCommands.TypeAsInstant(parameter);
                    else
                        parameter.DbType = type;
                    command.Parameters.Add(parameter);
                }
                await AdoCommands.PrepareAsync(command, cancellationToken);
                return command;
            }
            return new ChangeWriter(book,
                await PrepareAsync("""
                    UPDATE "FeedbackItems" SET "Status" = @status, "AwaitingCustomerNote" = @note, "AwaitingCustomerSince" = @since WHERE "Id" = @id
                    """, ("@status", DbType.String), ("@note", DbType.String), ("@since", DbType.DateTime), ("@id", DbType.Int64)),
                await PrepareAsync(sqlServer ? SqlServerInsertAttributionSql : InsertAttributionSql, ("@item", DbType.Int64), ("@metric", DbType.Int32), ("@direction", DbType.String), ("@magnitude", DbType.Decimal), ("@unit", DbType.String),
                    ("@gap", DbType.Int32), ("@domain", DbType.Int32), ("@dimension", DbType.String), ("@role", DbType.String), ("@state", DbType.String),
                    ("@version", DbType.Int32), ("@updated", DbType.DateTime), ("@by", DbType.String), ("@submitted", DbType.DateTime)),
                await PrepareAsync("""
                    INSERT INTO "AttributionTags" ("AttributionId", "TagId") VALUES (@attribution, @tag)
                    """, ("@attribution", DbType.Int64), ("@tag", DbType.Int32)),
                await PrepareAsync(sqlServer ? SqlServerInsertEventSql : InsertEventSql, ("@type", DbType.String), ("@item", DbType.Int64), ("@occurred", DbType.DateTime), ("@actor", DbType.String), ("@dispatched", DbType.DateTime)));
        }

        public async Task SetStatusAsync(long itemId, FeedbackStatus status, string? note, DateTime? since)
        {
            Set(_status, status.ToString(), note, since, itemId);
            await _status.ExecuteNonQueryAsync();
        }

        /// <summary>Submits the voice's coding; false (nothing written) when its gap or metric is gone from the taxonomy.</summary>
        public async Task<bool> SubmitCodingAsync(long itemId, DemoReplayVoice voice, string? owner, DateTime at)
        {
            if (_book.For(itemId, voice, owner, at) is not { } a)
                return false;
            await SetStatusAsync(itemId, FeedbackStatus.Attributed, null, null);
            Set(_attribution, a.FeedbackItemId, a.BusinessMetricId, a.ImpactDirection?.ToString(), a.ImpactMagnitude, a.ImpactUnit, a.CapabilityGapId,
                a.OwningDomainId, a.ValueDimension?.ToString(), a.VoiceRole?.ToString(), a.State.ToString(), a.Version, a.UpdatedAt, a.UpdatedById, a.SubmittedAt);
            var attributionId = Convert.ToInt64(await _attribution.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            foreach (var tag in a.Tags)
            {
                Set(_tag, attributionId, tag.TagId);
                await _tag.ExecuteNonQueryAsync();
            }
            return true;
        }

        public async Task<long> AddEventAsync(string type, long itemId, DateTime occurredAt, string? actor, DateTime dispatchedAt)
        {
            Set(_event, type, itemId, occurredAt, actor, dispatchedAt);
            return Convert.ToInt64(await _event.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        private static void Set(DbCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
                command.Parameters[i].Value = values[i] switch
                {
                    null => DBNull.Value,
                    DateTime instant => DateTime.SpecifyKind(instant, DateTimeKind.Utc),
                    var value => value,
                };
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { _status, _attribution, _tag, _event })
                await command.DisposeAsync();
        }
    }
}
