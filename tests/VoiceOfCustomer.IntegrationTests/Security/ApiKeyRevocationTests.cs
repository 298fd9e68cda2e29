using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// A revoked API key: refused at once by the instance that revoked it; elsewhere (another web instance, or
/// <c>voc apikey revoke</c> in its own process) within <c>ApiKeys:CacheDuration</c>, the time a checked key is trusted.
/// </summary>
public sealed class ApiKeyRevocationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_key_revoked_by_this_instance_is_refused_on_the_very_next_call()
    {
        using var app = new VocAppFactory();
        var token = await app.CreateApiKeyAsync("read");
        using var client = app.CreateApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/taxonomy")).StatusCode);

        await using (var scope = app.Scope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            Assert.True(await keys.RevokeAsync(await KeyIdAsync(app, token)));
        }
        var response = await client.GetAsync("/api/taxonomy");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The API key in X-Api-Key is unknown or revoked.", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_revoked_elsewhere_is_refused_once_the_configured_cache_duration_has_passed()
    {
        var clock = new FakeTimeProvider(Now);
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["ApiKeys:CacheDuration"] = "00:00:10" })
        { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        var token = await app.CreateApiKeyAsync("read");
        using var client = app.CreateApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/taxonomy")).StatusCode);

        await RevokeBehindTheAppsBackAsync(app, token);
        clock.Advance(TimeSpan.FromSeconds(9));
        // Within the bound this instance still trusts what it checked: the price of not reading the database per call.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/taxonomy")).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/taxonomy")).StatusCode);
    }

    [Fact]
    public async Task A_cache_duration_of_zero_checks_the_key_on_every_call()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["ApiKeys:CacheDuration"] = "00:00:00" });
        var token = await app.CreateApiKeyAsync("read");
        using var client = app.CreateApiClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/taxonomy")).StatusCode);

        await RevokeBehindTheAppsBackAsync(app, token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/taxonomy")).StatusCode);
    }

    private static Task<int> KeyIdAsync(VocAppFactory app, string token)
    {
        var hash = ApiKeyService.Hash(token);
        return app.WithDbAsync(db => db.ApiKeys.Where(k => k.Hash == hash).Select(k => k.Id).SingleAsync());
    }

    /// <summary>What another instance or the CLI does: the row changes, this instance's cache is not told.</summary>
    private static Task RevokeBehindTheAppsBackAsync(VocAppFactory app, string token) =>
        app.WithDbAsync(async db =>
        {
            var hash = ApiKeyService.Hash(token);
            var key = await db.ApiKeys.SingleAsync(k => k.Hash == hash);
            key.RevokedAt = Now.UtcDateTime;
            return await db.SaveChangesAsync();
        });
}
