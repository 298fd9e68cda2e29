using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Import;

/// <summary>
/// Raises the request and multipart limits to <see cref="WebOptions.MaxUploadBytes"/> for one action. Like
/// <c>[RequestSizeLimit]</c>, but configurable, and ordered before the anti-forgery filter, which reads the form.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UploadLimitsAttribute : Attribute, IFilterFactory, IOrderedFilter
{
    /// <summary>Multipart boundaries and the other form fields.</summary>
    private const long Slack = 1024 * 1024;

    public int Order => 900;
    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) =>
        new Filter(serviceProvider.GetRequiredService<IOptions<WebOptions>>().Value.MaxUploadBytes);

    private sealed class Filter(long maxUploadBytes) : IAuthorizationFilter, IOrderedFilter
    {
        public int Order => 900;

        public void OnAuthorization(AuthorizationFilterContext context)
        {
            var features = context.HttpContext.Features;
            if (features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = maxUploadBytes + Slack;
            if (features.Get<IFormFeature>()?.Form is null)
                features.Set<IFormFeature>(new FormFeature(context.HttpContext.Request, new FormOptions { MultipartBodyLengthLimit = maxUploadBytes + Slack }));
        }
    }
}
