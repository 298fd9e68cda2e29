using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Features.Account;

/// <summary>
/// How many password attempts one client address may make, bound from the <c>SignInRateLimit</c> section. Account lockout
/// (5 failures) protects each account; this stops one address from trying a password against many accounts.
/// </summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "SignInRateLimit";

    /// <summary>Attempts (sign-in and set-password posts together) one client address may make per <see cref="Window"/>.</summary>
    public int PermitLimit { get; set; } = 40;

    /// <summary>The fixed window the attempts are counted in; the next attempt after the limit waits for the window's end.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// ASP.NET Core's rate limiter on the anonymous posts that check a secret: the sign-in form and the set-password link.
/// A refused attempt is a 429 with <c>Retry-After</c>; the status-code pages turn it into the localised error page.
/// </summary>
public static class SignInRateLimit
{
    public const string PolicyName = "sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SignInRateLimitOptions>().Bind(configuration.GetSection(SignInRateLimitOptions.SectionName))
            .Validate(o => o.PermitLimit > 0, "SignInRateLimit:PermitLimit must be at least 1.")
            .Validate(o => o.Window > TimeSpan.Zero, "SignInRateLimit:Window must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                rejected.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimit))
                    .LogWarning("Sign-in attempts from {ClientAddress} exceeded the limit; refused with 429.", ClientAddress(rejected.HttpContext));
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>
    /// The caller's address as the limiter counts it. An IPv6 client is its /64, since one host may use any address in
    /// its prefix. Behind a reverse proxy this is the proxy unless forwarded headers are enabled (see README).
    /// </summary>
    internal static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return address.ToString();
    }
}
