using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>One app with a Chinese and an English verbatim, for the language tests.</summary>
public sealed class LocalizationFixture : IAsyncLifetime
{
    public const string ChineseVerbatim = "补货提醒总是晚一天，\n  仓库经常断货。";
    public const string EnglishVerbatim = "Replenishment alerts arrive a day late for our Shanghai warehouse.";

    public VocAppFactory App { get; } = new();
    public long ChineseItemId { get; private set; }
    public long EnglishItemId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        await App.WithDbAsync(async db =>
        {
            (await db.Channels.SingleAsync(c => c.Key == "support")).NameZh = "客服工单";
            return await db.SaveChangesAsync();
        });
        var customer = await WebTestSupport.AddCustomerAsync(App, "CRM-ZH-1", "华南物流");
        var when = new DateTime(2025, 4, 1, 8, 0, 0, DateTimeKind.Utc);
        ChineseItemId = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec(
            "support", "zh-1", customer.Id, ChineseVerbatim, when, Language: "zh"));
        EnglishItemId = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec(
            "support", "en-1", customer.Id, EnglishVerbatim, when.AddMinutes(-5)));
    }

    /// <summary>A new user with the given saved language (null follows the browser); returns the email.</summary>
    public async Task<string> CreateUserAsync(string? preferredLanguage, string role = Roles.Csm)
    {
        var email = await WebTestSupport.CreateUserAsync(App, role);
        await using var scope = App.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("User was not created.");
        user.PreferredLanguage = preferredLanguage;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
        return email;
    }

    public async Task<string?> PreferredLanguageAsync(string email)
    {
        await using var scope = App.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return (await users.FindByEmailAsync(email))?.PreferredLanguage;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
