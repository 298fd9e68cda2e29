using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

/// <summary>The app as a developer runs it: environment Development, so start-up seeds the demo organisation.</summary>
public sealed class DevelopmentAppFactory(TestDatabase database, IDictionary<string, string?>? settings = null) : VocAppFactory(database, settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}

internal static class SeedTestSupport
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    public static TestDatabase Create(string provider) => TestDatabase.Create(provider);

    /// <summary>A context on the test database without a web host, for checking what a CLI process wrote.</summary>
    public static VocDbContext Context(TestDatabase database) =>
        new(DatabaseServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<VocDbContext>(), database.Provider, database.ConnectionString).Options
            is DbContextOptions<VocDbContext> options ? options : throw new InvalidOperationException());

    /// <summary>Runs the real <c>voc</c> executable (copied beside the tests) against the test database.</summary>
    public static Task<VocProcess.Result> RunVocAsync(TestDatabase database, params string[] arguments) => VocProcess.RunAsync(database, null, arguments);
}
