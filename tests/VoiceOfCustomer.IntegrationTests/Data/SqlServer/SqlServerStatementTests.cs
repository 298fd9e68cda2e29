using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Web.Features.Users;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Data.SqlServer;

/// <summary>
/// The SQL Server form of every statement that differs between providers, checked without a server: the claims run
/// through the app's own code on SQL Server's provider up to the wire (what it sends is recorded), and the statements
/// written by hand are checked for the T-SQL they must be. The same code runs against a live server in the provider
/// suites when VOC_TEST_SQLSERVER is set.
/// </summary>
public sealed class SqlServerStatementTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 9, 30, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Claiming_due_timers_locks_the_rows_it_takes_and_skips_those_another_instance_holds()
    {
        var (db, recorder) = SqlServerDesignTime.RecordingContext(TimerColumns());
        await using var _ = db;

        var claimed = await WorkflowDispatcher<VocDbContext>.ClaimDueTimersAsync(db, Now, 25, CancellationToken.None);

        Assert.Empty(claimed);
        var command = Assert.Single(recorder.Commands);
        Assert.StartsWith("SELECT TOP (@p1) * FROM [WorkflowTimers] WITH (UPDLOCK, READPAST, ROWLOCK)", command.Text.TrimStart());
        Assert.Contains("WHERE [State] = 'Pending' AND [ResumeAt] <= @p0", command.Text);
        Assert.Contains("ORDER BY [ResumeAt], [Id]", command.Text);
        Assert.Equal([("p0", "datetime2", (object?)Now), ("p1", "int", 25)], command.Parameters);
    }

    [Fact]
    public async Task Claiming_one_flow_event_again_by_id_locks_it_the_same_way()
    {
        var (db, recorder) = SqlServerDesignTime.RecordingContext(TimerColumns());
        await using var _ = db;

        Assert.Empty(await WorkflowDispatcher<VocDbContext>.ClaimDueTimersAsync(db, Now, 1, CancellationToken.None, onlyId: 42));

        var command = Assert.Single(recorder.Commands);
        Assert.StartsWith("SELECT * FROM [WorkflowTimers] WITH (UPDLOCK, READPAST, ROWLOCK)", command.Text.TrimStart());
        Assert.Contains("WHERE [Id] = @p0 AND [State] = 'Pending' AND [ResumeAt] <= @p1", command.Text);
        Assert.Equal([("p0", "bigint", (object?)42L), ("p1", "datetime2", Now)], command.Parameters);
    }

    [Fact]
    public async Task A_flow_batch_s_history_lines_go_in_multi_row_inserts_within_SQL_Server_s_parameter_limit()
    {
        var (db, recorder) = SqlServerDesignTime.RecordingContext();
        await using var _ = db;
        var lines = Enumerable.Range(0, 700).Select(i => new WorkflowHistoryEntry
        {
            InstanceId = i, At = Now, Step = i % 2 == 0 ? "review" : null, Event = "entered", Actor = "runtime", Detail = null,
        }).ToList();

        await VoiceOfCustomer.Workflows.Flows.BulkRows.InsertAsync(db, lines, CancellationToken.None);

        Assert.Equal(3, recorder.Commands.Count); // 333 + 333 + 34 rows of six values
        foreach (var command in recorder.Commands)
        {
            Assert.StartsWith("INSERT INTO \"WorkflowHistory\" (", command.Text);
            foreach (var column in new[] { "InstanceId", "At", "Step", "Event", "Actor", "Detail" })
                Assert.Contains($"\"{column}\"", command.Text[..command.Text.IndexOf(" VALUES ", StringComparison.Ordinal)]);
            Assert.DoesNotContain("\"Id\"", command.Text); // the identity column is the database's
            Assert.True(command.Parameters.Count <= 2100, $"{command.Parameters.Count} parameters");
        }
        Assert.Equal(700 * 6, recorder.Commands.Sum(c => c.Parameters.Count));
        Assert.Contains(recorder.Commands[0].Parameters, p => p.Type == "datetime2" && Equals(p.Value, Now));
        Assert.Contains(recorder.Commands[0].Parameters, p => p.Value is DBNull);
    }

    [Fact]
    public async Task Claiming_new_items_and_signals_locks_rows_the_same_way()
    {
        var subject = new FeedbackWorkflowSubject();
        var (items, itemCommands) = SqlServerDesignTime.RecordingContext("Value");
        await using (items)
            Assert.Empty(await subject.ClaimNewAsync(items, 40, Now, CancellationToken.None));
        var claimNew = Assert.Single(itemCommands.Commands);
        Assert.StartsWith("SELECT TOP (@p0) [Id] AS [Value] FROM [FeedbackItems] WITH (UPDLOCK, READPAST, ROWLOCK) WHERE [SlaStartedAt] IS NULL ORDER BY [Id]", claimNew.Text.TrimStart());
        Assert.Equal([("p0", "int", (object?)40)], claimNew.Parameters);

        var (events, eventCommands) = SqlServerDesignTime.RecordingContext(EventColumns());
        await using (events)
            Assert.Empty(await subject.ClaimSignalsAsync(events, 40, Now, CancellationToken.None));
        var claimSignals = Assert.Single(eventCommands.Commands);
        Assert.StartsWith("SELECT TOP (@p0) * FROM [DomainEvents] WITH (UPDLOCK, READPAST, ROWLOCK) WHERE [DispatchedAt] IS NULL ORDER BY [Id]", claimSignals.Text.TrimStart());
    }

    [Fact]
    public void Every_hand_written_SQL_Server_statement_is_T_SQL_not_PostgreSQL()
    {
        var statements = new Dictionary<string, string>
        {
            ["claim due timers"] = WorkflowDispatcher<VocDbContext>.SqlServerClaimDueTimersSql,
            ["claim one flow event"] = WorkflowDispatcher<VocDbContext>.SqlServerClaimTimerSql,
            ["claim new items"] = FeedbackWorkflowSubject.SqlServerClaimNewSql,
            ["claim signals"] = FeedbackWorkflowSubject.SqlServerClaimSignalsSql,
            ["bulk insert feedback"] = FeedbackBulkWriter.SqlServerInsertFeedbackSql,
            ["bulk insert customer"] = FeedbackBulkWriter.SqlServerInsertCustomerSql,
            ["bulk insert contact"] = FeedbackBulkWriter.SqlServerInsertContactSql,
            ["replay attribution"] = DemoSlaHistory.SqlServerInsertAttributionSql,
            ["replay event"] = DemoSlaHistory.SqlServerInsertEventSql,
            ["admin lock"] = UserAdministration.SqlServerAdminLockSql,
        };
        foreach (var (what, sql) in statements)
        {
            foreach (var postgresOnly in new[] { "LIMIT ", "FOR UPDATE", "SKIP LOCKED", "ON CONFLICT", "RETURNING", "ILIKE", "pg_", "\"" })
                Assert.False(sql.Contains(postgresOnly, StringComparison.Ordinal), $"{what}: {postgresOnly.Trim()} is not T-SQL");
        }
    }

    [Fact]
    public void Bulk_inserts_skip_rows_already_stored_under_a_key_range_lock_and_return_new_keys_with_OUTPUT()
    {
        // ON CONFLICT DO NOTHING's counterpart: the existence check holds an update lock on the key's range to the end of the
        // batch's transaction (HOLDLOCK), so two imports of one file cannot both insert a row.
        Assert.Contains("WHERE NOT EXISTS (SELECT 1 FROM [FeedbackItems] WITH (UPDLOCK, HOLDLOCK) WHERE [ChannelId] = @channel AND [ExternalId] = @external)",
            FeedbackBulkWriter.SqlServerInsertFeedbackSql);
        Assert.Contains("WHERE NOT EXISTS (SELECT 1 FROM [Customers] WITH (UPDLOCK, HOLDLOCK) WHERE [ReferenceNormalized] = @normalized)",
            FeedbackBulkWriter.SqlServerInsertCustomerSql);
        foreach (var insert in new[] { FeedbackBulkWriter.SqlServerInsertCustomerSql, FeedbackBulkWriter.SqlServerInsertContactSql,
                     DemoSlaHistory.SqlServerInsertAttributionSql, DemoSlaHistory.SqlServerInsertEventSql })
            Assert.Contains("OUTPUT INSERTED.[Id]", insert);

        // Same columns and parameters as the PostgreSQL/SQLite statement beside it, so the writer binds them alike.
        Assert.Equal(Parameters(FeedbackBulkWriter.InsertFeedbackSql), Parameters(FeedbackBulkWriter.SqlServerInsertFeedbackSql).Distinct());
        Assert.Equal(Parameters(DemoSlaHistory.InsertAttributionSql), Parameters(DemoSlaHistory.SqlServerInsertAttributionSql));
        Assert.Equal(Parameters(DemoSlaHistory.InsertEventSql), Parameters(DemoSlaHistory.SqlServerInsertEventSql));
    }

    [Fact]
    public void Admin_changes_are_serialised_by_an_application_lock_that_the_transaction_owns()
    {
        var sql = UserAdministration.SqlServerAdminLockSql;
        Assert.Contains("EXEC @result = sp_getapplock @Resource = N'voc:admin-changes', @LockMode = 'Exclusive', @LockOwner = 'Transaction'", sql);
        // sp_getapplock reports a timeout or deadlock as a negative result, not an error: the change must stop then.
        Assert.Contains("IF @result < 0 THROW 51000,", sql);
    }

    [Fact]
    public void Case_insensitive_searches_use_a_case_insensitive_collation_and_escape_every_LIKE_wildcard()
    {
        using var db = SqlServerDesignTime.Context();
        var queries = new FeedbackQueries(db, new ChannelCatalog(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), TimeProvider.System));

        var customers = queries.CustomersContaining(db.Customers, "50%_off [EU]").ToQueryString();
        Assert.Matches(@"\[c\]\.\[Name\] COLLATE Latin1_General_100_CI_AS_SC LIKE @\w+ ESCAPE N'\\'", customers);
        Assert.Matches(@"\[c\]\.\[Reference\] COLLATE Latin1_General_100_CI_AS_SC LIKE @\w+ ESCAPE N'\\'", customers);
        // SQL Server's LIKE also reads [EU] as "E or U": the bracket is escaped like % and _.
        Assert.Contains(@"N'%50\%\_off \[EU]%'", customers);

        var verbatim = queries.VerbatimContains(db.FeedbackItems, "Export").ToQueryString();
        Assert.Matches(@"\[f\]\.\[Verbatim\] COLLATE Latin1_General_100_CI_AS_SC LIKE @\w+ ESCAPE N'\\'", verbatim);
        // U+0000 weighs nothing under a case-insensitive collation (LIKE would match every voice); no stored voice holds it.
        Assert.DoesNotContain("LIKE", queries.VerbatimContains(db.FeedbackItems, "a\0b").ToQueryString());
    }

    [Fact]
    public async Task The_list_and_report_queries_translate_to_SQL_Server()
    {
        // EF translates a query when it runs it; here each runs on SQL Server's provider and is answered by an empty result,
        // so a LINQ construct that SQL Server cannot express fails here rather than on a customer's server.
        var (db, recorder) = SqlServerDesignTime.RecordingContext();
        await using var _ = db;
        var channels = new ChannelCatalog(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), TimeProvider.System);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var runs = new Dictionary<string, Func<Task>>
        {
            ["feedback list"] = () => new FeedbackQueries(db, channels).ListAsync(new FeedbackFilter
            {
                Search = "export", CustomerIds = [1, 2], OwnerCsmId = "u1", ReceivedFrom = Now.AddDays(-30), ReceivedTo = Now, SegmentId = 3, TagId = 4,
            }, new FeedbackCursor(Now, 99), 25),
            ["coding queue"] = () => new VoiceOfCustomer.Coding.CodingQueueQueries(db, channels).ListAsync(new VoiceOfCustomer.Coding.CodingQueueFilter { Unassigned = true, SegmentId = 1 }, null, 25),
            ["breached"] = () => new SlaReports(db, channels, time).BreachedAsync(new BreachedFilter { SegmentId = 1 }, null, 25),
            ["escalations"] = () => new SlaReports(db, channels, time).EscalationsAsync(new EscalationFilter { From = new DateOnly(2026, 9, 1), To = new DateOnly(2026, 12, 1) }, null, 25),
            ["compliance"] = () => new SlaReports(db, channels, time).ComplianceAsync(new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 1)),
            ["suggestion acceptance"] = () => new VoiceOfCustomer.Suggestions.SuggestionReports(db, time).AcceptanceAsync(8, new VoiceOfCustomer.Suggestions.SuggestionFilter()),
            ["suggestions by version"] = () => new VoiceOfCustomer.Suggestions.SuggestionReports(db, time).ByVersionAsync(new VoiceOfCustomer.Suggestions.SuggestionFilter()),
        };
        foreach (var (what, run) in runs)
        {
            var before = recorder.Commands.Count;
            try
            {
                await run();
            }
            catch (InvalidOperationException error) when (!error.Message.Contains("could not be translated", StringComparison.Ordinal)
                && recorder.Commands.Count > before)
            {
                // An empty answer where a row was expected: the query was translated and sent, which is what is checked.
            }
            Assert.True(recorder.Commands.Count > before, $"{what}: nothing was sent");
            Assert.All(recorder.Commands.Skip(before), command => Assert.DoesNotContain("\"", command.Text));
        }
    }

    [Fact]
    public void Instants_in_hand_written_commands_are_sent_as_datetime2()
    {
        var parameter = new SqlParameter();
        AdoCommands.TypeAsInstant(parameter);
        Assert.Equal(SqlDbType.DateTime2, parameter.SqlDbType);
        using var command = new SqlCommand();
        Assert.Equal(SqlDbType.DateTime2, ((SqlParameter)AdoCommands.AddInstant(command, "@at")).SqlDbType);
    }

    private static string[] TimerColumns() => Columns(typeof(WorkflowTimer));

    private static string[] EventColumns() => Columns(typeof(Events.DomainEvent));

    private static string[] Columns(Type entity)
    {
        using var db = SqlServerDesignTime.Context();
        return [.. db.Model.FindEntityType(entity)!.GetProperties().Select(p => p.GetColumnName())];
    }

    private static IEnumerable<string> Parameters(string sql) =>
        System.Text.RegularExpressions.Regex.Matches(sql, @"@\w+").Select(m => m.Value).Where(p => p != "@result");
}
