using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using VoiceOfCustomer.Web.Features.Account;

namespace VoiceOfCustomer.Web.Infrastructure;

/// <summary>
/// How the pages write instants and dates: in the signed-in user's time zone (their <c>TimeZoneId</c>, carried as a claim
/// so no database read is needed; UTC when unset or unknown) and in one format per UI culture. Stored instants are UTC;
/// the <c>datetime</c> attribute of <c>&lt;time&gt;</c> stays UTC ISO 8601 for machines.
/// </summary>
public sealed class UserClock(IHttpContextAccessor http, HtmlEncoder html, TimeProvider time)
{
    public const string Utc = "UTC";

    private TimeZoneInfo? _zone;

    /// <summary>The zone pages are shown in: the user's, else UTC.</summary>
    public TimeZoneInfo Zone => _zone ??= ZoneOf(http.HttpContext?.User);

    /// <summary>"Asia/Shanghai (UTC+08:00)", or "UTC": what the footer says times are shown in.</summary>
    public string ZoneLabel => TimeZones.Label(Zone, UtcNow);

    /// <summary>The app's clock, for labels that depend on the day (a zone's offset moves with daylight saving time).</summary>
    public DateTime UtcNow => time.GetUtcNow().UtcDateTime;

    /// <summary>An instant as the user reads it: "4 Dec 2026 15:22" in English, "2026年12月4日 15:22" in Chinese.</summary>
    public string Stamp(DateTime utc) => Local(utc).ToString(DateTimeFormat, Format);

    public string Stamp(DateTime? utc) => utc is { } value ? Stamp(value) : "—";

    /// <summary>A calendar date (no zone: a date is the same everywhere): "14 Sep 2026" or "2026年9月14日".</summary>
    public string Date(DateOnly date) => date.ToString(DateFormat, Format);

    /// <summary>"2026-W38 (week of 14 Sep 2026)": an ISO week and the date of its Monday.</summary>
    public string Week(Microsoft.Extensions.Localization.IStringLocalizer t, string isoWeek, DateOnly monday) =>
        t["{0} (week of {1})", isoWeek, Date(monday)];

    /// <summary><c>&lt;time datetime="UTC ISO"&gt;local stamp&lt;/time&gt;</c>, the one way pages write an instant.</summary>
    public IHtmlContent Time(DateTime utc, string? cssClass = null) =>
        new HtmlString($"<time datetime=\"{Iso(utc)}\"{(cssClass is null ? "" : $" class=\"{html.Encode(cssClass)}\"")}>{html.Encode(Stamp(utc))}</time>");

    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    private static bool Chinese => VocCultures.UiIsChinese;

    // Day-month-year in English (never the US month-first order), year-month-day with 年月日 in Chinese; 24-hour clock in both.
    private static string DateFormat => Chinese ? "yyyy'年'M'月'd'日'" : "d MMM yyyy";

    private static string DateTimeFormat => DateFormat + " HH:mm";

    private static CultureInfo Format => Chinese ? CultureInfo.InvariantCulture : EnglishMonths;

    private static readonly CultureInfo EnglishMonths = CultureInfo.GetCultureInfo("en");

    private static TimeZoneInfo ZoneOf(ClaimsPrincipal? user) =>
        TimeZones.Find(user?.FindFirstValue(AppUserClaimsPrincipalFactory.TimeZoneClaim)) ?? TimeZoneInfo.Utc;
}

/// <summary>The IANA time zones a user can choose, and their labels.</summary>
public static class TimeZones
{
    private static readonly Lazy<IReadOnlyList<string>> AllIds = new(() => TimeZoneInfo.GetSystemTimeZones()
        .Select(IanaId).OfType<string>()
        // Etc/GMT+5 and the like read backwards (POSIX signs) and duplicate the named zones.
        .Where(id => id.Contains('/') && !id.StartsWith("Etc/", StringComparison.Ordinal))
        .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Prepend(UserClock.Utc).ToList());

    /// <summary>UTC first, then every region/city id, alphabetically (so typing "Asia/Sh" in the select finds Shanghai).</summary>
    public static IReadOnlyList<string> Ids => AllIds.Value;

    /// <summary>The zone for an IANA id, or null when the id is empty or unknown.</summary>
    public static TimeZoneInfo? Find(string? id) =>
        string.IsNullOrWhiteSpace(id) ? null
        : id.Trim() == UserClock.Utc ? TimeZoneInfo.Utc
        : TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : null;

    /// <summary>True for an id the settings page offers.</summary>
    public static bool IsOffered(string id) => Ids.Contains(id, StringComparer.Ordinal);

    /// <summary>"Asia/Shanghai (UTC+08:00)" at the given instant (offsets move with daylight saving time); "UTC" for UTC.</summary>
    public static string Label(TimeZoneInfo zone, DateTime utcNow)
    {
        var id = IanaId(zone) ?? zone.Id;
        if (zone == TimeZoneInfo.Utc || id is UserClock.Utc or "Etc/UTC")
            return UserClock.Utc;
        var offset = zone.GetUtcOffset(utcNow);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture, $"{id} (UTC{sign}{offset.Duration():hh\\:mm})");
    }

    public static string Label(string id, DateTime utcNow) => Find(id) is { } zone ? Label(zone, utcNow) : id;

    private static string? IanaId(TimeZoneInfo zone) =>
        zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : null;
}
