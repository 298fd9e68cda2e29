using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Intake;

public enum BodyLimit
{
    /// <summary><see cref="WebOptions.MaxRequestBodyBytes"/>.</summary>
    Default,
    /// <summary><see cref="WebOptions.MaxBatchRequestBodyBytes"/>.</summary>
    Batch,
}

/// <summary>
/// Applies the body-size limit from <see cref="WebOptions"/> before model binding reads the body. Kestrel enforces
/// it through <see cref="IHttpMaxRequestBodySizeFeature"/>; hosts without that feature (TestServer, some proxies'
/// in-process hosting) are held to the same limit here, so an oversized body is a 413 everywhere, never a 500.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequestBodyLimitAttribute(BodyLimit limit = BodyLimit.Default) : Attribute, IFilterFactory, IOrderedFilter
{
    public BodyLimit Limit { get; } = limit;

    // Before MVC's own request-size filters and before model binding.
    public int Order => -3000;

    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) =>
        new RequestBodyLimitFilter(Limit, serviceProvider.GetRequiredService<IOptionsMonitor<WebOptions>>());
}

internal sealed class RequestBodyLimitFilter(BodyLimit limit, IOptionsMonitor<WebOptions> options) : IAsyncResourceFilter, IOrderedFilter
{
    public int Order => -3000;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        // A method-level attribute overrides the controller-level one; only the closest filter acts.
        if (context.Filters.OfType<RequestBodyLimitFilter>().LastOrDefault() != this)
        {
            await next();
            return;
        }

        var web = options.CurrentValue;
        var maxBytes = limit == BodyLimit.Batch ? web.MaxBatchRequestBodyBytes : web.MaxRequestBodyBytes;
        var http = context.HttpContext;

        if (http.Request.ContentLength > maxBytes)
        {
            context.Result = TooLarge(http, maxBytes);
            return;
        }

        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = maxBytes;
        else
            http.Request.Body = new LengthLimitedStream(http.Request.Body, maxBytes);

        await next();
    }

    internal static ObjectResult TooLarge(HttpContext http, long maxBytes) =>
        new(new ProblemDetails
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "The request body is too large.",
            Detail = $"The request body is larger than the {maxBytes:N0} bytes this endpoint accepts.",
            Extensions = { ["field"] = "body", ["traceId"] = http.TraceIdentifier },
        })
        {
            StatusCode = StatusCodes.Status413PayloadTooLarge,
            ContentTypes = { "application/problem+json" },
        };
}

/// <summary>Throws Kestrel's own 413 exception once more than the limit is read, so the same handler answers.</summary>
internal sealed class LengthLimitedStream(Stream inner, long maxBytes) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        if (_read > maxBytes)
            throw new BadHttpRequestException($"The request body is larger than the {maxBytes:N0} bytes this endpoint accepts.", StatusCodes.Status413PayloadTooLarge);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
