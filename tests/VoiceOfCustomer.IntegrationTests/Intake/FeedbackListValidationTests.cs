using System.Net;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class FeedbackListValidationTests : IntakeApiTestBase
{
    [Theory]
    [InlineData("status=Closed", "status")]
    [InlineData("status=3", "status")]
    [InlineData("status=New,Attributed", "status")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=MTIzNA", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("customerId=abc", "customerId")]
    [InlineData("from=not-a-date", "from")]
    [InlineData("from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", "from")]
    public async Task Invalid_list_parameter_is_400_naming_the_parameter(string query, string parameter)
    {
        await AssertFieldErrorAsync(await Client.GetAsync("/api/feedback?" + query), parameter);
    }

    [Fact]
    public async Task Limit_defaults_to_50_and_accepts_200()
    {
        var items = Enumerable.Range(0, 60).Select(i => new { channel = "survey", externalId = $"L-{i}", customer = "C", verbatim = $"v{i}" });
        await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(Client, "/api/feedback/batch", new { items });

        var defaultPage = await ReadJsonAsync(await Client.GetAsync("/api/feedback"));
        Assert.Equal(50, defaultPage.GetProperty("items").GetArrayLength());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, defaultPage.GetProperty("nextCursor").ValueKind);

        var bigPage = await Client.GetAsync("/api/feedback?limit=200");
        Assert.Equal(HttpStatusCode.OK, bigPage.StatusCode);
        Assert.Equal(60, (await ReadJsonAsync(bigPage)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_channel_filter_returns_an_empty_page()
    {
        var page = await ReadJsonAsync(await Client.GetAsync("/api/feedback?channel=nope"));
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }
}
