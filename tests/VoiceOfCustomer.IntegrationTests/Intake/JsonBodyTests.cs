using System.Globalization;
using System.Net;
using System.Text.Json;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>
/// Every endpoint that takes a JSON body (found in the OpenAPI document, so a new one is covered without a new row)
/// answers an empty, <c>null</c> or non-object body with one 400 that names the body, in the caller's terms.
/// </summary>
public sealed class JsonBodyTests : IntakeApiTestBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Intake:Webhooks:Sources:helpdesk:Channel"] = "support",
        ["Intake:Webhooks:Sources:helpdesk:Fields:customer"] = "ticket.org",
        ["Intake:Webhooks:Sources:helpdesk:Fields:verbatim"] = "ticket.description",
    };

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("[{}]")]
    [InlineData("\"a voice\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Every_json_endpoint_answers_a_body_that_is_not_an_object_with_400_naming_the_body(string body)
    {
        var item = (await ReadJsonAsync(await PostAsync(Valid()))).GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        // Every scope an endpoint may need, so that each one reaches its body check.
        using var client = App.CreateApiClient(await App.CreateApiKeyAsync("intake", "read", "coding", "tasks", "customers"));
        var document = await ReadJsonAsync(await client.GetAsync("/openapi/v1.json"));

        var posted = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("post", out var post) || !post.TryGetProperty("requestBody", out var requestBody))
                continue;
            // A body the document calls optional (re-opening a waiting item needs none) may be left empty or null.
            var optional = !requestBody.TryGetProperty("required", out var required) || !required.GetBoolean();
            if (optional && body is "" or "null")
                continue;
            // A body that may be one object or an array of them (the customer data) answers arrays itself (CustomersApiTests).
            if (body.StartsWith('[') && AcceptsArray(document, requestBody))
                continue;
            var url = path.Name.Replace("{id}", item).Replace("{source}", "helpdesk").Replace("{reference}", "ACME-001");
            var response = await client.PostAsync(url, Json(body));

            var problem = await AssertFieldErrorAsync(response, "body");
            var errors = problem.GetProperty("errors");
            Assert.True(errors.EnumerateObject().Count() == 1, $"{url}: only the body is at fault, got {errors}");
            Assert.Equal(["The request body must be a JSON object."], errors.GetProperty("body").EnumerateArray().Select(m => m.GetString()));
            foreach (var internalName in new[] { "submission", "The request field", "input", "field is required" })
                Assert.DoesNotContain(internalName, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            posted.Add(path.Name);
        }

        Assert.Equal(1, await FeedbackCountAsync());
        // The six endpoints with a body today; the list grows by itself with the OpenAPI document.
        Assert.Superset(new HashSet<string>
        {
            "/api/feedback", "/api/feedback/batch", "/api/webhooks/{source}",
            "/api/feedback/{id}/attribution", "/api/feedback/{id}/awaiting-customer", "/api/feedback/{id}/merge",
        }, posted.ToHashSet());
    }

    private static bool AcceptsArray(JsonElement document, JsonElement requestBody)
    {
        var schema = requestBody.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        return schema.TryGetProperty("oneOf", out var shapes)
            && shapes.EnumerateArray().Any(s => s.TryGetProperty("type", out var type) && type.ToString().Contains("array", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_still_names_where_it_broke()
    {
        var problem = await AssertProblemAsync(await PostRawAsync("{\"channel\": \"support\", \"verbatim\": "), HttpStatusCode.BadRequest);
        Assert.Equal(["verbatim"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, problem.GetProperty("detail").ValueKind);
    }
}
