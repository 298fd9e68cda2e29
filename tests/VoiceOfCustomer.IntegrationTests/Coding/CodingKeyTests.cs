using System.Net;
using Microsoft.EntityFrameworkCore;
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
        Assert.Equal("Draft", draft.GetProperty("state").GetString());
        Assert.Equal(FeedbackStatus.InProgress, await StatusAsync(id));

        var submitted = await OkJsonAsync(await SaveAsync(id, Complete(version: 1)));
        Assert.Equal(2, submitted.GetProperty("version").GetInt32());
        Assert.Equal("Submitted", submitted.GetProperty("state").GetString());
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
        Assert.Equal("Draft", submit.GetProperty("before").GetProperty("State").GetString());
        Assert.Equal("Submitted", submit.GetProperty("after").GetProperty("State").GetString());
        Assert.StartsWith("apikey:", submit.GetProperty("changedById").GetString());
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
        Assert.Equal("Draft", problem.GetProperty("current").GetProperty("state").GetString());
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
