using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using VoiceOfCustomer.Web.Features.Account;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// The UI's two languages. The culture is chosen per request from, in order: the signed-in user's saved preference
/// (a claim in the sign-in cookie), the <c>.AspNetCore.Culture</c> cookie, the browser's <c>Accept-Language</c>; else English.
/// </summary>
public static class VocCultures
{
    public const string English = "en";
    public const string Chinese = "zh-CN";

    public static readonly IReadOnlyList<string> Supported = [English, Chinese];

    /// <summary>
    /// Maps a language tag to a supported culture: any <c>en-*</c> to <c>en</c>; <c>zh</c>, <c>zh-Hans</c>, <c>zh-Hans-CN</c>,
    /// <c>zh-CN</c> and <c>zh-SG</c> to <c>zh-CN</c>. Traditional Chinese and everything else give null.
    /// </summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
            return null;
        var value = tag.Trim().Replace('_', '-');
        if (value.Equals("en", StringComparison.OrdinalIgnoreCase) || value.StartsWith("en-", StringComparison.OrdinalIgnoreCase))
            return English;
        if (value.Equals("zh", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("zh-Hans", StringComparison.OrdinalIgnoreCase)
            || value.Equals("zh-CN", StringComparison.OrdinalIgnoreCase)
            || value.Equals("zh-SG", StringComparison.OrdinalIgnoreCase))
            return Chinese;
        return null;
    }

    public static bool IsChinese(CultureInfo culture) => culture.Name.StartsWith("zh", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the current request's UI is in Chinese (for choosing <c>NameZh</c> over <c>Name</c>).</summary>
    public static bool UiIsChinese => IsChinese(CultureInfo.CurrentUICulture);

    public static IServiceCollection AddVocLocalization(this IServiceCollection services)
    {
        services.AddSingleton<ResourceManagerStringLocalizerFactory>();
        services.Replace(ServiceDescriptor.Singleton<IStringLocalizerFactory>(sp =>
            new ContextualStringLocalizerFactory(sp.GetRequiredService<ResourceManagerStringLocalizerFactory>())));
        services.AddSingleton<ReferenceNames>();
        services.AddHttpContextAccessor();
        services.AddScoped<UserClock>();
        return services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
            options.DefaultRequestCulture = new RequestCulture(English);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.RequestCultureProviders =
            [
                new UserPreferenceCultureProvider(),
                new NormalizingCookieCultureProvider(),
                new NormalizingAcceptLanguageProvider(),
            ];
        });
    }

    public static ProviderCultureResult? Result(string? tag) =>
        Normalize(tag) is { } culture ? new ProviderCultureResult(culture) : null;
}

/// <summary>
/// Resource keys may carry a context before a <c>|</c>, for one English word with two meanings: <c>T["date range|To"]</c>
/// (结束日期) and <c>T["e-mail|To"]</c> (收件人) are two entries of the string table. Where no entry is found (always in English)
/// the text after the first <c>|</c> is shown, so the English UI never sees the context.
/// </summary>
public sealed class ContextualStringLocalizerFactory(IStringLocalizerFactory inner) : IStringLocalizerFactory
{
    public const char Separator = '|';

    public IStringLocalizer Create(Type resourceSource) => new ContextualStringLocalizer(inner.Create(resourceSource));

    public IStringLocalizer Create(string baseName, string location) => new ContextualStringLocalizer(inner.Create(baseName, location));

    /// <summary>The text a key shows when the table has no entry for it: the key without its context.</summary>
    public static string TextOf(string key) => key.IndexOf(Separator) is var at and >= 0 ? key[(at + 1)..] : key;

    private sealed class ContextualStringLocalizer(IStringLocalizer inner) : IStringLocalizer
    {
        public LocalizedString this[string name] => WithoutContext(inner[name], name, null);

        public LocalizedString this[string name, params object[] arguments] => WithoutContext(inner[name, arguments], name, arguments);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);

        private static LocalizedString WithoutContext(LocalizedString found, string name, object[]? arguments)
        {
            if (!found.ResourceNotFound || name.IndexOf(Separator) < 0)
                return found;
            var text = TextOf(name);
            return new LocalizedString(name, arguments is null ? text : string.Format(CultureInfo.CurrentCulture, text, arguments), true, found.SearchedLocation);
        }
    }
}

/// <summary>The signed-in user's saved <c>PreferredLanguage</c>, carried as a claim so no database read is needed.</summary>
public sealed class UserPreferenceCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var claim = httpContext.User.Identity?.IsAuthenticated == true
            ? httpContext.User.FindFirst(AppUserClaimsPrincipalFactory.LanguageClaim)?.Value
            : null;
        return Task.FromResult(VocCultures.Result(claim));
    }
}

/// <summary>The standard culture cookie, with its value mapped onto the two supported cultures.</summary>
public sealed class NormalizingCookieCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var value = httpContext.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName];
        var parsed = string.IsNullOrEmpty(value) ? null : CookieRequestCultureProvider.ParseCookieValue(value);
        var tag = parsed?.UICultures.FirstOrDefault().Value ?? parsed?.Cultures.FirstOrDefault().Value;
        return Task.FromResult(VocCultures.Result(tag));
    }
}

/// <summary>
/// <c>Accept-Language</c> in quality order; the first tag that maps onto a supported culture wins, so
/// <c>zh-Hans-CN</c> or plain <c>zh</c> gives Simplified Chinese and <c>fr, zh;q=0.8</c> gives Chinese too.
/// </summary>
public sealed class NormalizingAcceptLanguageProvider : RequestCultureProvider
{
    private const int MaxTags = 10;

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var header = httpContext.Request.Headers.AcceptLanguage;
        if (StringValues.IsNullOrEmpty(header)
            || !StringWithQualityHeaderValue.TryParseList(header, out var values) || values.Count == 0)
            return Task.FromResult<ProviderCultureResult?>(null);

        var ordered = values.Take(MaxTags)
            .Where(v => v.Quality is not 0)
            .OrderByDescending(v => v.Quality ?? 1);  // stable: ties keep header order
        foreach (var value in ordered)
        {
            if (VocCultures.Result(value.Value.Value) is { } result)
                return Task.FromResult<ProviderCultureResult?>(result);
        }
        return Task.FromResult<ProviderCultureResult?>(null);
    }
}
