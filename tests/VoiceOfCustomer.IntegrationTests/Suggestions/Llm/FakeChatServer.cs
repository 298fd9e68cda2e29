using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VoiceOfCustomer.IntegrationTests.Suggestions.Llm;

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire format (POST {base}/chat/completions),
/// answering with <see cref="Content"/> after <see cref="Delay"/>, with <see cref="StatusCode"/> when it is not 200, or
/// with <see cref="RawBody"/> (no chat completion at all) when set. Every request's body and Authorization header are kept.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeChatServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();
    public string Content { get; set; } = "{}";
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;
    public int StatusCode { get; set; } = 200;
    /// <summary>Sent as is with HTTP 200 and text/html, in place of a chat completion: an endpoint that answers garbage.</summary>
    public string? RawBody { get; set; }

    public sealed record CapturedRequest(string Body, string? Authorization)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>All message contents of the request, joined: what the model was shown.</summary>
        public string PromptText => string.Join("\n", Json.GetProperty("messages").EnumerateArray().Select(ContentText));

        /// <summary>The messages' roles and texts, in order.</summary>
        public IReadOnlyList<(string Role, string Text)> Messages =>
            Json.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, ContentText(m))).ToList();

        private static string ContentText(JsonElement message)
        {
            var content = message.GetProperty("content");
            return content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : string.Concat(content.EnumerateArray().Select(part => part.TryGetProperty("text", out var text) ? text.GetString() : ""));
        }
    }

    public static async Task<FakeChatServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeChatServer? server = null;
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            server!.Requests.Enqueue(new CapturedRequest(body, context.Request.Headers.Authorization.ToString()));
            if (server.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(server.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            if (server.RawBody is { } raw)
                return Results.Content(raw, "text/html");
            if (server.StatusCode != 200)
                return Results.Json(new { error = new { message = "simulated failure", type = "server_error" } }, statusCode: server.StatusCode);
            return Results.Json(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion",
                created = 1_767_225_600,
                model = "test-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = server.Content }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FakeChatServer(app, address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>An address on 127.0.0.1 where nothing listens: a port just handed out by the system and closed again.</summary>
    public static string UnreachableBaseUrl()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/v1";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
