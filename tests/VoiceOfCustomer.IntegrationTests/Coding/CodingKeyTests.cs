using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>The rules that depend on the database (transactions, concurrency tokens): run on SQLite and PostgreSQL.</summary>
public abstract class CodingKeyTests : CodingApiTestBase
{
    [Fact]
    public async Task Draft_then_submit_attributes_the_item()
    {
        var id = await NewItemAsync();
        var draft = await OkJsonAsync(await SaveAsync(id, new { rootCause = new { hypothesis = "Probably the forecast." }, version = 0 }));
        Assert.Equal(1, draft.GetProperty("version").GetInt32());
        Assert.Equal("draft", draft.GetProperty("state").GetString());
        Assert.Equal(FeedbackStatus.InProgress, await StatusAsync(id));

        var submitted = await OkJsonAsync(await SaveAsync(id, Complete(version: 1)));
        Assert.Equal(2, submitted.GetProperty("version").GetInt32());
        Assert.Equal("submitted", submitted.GetProperty("state").GetString());
        Assert.Equal(MetricId, submitted.GetProperty("metricId").GetInt32());
        Assert.Equal(FeedbackStatus.Attributed, await StatusAsync(id));

        // GET /api/feedback/{id} shows the same version, so a client can read then save.
        var detail = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}"));
        Assert.Equal(2, detail.GetProperty("attribution").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Submit_raises_one_attribution_completed_event_and_audits_before_and_after()
    {
        var id = await NewItemAsync();
        await OkJsonAsync(await SaveAsync(id, Complete(version: 0, submit: false)));
        await OkJsonAsync(await SaveAsync(id, Complete(version: 1)));

        var events = await App.WithDbAsync(db => db.DomainEvents.Where(e => e.FeedbackItemId == id && e.Type == DomainEventTypes.AttributionCompleted).ToListAsync());
        var completed = Assert.Single(events);
        Assert.StartsWith("apikey:", completed.ActorId);

        var audit = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}/audit"));
        Assert.Equal(new[] { "draft", "submit" }, audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());
        var submit = audit[1];
        Assert.Equal("draft", submit.GetProperty("before").GetProperty("state").GetString());
        Assert.Equal("submitted", submit.GetProperty("after").GetProperty("state").GetString());
        Assert.StartsWith("apikey:", submit.GetProperty("changedById").GetString());
    }

    [Fact]
    public async Task Audit_snapshots_are_camel_case_with_kebab_values_and_the_first_before_is_null()
    {
        var id = await NewItemAsync();
        await OkJsonAsync(await SaveAsync(id, Complete(version: 0, submit: false)));
        await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Asked for the store list." }));

        var audit = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}/audit"));
        var first = audit[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("before").ValueKind);
        var after = first.GetProperty("after");
        Assert.Equal("draft", after.GetProperty("state").GetString());
        Assert.Equal(MetricId, after.GetProperty("metricId").GetInt32());
        Assert.Equal("down", after.GetProperty("direction").GetString());
        Assert.Equal("pain", after.GetProperty("valueDimension").GetString());
        Assert.DoesNotContain(after.EnumerateObject(), p => char.IsUpper(p.Name[0]));
        Assert.Equal("in-progress", audit[1].GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("awaiting-customer", audit[1].GetProperty("after").GetProperty("status").GetString());
        // Stored in the same spelling, so every reader of the rows sees one.
        var stored = await App.WithDbAsync(db => db.AttributionAuditEntries.Where(e => e.FeedbackItemId == id).OrderBy(e => e.Id).Select(e => e.AfterJson).FirstAsync());
        Assert.Contains("\"metricId\":", stored);
        Assert.DoesNotContain("\"State\"", stored);
    }

