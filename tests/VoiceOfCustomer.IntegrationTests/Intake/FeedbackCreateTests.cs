using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class FeedbackCreateTests : IntakeApiTestBase
{
    [Fact]
    public async Task Created_item_answers_201_with_summary_and_location()
    {
        var response = await PostAsync(Valid("T-100"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadJsonAsync(response);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal("new", body.GetProperty("status").GetString());
        Assert.Equal("support", body.GetProperty("channel").GetString());
        Assert.Equal("T-100", body.GetProperty("externalId").GetString());
        Assert.True(body.TryGetProperty("receivedAt", out _));
        // A path, as docs/api.md shows it.
        Assert.Equal($"/api/feedback/{id}", response.Headers.Location?.OriginalString);

        var detail = await Client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
    }

    [Fact]
    public async Task Unknown_customer_becomes_a_prospect_with_the_contact()
    {
        var response = await PostAsync(Valid());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var customer = await App.WithDbAsync(db => db.Customers.Include(c => c.Contacts).SingleAsync());
        Assert.Equal("ACME-001", customer.Reference);
        Assert.Equal(LifecycleStage.Prospect, customer.LifecycleStage);
        var contact = Assert.Single(customer.Contacts);
        Assert.Equal("ann@acme.example", contact.Email);
        Assert.Equal(ContactRole.Buyer, contact.Role);
    }

    [Fact]
    public async Task Missing_verbatim_is_400_naming_verbatim_and_stores_nothing()
    {
        var body = ValidNode();
        body.Remove("verbatim");

        await AssertFieldErrorAsync(await PostAsync(body), "verbatim");
        Assert.Equal(0, await FeedbackCountAsync());
        Assert.Equal(0, await CustomerCountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public async Task Empty_verbatim_is_400_naming_verbatim(string verbatim)
    {
        await AssertFieldErrorAsync(await PostAsync(Valid(verbatim: verbatim)), "verbatim");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Verbatim_over_20000_characters_is_400_naming_verbatim()
    {
        await AssertFieldErrorAsync(await PostAsync(Valid(verbatim: new string('x', 20_001))), "verbatim");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Verbatim_of_exactly_20000_characters_is_accepted()
    {
        var response = await PostAsync(Valid(verbatim: new string('x', 20_000)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_channel_is_400_naming_channel()
    {
        var body = ValidNode();
        body["channel"] = "fax";

        var problem = await AssertFieldErrorAsync(await PostAsync(body), "channel");
        Assert.Contains("fax", problem.GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.Equal(0, await FeedbackCountAsync());
        Assert.Equal(0, await CustomerCountAsync());
    }

    [Fact]
    public async Task Missing_channel_is_400_naming_channel()
    {
        var body = ValidNode();
        body.Remove("channel");
        await AssertFieldErrorAsync(await PostAsync(body), "channel");
    }

    [Fact]
    public async Task Received_at_more_than_5_minutes_in_the_future_is_400_naming_receivedAt()
    {
        var body = ValidNode();
        body["receivedAt"] = DateTimeOffset.UtcNow.AddMinutes(10);

        await AssertFieldErrorAsync(await PostAsync(body), "receivedAt");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Received_at_within_the_5_minute_clock_skew_is_accepted()
    {
        var body = ValidNode();
        body["receivedAt"] = DateTimeOffset.UtcNow.AddMinutes(3);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(body)).StatusCode);
    }

    [Fact]
    public async Task Received_at_that_is_not_a_date_is_400_naming_receivedAt()
    {
        var body = ValidNode();
        body["receivedAt"] = "yesterday-ish";
        await AssertFieldErrorAsync(await PostAsync(body), "receivedAt");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Metadata_over_16_KB_is_400_naming_metadata()
    {
        var body = ValidNode();
        body["metadata"] = new JsonObject { ["blob"] = new string('m', 17 * 1024) };

        await AssertFieldErrorAsync(await PostAsync(body), "metadata");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("[1,2,3]")]
    [InlineData("42")]
    public async Task Metadata_that_is_not_an_object_is_400_naming_metadata(string metadataJson)
    {
        var body = ValidNode();
        body["metadata"] = JsonNode.Parse(metadataJson);

        await AssertFieldErrorAsync(await PostAsync(body), "metadata");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Invalid_contact_email_is_400_naming_contact_email()
    {
        var body = ValidNode();
        body["contact"]!["email"] = "not-an-address";

        await AssertFieldErrorAsync(await PostAsync(body), "contact.email");
        Assert.Equal(0, await ContactCountAsync());
    }

    [Fact]
    public async Task Several_bad_fields_are_all_named_at_once()
    {
        var problem = await AssertFieldErrorAsync(await PostAsync(new { channel = "fax", verbatim = "" }), "verbatim");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("customer", out _));
        Assert.True(errors.TryGetProperty("channel", out _));
    }

    [Fact]
    public async Task Malformed_json_is_400_naming_the_body()
    {
        var response = await PostRawAsync("{\"channel\": \"support\", \"verbatim\": ");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var names = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList();
        // One error, at the place the JSON broke; not also MVC's "the parameter is required".
        Assert.Equal(["verbatim"], names);
        Assert.DoesNotContain("required", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Empty_body_is_400_naming_the_body()
    {
        await AssertFieldErrorAsync(await PostRawAsync(""), "body");
    }

    [Fact]
    public async Task Json_null_body_is_400_naming_the_body()
    {
        await AssertFieldErrorAsync(await PostRawAsync("null"), "body");
    }

    [Fact]
    public async Task Wrong_json_type_is_400_naming_the_field()
    {
        var problem = await AssertFieldErrorAsync(await PostRawAsync("""{"channel":"support","customer":"A","verbatim":12345}"""), "verbatim");
        var message = problem.GetProperty("errors").GetProperty("verbatim")[0].GetString();
        Assert.Equal("The value has the wrong JSON type: expected a JSON string.", message);
        await AssertFieldErrorAsync(await PostRawAsync("""{"channel":"support","customer":"A","verbatim":"x","contact":{"email":["a@b.c"]}}"""), "contact.email");
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Non_json_content_type_is_415_problem()
    {
        var response = await Client.PostAsync("/api/feedback", new StringContent("verbatim=hi", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Body_over_1_MB_is_413_problem_and_stores_nothing()
    {
        var response = await PostAsync(Valid(verbatim: new string('x', 1024 * 1024 + 10)));

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Body_over_1_MB_without_content_length_is_413_problem()
    {
        // No Content-Length: the limit is only found while reading, through the exception handler.
        var json = System.Text.Json.JsonSerializer.Serialize(Valid(verbatim: new string('x', 1024 * 1024 + 10)), System.Text.Json.JsonSerializerOptions.Web);
        var content = new UnknownLengthContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = content };
        var response = await Client.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", problem.GetProperty("field").GetString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Missing_api_key_is_401_problem()
    {
        using var anonymous = App.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/feedback", Valid());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Wrong_api_key_is_401_problem()
    {
        using var client = App.CreateApiClient("voc_thisIsNotARealKeyAtAllxxxxxxxxxxxxxxxxxxxx");
        var response = await client.PostAsJsonAsync("/api/feedback", Valid());

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Key_without_intake_scope_is_403_problem()
    {
        using var client = App.CreateApiClient(await App.CreateApiKeyAsync("read"));
        var response = await client.PostAsJsonAsync("/api/feedback", Valid());

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Key_without_read_scope_cannot_read_and_gets_403()
    {
        using var client = App.CreateApiClient(await App.CreateApiKeyAsync("intake"));
        await AssertProblemAsync(await client.GetAsync("/api/feedback"), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await client.GetAsync("/api/feedback/1"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Chinese_verbatim_round_trips_exactly()
    {
        const string verbatim = "导出报表时经常超时，尤其是超过一万行的时候。😀 请尽快修复！";
        var created = await PostAsync(Valid(verbatim: verbatim));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var detail = await ReadJsonAsync(await Client.GetAsync(created.Headers.Location));
        Assert.Equal(verbatim, detail.GetProperty("verbatim").GetString());
        Assert.Equal(verbatim, await App.WithDbAsync(db => db.FeedbackItems.Select(f => f.Verbatim).SingleAsync()));
    }

    [Fact]
    public async Task Language_is_detected_when_not_given()
    {
        var body = ValidNode();
        body.Remove("language");
        body["verbatim"] = "界面太慢了";
        var created = await PostAsync(body);

        var detail = await ReadJsonAsync(await Client.GetAsync(created.Headers.Location));
        Assert.Equal("zh", detail.GetProperty("language").GetString());
    }

    [Theory]
    [InlineData("'); DROP TABLE \"FeedbackItems\";--")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Robert'); DELETE FROM Customers; -- & <b>bold</b> \\ \" %_")]
    public async Task Text_that_looks_like_sql_or_html_is_stored_and_returned_verbatim(string verbatim)
    {
        var created = await PostAsync(Valid(verbatim: verbatim));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var detail = await ReadJsonAsync(await Client.GetAsync(created.Headers.Location));
        Assert.Equal(verbatim, detail.GetProperty("verbatim").GetString());
        Assert.Equal(verbatim, await App.WithDbAsync(db => db.FeedbackItems.Select(f => f.Verbatim).SingleAsync()));

        // The table survived and the text can be searched for as plain text.
        var list = await ReadJsonAsync(await Client.GetAsync("/api/feedback?q=" + Uri.EscapeDataString(verbatim[..8])));
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Detail_returns_metadata_as_a_json_object()
    {
        var created = await PostAsync(Valid());
        var detail = await ReadJsonAsync(await Client.GetAsync(created.Headers.Location));

        var metadata = detail.GetProperty("metadata");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, metadata.ValueKind);
        Assert.Equal("high", metadata.GetProperty("priority").GetString());
        Assert.Equal("ACME-001", detail.GetProperty("customer").GetProperty("reference").GetString());
        Assert.Equal("ann@acme.example", detail.GetProperty("contact").GetProperty("email").GetString());
    }

    [Fact]
    public async Task Non_numeric_id_is_404_problem()
    {
        await AssertProblemAsync(await Client.GetAsync("/api/feedback/abc"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Missing_item_is_404_problem()
    {
        var problem = await AssertProblemAsync(await Client.GetAsync("/api/feedback/987654"), HttpStatusCode.NotFound);
        Assert.Contains("987654", problem.GetProperty("detail").GetString());
    }
}

/// <summary>A body whose length is not announced, as a streaming client would send it.</summary>
internal sealed class UnknownLengthContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
