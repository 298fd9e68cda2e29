using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>Validation and status rules of the coding API (SQLite; the database-sensitive ones also run on PostgreSQL in <see cref="CodingKeyTests"/>).</summary>
public sealed class AttributionApiTests : CodingApiTestBase
{
    [Theory]
    [InlineData("impact", "impact.metricId")]
    [InlineData("impact.direction", "impact.direction")]
    [InlineData("impact.magnitude", "impact.magnitude")]
    [InlineData("rootCause.capabilityGapId", "rootCause.capabilityGapId")]
    [InlineData("rootCause.hypothesis", "rootCause.hypothesis")]
    [InlineData("owningDomainId", "owningDomainId")]
    [InlineData("valueDimension", "valueDimension")]
    [InlineData("voiceRole", "voiceRole")]
    public async Task Submit_without_a_layer_names_it_and_leaves_the_record_unchanged(string remove, string field)
    {
        var id = await NewItemAsync();
        await OkJsonAsync(await SaveAsync(id, Complete(version: 0, submit: false)));
        var body = Complete(version: 1);
        var parts = remove.Split('.');
        if (parts.Length == 1)
            body.Remove(parts[0]);
        else
            ((Dictionary<string, object?>)body[parts[0]]!).Remove(parts[1]);

        await FieldErrorAsync(await SaveAsync(id, body), field);
        Assert.Equal(1, await VersionAsync(id));
        Assert.Equal(FeedbackStatus.InProgress, await StatusAsync(id));
    }

    [Theory]
    [InlineData("impact.metricId")]
    [InlineData("rootCause.capabilityGapId")]
    [InlineData("owningDomainId")]
    [InlineData("tags")]
    public async Task Unknown_ids_are_refused(string field)
    {
        var id = await NewItemAsync();
        var body = Complete();
        switch (field)
        {
            case "impact.metricId": ((Dictionary<string, object?>)body["impact"]!)["metricId"] = 99999; break;
            case "rootCause.capabilityGapId": ((Dictionary<string, object?>)body["rootCause"]!)["capabilityGapId"] = 99999; break;
            case "owningDomainId": body["owningDomainId"] = 99999; break;
            default: body["tags"] = new[] { TagId, 99999 }; break;
        }
        Assert.Contains("99999", await FieldErrorAsync(await SaveAsync(id, body), field));
        Assert.Null(await VersionAsync(id));
    }