    [Fact]
    public async Task Audit_rows_stored_in_pascal_case_are_read_in_todays_spelling()
    {
        var id = await NewItemAsync();
        await App.WithDbAsync(async db =>
        {
            db.AttributionAuditEntries.Add(new AttributionAuditEntry
            {
                FeedbackItemId = id, ChangedAt = DateTime.UtcNow.AddMinutes(-2), ChangedById = "csm-1", Action = "submit",
                BeforeJson = """{"State":"Draft","Version":1,"MetricId":3,"Direction":"Down","ValueDimension":"Pain","VoiceRole":"Buyer","TagIds":[1],"Tags":["Export"],"Metric":"Order fill rate"}""",
                AfterJson = """{"State":"Submitted","Version":2,"MetricId":3,"Direction":"Up","ValueDimension":"Need","VoiceRole":"User","TagIds":[],"Tags":[]}""",
            });
            db.AttributionAuditEntries.Add(new AttributionAuditEntry
            {
                FeedbackItemId = id, ChangedAt = DateTime.UtcNow.AddMinutes(-1), ChangedById = "csm-1", Action = "awaiting-customer",
                BeforeJson = """{"status":"InProgress","duplicateOf":null,"note":null}""",
                AfterJson = """{"status":"AwaitingCustomer","duplicateOf":null,"note":"Which stores?"}""",
            });
            return await db.SaveChangesAsync();
        });

        var audit = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}/audit"));

        var before = audit[0].GetProperty("before");
        Assert.Equal("draft", before.GetProperty("state").GetString());
        Assert.Equal(3, before.GetProperty("metricId").GetInt32());
        Assert.Equal("down", before.GetProperty("direction").GetString());
        Assert.Equal("buyer", before.GetProperty("voiceRole").GetString());
        Assert.Equal("Order fill rate", before.GetProperty("metric").GetString());
        Assert.Equal("Export", before.GetProperty("tags")[0].GetString());
        Assert.Equal("submitted", audit[0].GetProperty("after").GetProperty("state").GetString());
        Assert.Equal("need", audit[0].GetProperty("after").GetProperty("valueDimension").GetString());
        Assert.Equal("in-progress", audit[1].GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("awaiting-customer", audit[1].GetProperty("after").GetProperty("status").GetString());
        Assert.Equal("Which stores?", audit[1].GetProperty("after").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Stale_version_is_409_with_the_colleagues_coding()
    {
        var id = await NewItemAsync();
        await OkJsonAsync(await SaveAsync(id, Complete(version: 0, submit: false)));
        await OkJsonAsync(await SaveAsync(id, Complete(version: 1, submit: false)));

        var problem = await ProblemAsync(await SaveAsync(id, Complete(version: 1)), HttpStatusCode.Conflict);
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
        Assert.Equal(2, problem.GetProperty("current").GetProperty("version").GetInt32());
        Assert.Equal("draft", problem.GetProperty("current").GetProperty("state").GetString());
        Assert.Equal(2, await VersionAsync(id));
        Assert.Equal(FeedbackStatus.InProgress, await StatusAsync(id));
    }

    [Theory]
    [InlineData(0)] // both create the first coding
    [InlineData(1)] // both update the same draft
    public async Task Two_concurrent_submits_of_the_same_version_give_one_200_and_one_409(int version)
    {
        var id = await NewItemAsync();
        if (version == 1)
            await OkJsonAsync(await SaveAsync(id, Complete(version: 0, submit: false)));

        var responses = await Task.WhenAll(SaveAsync(id, Complete(version)), SaveAsync(id, Complete(version)));
        var codes = responses.Select(r => r.StatusCode).Order().ToArray();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], codes);
        Assert.Equal(version + 1, await VersionAsync(id));
        Assert.Equal(1, await App.WithDbAsync(db => db.DomainEvents.CountAsync(e => e.FeedbackItemId == id && e.Type == DomainEventTypes.AttributionCompleted)));
        // The 409 is the answer to an expected race, not an error to log.
        App.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Missing_layer_on_submit_is_400_and_changes_nothing()
    {
        var id = await NewItemAsync();
        var body = Complete();
        body.Remove("owningDomainId");
        Assert.Contains("team", await FieldErrorAsync(await SaveAsync(id, body), "owningDomainId"));
        Assert.Null(await VersionAsync(id));
        Assert.Equal(FeedbackStatus.New, await StatusAsync(id));
    }
}

public sealed class CodingKeySqliteTests : CodingKeyTests;

public sealed class CodingKeyPostgresTests : CodingKeyTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class CodingKeySqlServerTests : CodingKeyTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
