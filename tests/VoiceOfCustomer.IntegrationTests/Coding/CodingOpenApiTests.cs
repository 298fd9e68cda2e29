using System.Net;
using System.Text.Json;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Coding;

public sealed class CodingOpenApiTests
{
    [Fact]
    public async Task OpenApi_document_lists_the_coding_endpoints_with_their_answers()
    {
        using var app = new VocAppFactory();
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");

        var save = paths.GetProperty("/api/feedback/{id}/attribution").GetProperty("post");
        Assert.Equal("#/components/schemas/AttributionInput",
            save.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var status in new[] { "200", "400", "401", "403", "404", "409" })
            Assert.True(save.GetProperty("responses").TryGetProperty(status, out _), $"POST attribution should document {status}");
        foreach (var path in new[] { "/api/feedback/{id}/awaiting-customer", "/api/feedback/{id}/reopen", "/api/feedback/{id}/merge" })
            Assert.True(paths.GetProperty(path).TryGetProperty("post", out _), path);
        foreach (var path in new[] { "/api/feedback/{id}/audit", "/api/taxonomy", "/api/coding/queue" })
            Assert.True(paths.GetProperty(path).TryGetProperty("get", out _), path);
    }
}
