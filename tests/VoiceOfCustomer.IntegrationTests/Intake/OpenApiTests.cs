using System.Net;
using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Intake;

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApi_document_lists_the_intake_endpoints_with_types_and_the_api_key_scheme()
    {
        using var app = new VocAppFactory();
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var paths = document.GetProperty("paths");
        var feedback = paths.GetProperty("/api/feedback");
        Assert.True(feedback.TryGetProperty("post", out var post));
        Assert.True(feedback.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/api/feedback/batch", out _));
        Assert.True(paths.TryGetProperty("/api/feedback/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/webhooks/{source}", out _));

        var postSchema = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("#/components/schemas/FeedbackSubmission", postSchema.GetProperty("$ref").GetString());
        var webhook = paths.GetProperty("/api/webhooks/{source}").GetProperty("post");
        Assert.True(webhook.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Contains(webhook.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "X-Webhook-Signature");
        var responses = post.GetProperty("responses");
        foreach (var status in new[] { "201", "200", "400", "401", "403", "413" })
            Assert.True(responses.TryGetProperty(status, out _), $"POST /api/feedback should document {status}");

        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("FeedbackSubmission", out _));
        Assert.True(schemas.TryGetProperty("FeedbackItemSummary", out _));

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
    }

    [Fact]
    public async Task OpenApi_document_is_valid_OpenApi_3_1_1()
    {
        var text = await ReadDocumentAsync();

        var read = OpenApiDocument.Parse(text, "json");

        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic!.SpecificationVersion);
        Assert.Equal("3.1.1", JsonDocument.Parse(text).RootElement.GetProperty("openapi").GetString());
        Assert.Empty(read.Diagnostic.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    /// <summary>What a generated client needs: every operation, parameter, answer and enum says what it is.</summary>
    [Fact]
    public async Task Every_operation_parameter_answer_and_enum_is_described()
    {
        var document = JsonDocument.Parse(await ReadDocumentAsync()).RootElement;
        var missing = new List<string>();

        var operations = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations++;
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                foreach (var field in new[] { "summary", "description" })
                    if (!HasText(operation.Value, field))
                        missing.Add($"{name}: {field}");
                if (operation.Value.GetProperty("tags").GetArrayLength() == 0)
                    missing.Add($"{name}: tag");
                if (operation.Value.TryGetProperty("parameters", out var parameters))
                    missing.AddRange(parameters.EnumerateArray().Where(p => !HasText(p, "description")).Select(p => $"{name}: parameter {p.GetProperty("name").GetString()}"));
                if (operation.Value.TryGetProperty("requestBody", out var body) && !HasText(body, "description"))
                    missing.Add($"{name}: request body");
                foreach (var response in operation.Value.GetProperty("responses").EnumerateObject())
                {
                    // The framework's reason phrase ("OK", "Bad Request") says nothing an HTTP client does not know.
                    var description = response.Value.GetProperty("description").GetString() ?? "";
                    if (description.Split(' ').Length < 3)
                        missing.Add($"{name}: response {response.Name} ('{description}')");
                }
            }

        var enums = 0;
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("enum", out var values))
                continue;
            enums++;
            var description = schema.Value.TryGetProperty("description", out var d) ? d.GetString() ?? "" : "";
            foreach (var value in values.EnumerateArray())
            {
                Assert.Equal(JsonValueKind.String, value.ValueKind);
                Assert.Matches("^[a-z]+(-[a-z]+)*$", value.GetString());
                if (!description.Contains($"`{value.GetString()}`", StringComparison.Ordinal))
                    missing.Add($"enum {schema.Name}: value {value.GetString()}");
            }
        }

        Assert.Empty(missing);
        Assert.True(operations >= 13, $"only {operations} operations");
        Assert.True(enums >= 13, $"only {enums} enums");
        Assert.Equal("VoiceOfCustomer API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Request_fields_that_take_enum_names_list_them()
    {
        var schemas = JsonDocument.Parse(await ReadDocumentAsync()).RootElement.GetProperty("components").GetProperty("schemas");
        // The string values, and null (the field is optional).
        string Values(string schema, string property) =>
            string.Join(",", schemas.GetProperty(schema).GetProperty("properties").GetProperty(property).GetProperty("enum").EnumerateArray().Select(v => v.GetString() ?? "null"));

        Assert.Equal("up,down,null", Values("ImpactInput", "direction"));
        Assert.Equal("pain,need,expectation,dream,null", Values("AttributionInput", "valueDimension"));
        Assert.Equal("buyer,user,null", Values("AttributionInput", "voiceRole"));
        Assert.Equal("user,buyer,null", Values("ContactSubmission", "role"));
        // Left out when null, so not required; a client must not insist on them.
        var required = schemas.GetProperty("AttributionSnapshot").GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["state", "version", "tagIds", "tags"], required);
    }

    private static async Task<string> ReadDocumentAsync()
    {
        using var app = new VocAppFactory();
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static bool HasText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && !string.IsNullOrWhiteSpace(value.GetString());
}
