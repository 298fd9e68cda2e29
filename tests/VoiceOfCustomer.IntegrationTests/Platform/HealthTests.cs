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

    [Fact]
    public async Task Health_reports_healthy_on_a_fresh_postgres_database()
    {
        using var app = new VocAppFactory(TestDatabase.CreatePostgres());
        var response = await app.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
