using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Web.Features.Intake;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class WebhookTests : IntakeApiTestBase
{
    private const string Secret = "s3cret-for-tests";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Intake:Webhooks:Sources:testdesk:Channel"] = "support",
        ["Intake:Webhooks:Sources:testdesk:Fields:externalId"] = "ticket.id",
        ["Intake:Webhooks:Sources:testdesk:Fields:customer"] = "ticket.org.ref",
        ["Intake:Webhooks:Sources:testdesk:Fields:verbatim"] = "ticket.comments.0.body",
        ["Intake:Webhooks:Sources:testdesk:Fields:receivedAt"] = "ticket.created_at",
        ["Intake:Webhooks:Sources:testdesk:Fields:contact.name"] = "ticket.requester.name?",
        ["Intake:Webhooks:Sources:testdesk:Fields:contact.email"] = "ticket.requester.email?",
        ["Intake:Webhooks:Sources:testdesk:Metadata:0"] = "ticket.priority",
        ["Intake:Webhooks:Sources:testdesk:Metadata:1"] = "ticket.tags",
        ["Intake:Webhooks:Sources:testdesk:Metadata:2"] = "ticket.not_there",
        ["Intake:Webhooks:Sources:signed:Channel"] = "community",
        ["Intake:Webhooks:Sources:signed:Secret"] = Secret,
        ["Intake:Webhooks:Sources:signed:Fields:externalId"] = "data.id",
        ["Intake:Webhooks:Sources:signed:Fields:customer"] = "data.attributes.account",
        ["Intake:Webhooks:Sources:signed:Fields:verbatim"] = "data.attributes.body",
    };

    private static string TicketJson(object? id = null, string? body = "Search is too slow since the upgrade.", string createdAt = "2024-05-01T08:30:00Z") =>
        JsonSerializer.Serialize(new
        {
            ticket = new
            {
                id = id ?? 4711,
                org = new { @ref = "ACME-001" },
                created_at = createdAt,
                priority = "urgent",
                tags = new[] { "search", "performance" },
                requester = new { name = "Bo Chen", email = "bo@acme.example" },
                comments = body is null ? Array.Empty<object>() : [new { body }],
            },
        });

    private Task<HttpResponseMessage> DeliverAsync(string source, string json, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{source}") { Content = Json(json) };
        if (signature is not null)
            request.Headers.Add(WebhooksController.SignatureHeader, signature);
        return Client.SendAsync(request);
    }

    [Fact]
    public async Task Mapped_payload_is_stored_with_fields_contact_and_metadata()
    {
        var response = await DeliverAsync("testdesk", TicketJson());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var detail = await ReadJsonAsync(await Client.GetAsync(response.Headers.Location));
        Assert.Equal("support", detail.GetProperty("channel").GetString());
        Assert.Equal("4711", detail.GetProperty("externalId").GetString());
        Assert.Equal("Search is too slow since the upgrade.", detail.GetProperty("verbatim").GetString());
        Assert.Equal(new DateTime(2024, 5, 1, 8, 30, 0, DateTimeKind.Utc), detail.GetProperty("receivedAt").GetDateTime().ToUniversalTime());
        Assert.Equal("ACME-001", detail.GetProperty("customer").GetProperty("reference").GetString());
        Assert.Equal("bo@acme.example", detail.GetProperty("contact").GetProperty("email").GetString());
        var metadata = detail.GetProperty("metadata");
        Assert.Equal("urgent", metadata.GetProperty("ticket.priority").GetString());
        Assert.Equal(2, metadata.GetProperty("ticket.tags").GetArrayLength());
        Assert.False(metadata.TryGetProperty("ticket.not_there", out _));
    }

    [Fact]
    public async Task Redelivered_webhook_returns_200_with_the_same_id()
    {
        var first = await DeliverAsync("testdesk", TicketJson());
        var again = await DeliverAsync("testdesk", TicketJson());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await ReadJsonAsync(first)).GetProperty("id").GetInt64(), (await ReadJsonAsync(again)).GetProperty("id").GetInt64());
        Assert.Equal(1, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Source_names_match_case_insensitively()
    {
        var response = await DeliverAsync("TestDesk", TicketJson());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_source_is_404_problem()
    {
        var problem = await AssertProblemAsync(await DeliverAsync("nosuchdesk", TicketJson()), HttpStatusCode.NotFound);
        Assert.Contains("nosuchdesk", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Missing_mapped_path_is_400_naming_the_field_and_the_path()
    {
        var problem = await AssertFieldErrorAsync(await DeliverAsync("testdesk", TicketJson(body: null)), "verbatim");

        Assert.Contains("ticket.comments.0.body", problem.GetProperty("errors").GetProperty("verbatim")[0].GetString());
        Assert.Equal(0, await FeedbackCountAsync());
        Assert.Equal(0, await CustomerCountAsync());
    }

    [Fact]
    public async Task Missing_optional_path_is_fine()
    {
        var json = """{ "ticket": { "id": "A-1", "org": { "ref": "ACME-001" }, "created_at": "2024-05-01T08:30:00Z", "comments": [ { "body": "hi" } ] } }""";

        var response = await DeliverAsync("testdesk", json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(0, await ContactCountAsync());
    }

    [Fact]
    public async Task Object_where_text_is_expected_is_400_naming_the_field()
    {
        var json = """{ "ticket": { "id": { "nested": 1 }, "org": { "ref": "ACME-001" }, "created_at": "2024-05-01T08:30:00Z", "comments": [ { "body": "hi" } ] } }""";
        await AssertFieldErrorAsync(await DeliverAsync("testdesk", json), "externalId");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Unparseable_date_is_400_naming_receivedAt()
    {
        await AssertFieldErrorAsync(await DeliverAsync("testdesk", TicketJson(createdAt: "last tuesday")), "receivedAt");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Mapped_values_are_validated_like_the_api()
    {
        var future = DateTimeOffset.UtcNow.AddHours(2).ToString("O");
        await AssertFieldErrorAsync(await DeliverAsync("testdesk", TicketJson(createdAt: future)), "receivedAt");
        await AssertFieldErrorAsync(await DeliverAsync("testdesk", TicketJson(body: "   ")), "verbatim");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Malformed_webhook_json_is_400_naming_the_body()
    {
        await AssertFieldErrorAsync(await DeliverAsync("testdesk", "{ \"ticket\": "), "body");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Webhook_body_over_1_MB_is_413_problem()
    {
        await AssertProblemAsync(await DeliverAsync("testdesk", TicketJson(body: new string('x', 1024 * 1024 + 1))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Signed_source_accepts_a_correct_signature()
    {
        var json = """{ "data": { "id": "evt-1", "attributes": { "account": "GLOBEX", "body": "Love the new dashboard." } } }""";

        var response = await DeliverAsync("signed", json, WebhooksController.Sign(Encoding.UTF8.GetBytes(json), Secret));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("community", (await ReadJsonAsync(response)).GetProperty("channel").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=00")]
    [InlineData("sha256=zz-not-hex")]
    [InlineData("md5=abc")]
    public async Task Signed_source_rejects_missing_or_wrong_signature_with_401(string? signature)
    {
        var json = """{ "data": { "id": "evt-1", "attributes": { "account": "GLOBEX", "body": "Love it." } } }""";

        await AssertProblemAsync(await DeliverAsync("signed", json, signature), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Signature_of_a_different_body_is_rejected()
    {
        var json = """{ "data": { "id": "evt-1", "attributes": { "account": "GLOBEX", "body": "Love it." } } }""";
        var signature = WebhooksController.Sign(Encoding.UTF8.GetBytes(json.Replace("Love", "Hate")), Secret);

        await AssertProblemAsync(await DeliverAsync("signed", json, signature), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Webhook_needs_an_api_key_with_intake_scope()
    {
        using var anonymous = App.CreateClient();
        await AssertProblemAsync(await anonymous.PostAsync("/api/webhooks/testdesk", Json(TicketJson())), HttpStatusCode.Unauthorized);

        using var reader = App.CreateApiClient(await App.CreateApiKeyAsync("read"));
        await AssertProblemAsync(await reader.PostAsync("/api/webhooks/testdesk", Json(TicketJson())), HttpStatusCode.Forbidden);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Numeric_unix_time_is_accepted_for_receivedAt()
    {
        var json = """{ "ticket": { "id": 9, "org": { "ref": "ACME-001" }, "created_at": 1714552200, "comments": [ { "body": "hi" } ] } }""";

        var response = await DeliverAsync("testdesk", json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await App.WithDbAsync(db => db.FeedbackItems.Select(f => f.ReceivedAt).SingleAsync());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1714552200).UtcDateTime, stored);
    }
}
