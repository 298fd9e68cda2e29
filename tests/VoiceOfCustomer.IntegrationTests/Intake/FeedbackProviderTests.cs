using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>Create, idempotency and keyset paging: the paths whose SQL differs between providers, run on each.</summary>
public abstract class FeedbackProviderTests : IntakeApiTestBase
{
    [Fact]
    public async Task Create_stores_the_item_and_detail_reads_it_back()
    {
        var response = await PostAsync(Valid("P-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await ReadJsonAsync(response)).GetProperty("id").GetInt64();

        var detail = await ReadJsonAsync(await Client.GetAsync($"/api/feedback/{id}"));
        Assert.Equal(id, detail.GetProperty("id").GetInt64());
        Assert.Equal("Export to Excel times out on large reports.", detail.GetProperty("verbatim").GetString());
        Assert.Equal("high", detail.GetProperty("metadata").GetProperty("priority").GetString());
        Assert.Equal(1, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Same_channel_and_external_id_returns_200_with_same_id()
    {
        var first = await PostAsync(Valid("DUP-1"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await ReadJsonAsync(first)).GetProperty("id").GetInt64();
        var counts = (await FeedbackCountAsync(), await CustomerCountAsync(), await ContactCountAsync());

        // Even with a different verbatim, the stored item is not changed.
        var second = await PostAsync(Valid("DUP-1", verbatim: "Something else entirely."));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Null(second.Headers.Location);
        Assert.Equal(firstId, (await ReadJsonAsync(second)).GetProperty("id").GetInt64());
        Assert.Equal(counts, (await FeedbackCountAsync(), await CustomerCountAsync(), await ContactCountAsync()));
        Assert.Equal("Export to Excel times out on large reports.", await App.WithDbAsync(db => db.FeedbackItems.Select(f => f.Verbatim).SingleAsync()));
    }

    [Fact]
    public async Task Same_external_id_on_another_channel_is_a_new_item()
    {
        var first = await PostAsync(Valid("X-1"));
        var body = ValidNode("X-1");
        body["channel"] = "community";
        var second = await PostAsync(body);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(2, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Concurrent_duplicate_posts_store_one_row()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => PostAsync(Valid("RACE-1"))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"Got {(int)r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var ids = await Task.WhenAll(responses.Select(async r => (await ReadJsonAsync(r)).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await FeedbackCountAsync());
        Assert.Equal(1, await CustomerCountAsync());
        // The losers' unique-key conflicts are expected: nothing for anyone to look at.
        App.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Concurrent_posts_for_one_new_customer_create_one_prospect_and_every_item()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PostAsync(Valid($"NEWCUST-{i}"))));

        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Created, $"Got {(int)r.StatusCode}: {r.Content.ReadAsStringAsync().Result}"));
        Assert.Equal(10, await FeedbackCountAsync());
        Assert.Equal(1, await CustomerCountAsync());
        Assert.Equal(1, await ContactCountAsync());
        App.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Keyset_paging_walks_all_items_without_duplicates()
    {
        // Several items share a receivedAt, so the id tie-break is exercised across page borders.
        var baseTime = DateTimeOffset.UtcNow.AddDays(-1);
        var batch = Enumerable.Range(0, 23).Select(i => new
        {
            channel = i % 2 == 0 ? "support" : "survey",
            externalId = $"PAGE-{i}",
            customer = "PAGING-CO",
            verbatim = $"Voice number {i}",
            receivedAt = baseTime.AddMinutes(-(i / 4)),
        }).ToList();
        var created = await Client.PostAsJsonAsync("/api/feedback/batch", new { items = batch });
        Assert.Equal(23, (await ReadJsonAsync(created)).GetProperty("created").GetInt32());

        var seen = new List<(long Id, DateTime ReceivedAt)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/api/feedback?limit=5" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await ReadJsonAsync(await Client.GetAsync(url));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 5);
            seen.AddRange(items.Select(i => (i.GetProperty("id").GetInt64(), i.GetProperty("receivedAt").GetDateTime())));
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
        } while (cursor is not null && pages < 20);

        Assert.Equal(5, pages);
        Assert.Equal(23, seen.Count);
        Assert.Equal(23, seen.Select(s => s.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(s => s.ReceivedAt).ThenByDescending(s => s.Id), seen);
    }

    [Fact]
    public async Task List_filters_by_channel_status_language_and_customer()
    {
        await PostAsync(Valid("F-1"));
        var chinese = ValidNode("F-2");
        chinese["channel"] = "community";
        chinese["language"] = "zh";
        chinese["verbatim"] = "报表导出太慢";
        await PostAsync(chinese);

        var byChannel = await ReadJsonAsync(await Client.GetAsync("/api/feedback?channel=community"));
        Assert.Equal("F-2", Assert.Single(byChannel.GetProperty("items").EnumerateArray()).GetProperty("externalId").GetString());

        var byLanguage = await ReadJsonAsync(await Client.GetAsync("/api/feedback?language=en"));
        Assert.Equal("F-1", Assert.Single(byLanguage.GetProperty("items").EnumerateArray()).GetProperty("externalId").GetString());

        var bySearch = await ReadJsonAsync(await Client.GetAsync("/api/feedback?q=" + Uri.EscapeDataString("导出")));
        Assert.Equal("F-2", Assert.Single(bySearch.GetProperty("items").EnumerateArray()).GetProperty("externalId").GetString());

        var byStatus = await ReadJsonAsync(await Client.GetAsync("/api/feedback?status=new"));
        Assert.Equal(2, byStatus.GetProperty("items").GetArrayLength());
        var attributed = await ReadJsonAsync(await Client.GetAsync("/api/feedback?status=Attributed"));
        Assert.Equal(0, attributed.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, attributed.GetProperty("nextCursor").ValueKind);

        var customerId = await App.WithDbAsync(db => db.Customers.Select(c => c.Id).SingleAsync());
        var byCustomer = await ReadJsonAsync(await Client.GetAsync($"/api/feedback?customerId={customerId}"));
        Assert.Equal(2, byCustomer.GetProperty("items").GetArrayLength());
        var otherCustomer = await ReadJsonAsync(await Client.GetAsync($"/api/feedback?customerId={customerId + 100}"));
        Assert.Equal(0, otherCustomer.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_filters_by_received_range()
    {
        var old = ValidNode("OLD");
        old["receivedAt"] = "2024-01-10T12:00:00Z";
        await PostAsync(old);
        await PostAsync(Valid("NEW"));

        var page = await ReadJsonAsync(await Client.GetAsync("/api/feedback?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z"));
        Assert.Equal("OLD", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("externalId").GetString());
    }
}

public sealed class FeedbackProviderSqliteTests : FeedbackProviderTests;

public sealed class FeedbackProviderPostgresTests : FeedbackProviderTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class FeedbackProviderSqlServerTests : FeedbackProviderTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
