namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>Limits of the HTTP surface. Bound from the <c>Web</c> section.</summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    /// <summary>Largest request body accepted by default (1 MB); larger ones get 413 problem details.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body for <c>POST /api/feedback/batch</c>, which carries up to 1,000 items.</summary>
    public long MaxBatchRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest CSV file the upload page accepts.</summary>
    public long MaxUploadBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// Longest URL (path and query string, as sent) answered; longer ones get 414 problem details (the error page for
    /// a page). Kestrel's default request-line limit; Kestrel itself is set to twice it and refuses beyond, with no body.
    /// </summary>
    public int MaxUrlLength { get; set; } = 8 * 1024;

    /// <summary>Largest total size of a request's headers; more get 431 problem details. Kestrel's default; it refuses beyond twice it.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
}
