using System.Diagnostics;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// Adds <c>Server-Timing: app;dur=…</c> to every response, so that browsers' dev tools and the benchmark
/// program can read the server's own time apart from the network and the client; a handler may name a part of it
/// with <see cref="AddMetric"/>.
/// </summary>
public sealed class ServerTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            context.Response.Headers.Append("Server-Timing", FormattableString.Invariant($"app;dur={elapsed:0.###}"));
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Adds a named part of the request's time (<c>name;dur=…</c>) next to the whole.</summary>
    public static void AddMetric(HttpResponse response, string name, TimeSpan elapsed)
    {
        if (!response.HasStarted)
            response.Headers.Append("Server-Timing", FormattableString.Invariant($"{name};dur={elapsed.TotalMilliseconds:0.###}"));
    }
}
