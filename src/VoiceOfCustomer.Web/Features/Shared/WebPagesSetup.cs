using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace VoiceOfCustomer.Web.Features.Shared;

public static class WebPagesSetup
{
    /// <summary>
    /// Razor still encodes every HTML-significant character (&lt; &gt; &amp; quotes), but leaves Chinese and other
    /// non-Latin text as UTF-8 instead of numeric entities, so pages stay readable and searchable in their source.
    /// </summary>
    public static IServiceCollection AddWebPages(this IServiceCollection services) =>
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
}
