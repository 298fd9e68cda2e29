using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace VoiceOfCustomer.IntegrationTests.Coding;

/// <summary>One spelling of enum values both ways (lower-case kebab), and the answers docs/api.md promises.</summary>
public sealed class ApiContractTests : CodingApiTestBase
{
    [Fact]
    public async Task Enum_values_are_kebab_case_in_every_answer_and_pascal_case_input_still_works()
    {
        var id = await NewItemAsync();
        var detail = await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}"));
        Assert.Equal("new", detail.GetProperty("status").GetString());
        Assert.Equal("support-ticket", detail.GetProperty("touchpoint").GetString());
        Assert.Equal("active", detail.GetProperty("customer").GetProperty("lifecycleStage").GetString());

        var body = Complete(submit: false);
        ((Dictionary<string, object?>)body["impact"]!)["direction"] = "Down";
        body["valueDimension"] = "Pain";
        body["voiceRole"] = "User";
        var saved = await OkJsonAsync(await SaveAsync(id, body));
        Assert.Equal("down", saved.GetProperty("direction").GetString());
        Assert.Equal("pain", saved.GetProperty("valueDimension").GetString());
        Assert.Equal("user", saved.GetProperty("voiceRole").GetString());
        Assert.Equal("draft", saved.GetProperty("state").GetString());

        var waiting = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Asked which stores." }));
        Assert.Equal("awaiting-customer", waiting.GetProperty("status").GetString());
        foreach (var status in new[] { "awaiting-customer", "AwaitingCustomer", "AWAITING-CUSTOMER" })
        {
            var page = await OkJsonAsync(await Client.GetAsync($"/api/feedback?status={status}"));
            Assert.Equal(id, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt64());
            Assert.Equal("awaiting-customer", page.GetProperty("items")[0].GetProperty("status").GetString());
        }
        var queue = await OkJsonAsync(await Client.GetAsync("/api/coding/queue"));
        Assert.Equal("awaiting-customer", queue.GetProperty("items")[0].GetProperty("status").GetString());

        var taxonomy = await OkJsonAsync(await Client.GetAsync("/api/taxonomy"));
        Assert.All(taxonomy.GetProperty("metrics").EnumerateArray(), m => Assert.Contains(m.GetProperty("polarity").GetString(), new[] { "higher-is-better", "lower-is-better" }));
        Assert.All(taxonomy.GetProperty("capabilityGaps").EnumerateArray(), g => Assert.Contains(g.GetProperty("status").GetString(), new[] { "accepted", "proposed" }));
    }

    [Fact]
    public async Task Numbers_are_not_enum_values()
    {
        var id = await NewItemAsync();
        Assert.Contains("up", await FieldErrorAsync(await SaveAsync(id, new { impact = new { direction = "1" }, version = 0 }), "impact.direction"));
        await FieldErrorAsync(await Client.GetAsync("/api/feedback?status=1"), "status");
    }

    [Fact]
    public async Task Uncoded_item_has_attribution_version_0_and_state_none()
    {
        var id = await NewItemAsync();

        var attribution = (await OkJsonAsync(await Client.GetAsync($"/api/feedback/{id}"))).GetProperty("attribution");
        Assert.Equal(0, attribution.GetProperty("version").GetInt32());
        Assert.Equal("none", attribution.GetProperty("state").GetString());
        Assert.False(attribution.TryGetProperty("updatedAt", out _));

        // A save with a version nobody wrote shows the same "current" coding.
        var conflict = await ProblemAsync(await SaveAsync(id, Complete(version: 3)), HttpStatusCode.Conflict);
        Assert.Equal("none", conflict.GetProperty("current").GetProperty("state").GetString());
        Assert.Equal(0, conflict.GetProperty("currentVersion").GetInt32());
        var waiting = await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{id}/awaiting-customer", new { note = "Asked." }));
        Assert.Equal("none", waiting.GetProperty("attribution").GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(0)] // the version the caller read before the merge
    [InlineData(1)]
    [InlineData(7)] // a version nobody wrote
    public async Task Coding_a_merged_item_is_400_naming_status_whatever_the_version(int version)
    {
        var (survivor, duplicate) = (await NewItemAsync("S"), await NewItemAsync("D"));
        await OkJsonAsync(await SaveAsync(duplicate, Complete(version: 0, submit: false)));
        await OkJsonAsync(await Client.PostAsJsonAsync($"/api/feedback/{duplicate}/merge", new { duplicateOf = survivor }));

        var message = await FieldErrorAsync(await SaveAsync(duplicate, Complete(version)), "status");

        Assert.Contains($"#{survivor}", message);
        Assert.Equal(1, await VersionAsync(duplicate));
    }
}
