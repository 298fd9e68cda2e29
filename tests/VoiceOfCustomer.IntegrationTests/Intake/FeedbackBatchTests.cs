using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class FeedbackBatchTests : IntakeApiTestBase
{
    [Fact]
    public async Task Batch_with_mixed_items_stores_the_good_ones_and_names_each_bad_one()
    {
        await PostAsync(Valid("B-EXISTING"));
        var json = $$"""
        { "items": [
            {{JsonSerializer.Serialize(Valid("B-1"), JsonSerializerOptions.Web)}},
            { "channel": "support", "externalId": "B-2", "customer": "ACME-001", "verbatim": "" },
            { "channel": "fax", "externalId": "B-3", "customer": "ACME-001", "verbatim": "hello" },
            {{JsonSerializer.Serialize(Valid("B-EXISTING"), JsonSerializerOptions.Web)}},
            { "channel": "support", "externalId": "B-5", "customer": "ACME-001", "verbatim": 42 },
            "not an object",
            { "channel": "survey", "externalId": "B-7", "customer": "NEWCO", "verbatim": "Second good one" }
        ] }
        """;

        var response = await Client.PostAsync("/api/feedback/batch", Json(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.Equal(2, body.GetProperty("created").GetInt32());
        Assert.Equal(1, body.GetProperty("exists").GetInt32());
        Assert.Equal(4, body.GetProperty("invalid").GetInt32());
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 7), items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal(["created", "invalid", "invalid", "exists", "invalid", "invalid", "created"], items.Select(i => i.GetProperty("status").GetString()));
        Assert.True(items[0].GetProperty("id").GetInt64() > 0);
        Assert.True(items[1].GetProperty("errors").TryGetProperty("verbatim", out _));
        Assert.True(items[2].GetProperty("errors").TryGetProperty("channel", out _));
        Assert.True(items[4].GetProperty("errors").TryGetProperty("verbatim", out _));
        Assert.True(items[5].GetProperty("errors").TryGetProperty("item", out _));
        Assert.False(items[1].TryGetProperty("id", out _));

        Assert.Equal(3, await FeedbackCountAsync());
        Assert.Equal(["B-1", "B-7", "B-EXISTING"], await App.WithDbAsync(db => db.FeedbackItems.Select(f => f.ExternalId).OrderBy(x => x).ToListAsync()));
    }

    [Fact]
    public async Task Same_external_id_twice_in_one_batch_is_created_then_exists()
    {
        var response = await Client.PostAsJsonAsync("/api/feedback/batch", new { items = new[] { Valid("SAME"), Valid("SAME") } });
        var items = (await ReadJsonAsync(response)).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal("created", items[0].GetProperty("status").GetString());
        Assert.Equal("exists", items[1].GetProperty("status").GetString());
        Assert.Equal(items[0].GetProperty("id").GetInt64(), items[1].GetProperty("id").GetInt64());
        Assert.Equal(1, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Batch_of_more_than_1000_items_is_400_naming_items_and_stores_nothing()
    {
        var items = Enumerable.Range(0, 1001).Select(i => new { channel = "survey", externalId = $"M-{i}", customer = "C", verbatim = "v" });

        await AssertFieldErrorAsync(await Client.PostAsJsonAsync("/api/feedback/batch", new { items }), "items");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Batch_of_1000_items_larger_than_1_MB_is_accepted()
    {
        // About 1.3 MB: over the single-item limit, under the batch limit.
        var verbatim = new string('v', 1200);
        var items = Enumerable.Range(0, 1000).Select(i => new { channel = "survey", externalId = $"K-{i}", customer = "C", verbatim = verbatim + i });

        var response = await Client.PostAsJsonAsync("/api/feedback/batch", new { items });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, (await ReadJsonAsync(response)).GetProperty("created").GetInt32());
        Assert.Equal(1000, await FeedbackCountAsync());
    }

    [Theory]
    [InlineData("""{ "items": [] }""")]
    [InlineData("""{ }""")]
    [InlineData("""{ "items": null }""")]
    public async Task Batch_without_items_is_400_naming_items(string json)
    {
        await AssertFieldErrorAsync(await Client.PostAsync("/api/feedback/batch", Json(json)), "items");
    }

    [Fact]
    public async Task Batch_whose_items_is_not_an_array_is_400_naming_items()
    {
        await AssertFieldErrorAsync(await Client.PostAsync("/api/feedback/batch", Json("""{ "items": "lots" }""")), "items");
    }

    [Fact]
    public async Task Malformed_batch_json_is_400_and_stores_nothing()
    {
        var response = await Client.PostAsync("/api/feedback/batch", Json("""{ "items": [ { "channel": "support" """));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Batch_body_over_16_MB_is_413_problem()
    {
        var response = await Client.PostAsync("/api/feedback/batch",
            new StringContent("{\"items\":[\"" + new string('x', 16 * 1024 * 1024) + "\"]}", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Batch_needs_the_intake_scope()
    {
        using var client = App.CreateApiClient(await App.CreateApiKeyAsync("read"));
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/feedback/batch", new { items = new[] { Valid() } }), HttpStatusCode.Forbidden);
        Assert.Equal(0, await FeedbackCountAsync());
    }
}
