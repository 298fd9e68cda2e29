using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>The time-zone setting: saved on the user, carried in the sign-in, and every page's times follow it.</summary>
public sealed class TimeZoneSettingTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
{
    // The English item was received 2025-04-01 07:55 UTC: 15:55 in Shanghai, 09:55 in Berlin (CEST).
    private const string UtcStamp = "1 Apr 2025 07:55";
    private const string ShanghaiStamp = "1 Apr 2025 15:55";

    private async Task<(HttpClient Client, string Email)> SignInAsync(string language)
    {
        var email = await fixture.CreateUserAsync(language);
        var client = WebTestSupport.Client(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password)).StatusCode);
        return (client, email);
    }

    private static async Task<HttpResponseMessage> SaveAsync(HttpClient client, string language, string timeZone)
    {
        var page = await client.GetStringAsync("/account/settings");
        return await client.PostAsync("/account/settings", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["Language"] = language,
            ["TimeZone"] = timeZone,
        }));
    }

    private async Task<string?> StoredZoneAsync(string email)
    {
        await using var scope = fixture.App.Scope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))?.TimeZoneId;
    }

    [Fact]
    public async Task Times_are_UTC_until_the_user_chooses_a_zone_and_then_follow_it()
    {
        var (client, email) = await SignInAsync("en");
        var item = $"/feedback/{fixture.EnglishItemId}";

        var before = await client.GetStringAsync(item);
        Assert.Contains($"<time datetime=\"2025-04-01T07:55:00Z\">{UtcStamp}</time>", before);
        Assert.Contains("times are shown in UTC", before);
        var settings = WebUtility.HtmlDecode(await client.GetStringAsync("/account/settings"));
        Assert.Contains("<option value=\"UTC\" selected=\"selected\">UTC</option>", settings);
        Assert.Contains("<option value=\"Asia/Shanghai\">Asia/Shanghai (UTC+08:00)</option>", settings);

        var saved = await SaveAsync(client, "en", "Asia/Shanghai");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Asia/Shanghai", await StoredZoneAsync(email));

        var after = WebUtility.HtmlDecode(await client.GetStringAsync(item));
        Assert.Contains($"<time datetime=\"2025-04-01T07:55:00Z\">{ShanghaiStamp}</time>", after);
        Assert.Contains("times are shown in Asia/Shanghai (UTC+08:00)", after);
        Assert.Contains("<option value=\"Asia/Shanghai\" selected=\"selected\">", await client.GetStringAsync("/account/settings"));

        // The zone comes from the sign-in, not from a read per request: a change behind the app's back shows only after
        // the sign-in is refreshed (saving the settings does that).
        await fixture.App.WithDbAsync(async db =>
        {
            var user = db.Users.Single(u => u.Email == email);
            user.TimeZoneId = "Europe/Berlin";
            return await db.SaveChangesAsync();
        });
        Assert.Contains(ShanghaiStamp, await client.GetStringAsync(item));

        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(client, "en", "UTC")).StatusCode);
        Assert.Null(await StoredZoneAsync(email));
        Assert.Contains(UtcStamp, await client.GetStringAsync(item));
    }

    [Fact]
    public async Task Chinese_pages_write_dates_the_Chinese_way_in_the_users_zone()
    {
        var (client, _) = await SignInAsync("zh-CN");
        Assert.Equal(HttpStatusCode.Redirect, (await SaveAsync(client, "zh-CN", "Asia/Shanghai")).StatusCode);

        var item = WebUtility.HtmlDecode(await client.GetStringAsync($"/feedback/{fixture.EnglishItemId}"));
        Assert.Contains("<time datetime=\"2025-04-01T07:55:00Z\">2025年4月1日 15:55</time>", item);
        Assert.Contains("时间均按 Asia/Shanghai (UTC+08:00) 显示", item);
        var list = await client.GetStringAsync("/feedback");
        Assert.Contains("2025年4月1日 15:55", list);
    }

    [Fact]
    public async Task An_unknown_zone_is_refused_beside_the_field_and_nothing_changes()
    {
        var (client, email) = await SignInAsync("en");
        var response = await SaveAsync(client, "en", "Mars/Olympus_Mons");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("id=\"s-timezone-error\">There is no time zone \"Mars/Olympus_Mons\"; choose one from the list.</span>", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.Null(await StoredZoneAsync(email));
    }
}
