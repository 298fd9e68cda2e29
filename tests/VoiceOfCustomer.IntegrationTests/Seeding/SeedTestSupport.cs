using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

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
