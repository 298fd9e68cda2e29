using System.Net;
using System.Text.Json;
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
}
