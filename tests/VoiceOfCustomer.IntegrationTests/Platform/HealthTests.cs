using System.Net;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Platform;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_reports_healthy_on_a_fresh_sqlite_database()
    {
        using var app = new VocAppFactory();
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task Health_reports_healthy_on_a_fresh_server_database(string provider)
    {
        using var app = new VocAppFactory(TestDatabase.Create(provider));
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