    [Fact]
    public async Task Archived_metric_is_refused()
    {
        await App.WithDbAsync(async db => await db.BusinessMetrics.Where(m => m.Id == MetricId).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsArchived, true)));
        var id = await NewItemAsync();
        Assert.Contains("archived", await FieldErrorAsync(await SaveAsync(id, Complete()), "impact.metricId"));
    }

    [Fact]
    public async Task Metric_and_no_impact_together_are_refused_and_no_impact_alone_is_accepted()
    {
        var id = await NewItemAsync();
        var both = Complete();
        ((Dictionary<string, object?>)both["impact"]!)["noImpactReason"] = "Cosmetic.";
        await FieldErrorAsync(await SaveAsync(id, both), "impact.noImpactReason");

        var noImpact = Complete();
        noImpact["impact"] = new { noImpactReason = "Cosmetic wording; nothing measurable moves." };
        var saved = await OkJsonAsync(await SaveAsync(id, noImpact));
        Assert.Equal("Cosmetic wording; nothing measurable moves.", saved.GetProperty("noImpactReason").GetString());
        Assert.False(saved.TryGetProperty("metricId", out _));
    }

    [Fact]
    public async Task Non_numeric_magnitude_is_a_400_naming_the_field_in_json_terms()
    {
        var id = await NewItemAsync();
        var message = await FieldErrorAsync(await SaveRawAsync(id, """{"impact":{"metricId":1,"magnitude":"a lot"},"version":0}"""), "impact.magnitude");
        Assert.Contains("a number", message);
        Assert.DoesNotContain("System.", message);
    }

    [Fact]
    public async Task Invalid_enum_text_and_missing_body_are_400()
    {
        var id = await NewItemAsync();
        await FieldErrorAsync(await SaveAsync(id, new { valueDimension = "anger", version = 0 }), "valueDimension");
        await FieldErrorAsync(await SaveRawAsync(id, "null"), "body");
    }

    [Fact]
    public async Task Unknown_item_is_404()
    {
        var problem = await ProblemAsync(await SaveAsync(424242, Complete()), HttpStatusCode.NotFound);
        Assert.Contains("424242", problem.GetProperty("detail").GetString());
        await ProblemAsync(await Client.GetAsync("/api/feedback/424242/audit"), HttpStatusCode.NotFound);
        await ProblemAsync(await Client.PostAsync("/api/feedback/424242/reopen", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Proposing_a_new_gap_creates_a_proposed_capability_gap()
    {
        var id = await NewItemAsync();
        var body = Complete();
        body["rootCause"] = new { newGap = new { title = "No promotion-aware safety stock", description = "Safety stock ignores promotions." }, hypothesis = "Promotions drain stock." };
        var saved = await OkJsonAsync(await SaveAsync(id, body));
        var gapId = saved.GetProperty("capabilityGapId").GetInt32();
        var gap = await App.WithDbAsync(db => db.CapabilityGaps.SingleAsync(g => g.Id == gapId));
        Assert.Equal(CapabilityGapStatus.Proposed, gap.Status);
        Assert.Equal("No promotion-aware safety stock", gap.Name);
        Assert.StartsWith("apikey:", gap.ProposedById);

        // Both an existing gap and a new one is ambiguous.
        var other = await NewItemAsync("T-2");
        body["rootCause"] = new { capabilityGapId = GapId, newGap = new { title = "Another" }, hypothesis = "x" };
        await FieldErrorAsync(await SaveAsync(other, body), "rootCause.newGap.title");
    }

    [Fact]
    public async Task Awaiting_customer_then_reopen_then_submit()
    {
        var id = await NewItemAsync();
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = " " }), "note");

        var waiting = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Asked which stores are affected." }));
        Assert.Equal("awaiting-customer", waiting.GetProperty("status").GetString());
        Assert.Equal("Asked which stores are affected.", waiting.GetProperty("awaitingCustomerNote").GetString());
        // Waiting twice is refused: only open items can wait.
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Again" }), "status");

        var reopened = await OkJsonAsync(await Client.PostAsync($"/api/feedback/{id}/reopen", null));
        Assert.Equal("new", reopened.GetProperty("status").GetString());
        await FieldErrorAsync(await Client.PostAsync($"/api/feedback/{id}/reopen", null), "status");

        await OkJsonAsync(await SaveAsync(id, Complete()));
        // A submitted coding is read-only: changing it is refused until the item is re-opened, and that needs a reason.
        await FieldErrorAsync(await SaveAsync(id, Complete(version: 1)), "status");
        await FieldErrorAsync(await Client.PostAsync($"/api/feedback/{id}/reopen", null), "reason");
        var reopenedAgain = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/reopen", new { reason = "The customer sent the store list." }));
        Assert.Equal("in-progress", reopenedAgain.GetProperty("status").GetString());
        Assert.Equal("draft", reopenedAgain.GetProperty("attribution").GetProperty("state").GetString());
        var audit = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}/audit"));
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "reopen"
            && e.GetProperty("after").GetProperty("reason").GetString() == "The customer sent the store list.");
        Assert.Equal(2, await App.WithDbAsync(db => db.DomainEvents.CountAsync(e => e.FeedbackItemId == id && e.Type == DomainEventTypes.Reopened && e.ActorId!.StartsWith("apikey:"))));
    }

    [Fact]
    public async Task Merge_refuses_self_and_collapses_chains()
    {
        var (a, b, c) = (await NewItemAsync("A"), await NewItemAsync("B"), await NewItemAsync("C"));
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{a}/merge", new { duplicateOf = a }), "duplicateOf");
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{a}/merge", new { }), "duplicateOf");
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{a}/merge", new { duplicateOf = 999999 }), "duplicateOf");

        var merged = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{b}/merge", new { duplicateOf = a }));
        Assert.Equal("duplicate", merged.GetProperty("status").GetString());
        Assert.Equal(a, merged.GetProperty("duplicateOfId").GetInt64());

        // C duplicates B, which is a duplicate of A: C points at A, so no chain forms.
        var chained = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{c}/merge", new { duplicateOf = b }));
        Assert.Equal(a, chained.GetProperty("duplicateOfId").GetInt64());
        // A cannot become a duplicate of its own duplicate.
        await FieldErrorAsync(await Client.PostAsJsonAsync($"/api/feedback/{a}/merge", new { duplicateOf = b }), "duplicateOf");
        // A merged item is not coded until re-opened.
        await FieldErrorAsync(await SaveAsync(b, Complete()), "status");
    }

    [Fact]
    public async Task Key_without_coding_scope_is_403_and_read_key_gets_the_taxonomy()
    {
        var id = await NewItemAsync();
        using var reader = App.CreateApiClient(await App.CreateApiKeyAsync("read"));
        await ProblemAsync(await reader.PostAsJsonAsync($"/api/feedback/{id}/attribution", Complete()), HttpStatusCode.Forbidden);
        await ProblemAsync(await reader.PostAsync($"/api/feedback/{id}/reopen", null), HttpStatusCode.Forbidden);
        Assert.Null(await VersionAsync(id));

        var taxonomy = await OkJsonAsync(await reader.GetAsync("/api/taxonomy"));
        var metric = taxonomy.GetProperty("metrics").EnumerateArray().First(m => m.GetProperty("id").GetInt32() == MetricId);
        Assert.False(string.IsNullOrEmpty(metric.GetProperty("key").GetString()));
        Assert.True(metric.TryGetProperty("polarity", out _));
        Assert.NotEmpty(taxonomy.GetProperty("capabilityGaps").EnumerateArray());
        Assert.True(taxonomy.GetProperty("domains")[0].TryGetProperty("ownerEmail", out _));
        Assert.NotEmpty(taxonomy.GetProperty("tags").EnumerateArray());

        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/taxonomy")).StatusCode);
    }

    [Fact]
    public async Task Signed_in_csm_codes_with_the_session_cookie_and_is_the_actor()
    {
        var id = await NewItemAsync();
        using var csm = await WebTestSupport.SignedInApiClientAsync(App, Roles.Csm);
        await OkJsonAsync(await csm.PostAsJsonAsync($"/api/feedback/{id}/attribution", Complete()));

        var userIds = await App.WithDbAsync(db => db.Users.Select(u => u.Id).ToListAsync());
        var audit = await OkJsonAsync(await csm.GetAsync($"/api/feedback/{id}/audit"));
        Assert.Contains(audit[0].GetProperty("changedById").GetString(), userIds);
        var mine = await OkJsonAsync(await csm.GetAsync("/api/coding/queue?owner=mine"));
        Assert.Equal(0, mine.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Taxonomy_hides_archived_entries_unless_asked()
    {
        await App.WithDbAsync(async db => await db.Tags.Where(t => t.Id == TagId).ExecuteUpdateAsync(s => s.SetProperty(t => t.IsArchived, true)));
        var current = await OkJsonAsync(await Client.GetAsync("/api/taxonomy"));
        Assert.DoesNotContain(current.GetProperty("tags").EnumerateArray(), t => t.GetProperty("id").GetInt32() == TagId);
        var all = await OkJsonAsync(await Client.GetAsync("/api/taxonomy?includeArchived=true"));
        Assert.Contains(all.GetProperty("tags").EnumerateArray(), t => t.GetProperty("id").GetInt32() == TagId && t.GetProperty("isArchived").GetBoolean());
    }

    [Fact]
    public async Task Queue_lists_open_items_soonest_deadline_first_and_pages()
    {
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await NewItemAsync($"Q-{i}"));
        await OkJsonAsync(await SaveAsync(ids[1], Complete())); // attributed: leaves the queue

        var first = await OkJsonAsync(await Client.GetAsync("/api/coding/queue?limit=1"));
        Assert.Single(first.GetProperty("items").EnumerateArray());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await OkJsonAsync(await Client.GetAsync($"/api/coding/queue?limit=1&cursor={Uri.EscapeDataString(cursor!)}"));
        var listed = new[] { first, second }.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal([ids[0], ids[2]], listed.Order().ToList());

        var support = await OkJsonAsync(await Client.GetAsync("/api/coding/queue?channel=support&owner=unassigned"));
        Assert.Equal(2, support.GetProperty("items").GetArrayLength());
        var none = await OkJsonAsync(await Client.GetAsync("/api/coding/queue?channel=survey"));
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        await FieldErrorAsync(await Client.GetAsync("/api/coding/queue?cursor=nonsense"), "cursor");
        await FieldErrorAsync(await Client.GetAsync("/api/coding/queue?owner=mine"), "owner");
    }
}
