using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

/// <summary>
/// Demo data never goes into a real installation: not from the demo seeder (whoever calls it), not from <c>voc seed
/// --append</c>, not from a Development start. Real SQLite files (and PostgreSQL where the SQL differs).
/// </summary>
public sealed class DemoDataGuardTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    private static readonly DemoSeedRequest SmallDemo = new(4, 30, 7, new DateTime(2026, 6, 30, 0, 0, 0, DateTimeKind.Utc), SlaHistory: false);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_demo_seeder_refuses_a_database_with_a_real_customer_and_writes_nothing(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        await WebTestSupport.AddCustomerAsync(app, "ACME-001", "Acme Retail");

        var refused = await Assert.ThrowsAsync<DemoDataRefusedException>(() => SeedAsync(app, SmallDemo));

        Assert.Equal((1, 0), (refused.Found.Customers, refused.Found.Feedback));
        Assert.Contains("1 customer(s) and 0 feedback item(s) that the demo did not write", refused.Message);
        Assert.Equal(1, await app.WithDbAsync(db => db.Customers.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
    }

    [Fact]
    public async Task Demo_data_is_added_to_demo_data_but_not_once_a_real_voice_arrived_even_on_a_demo_customer()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite());
        await SeedAsync(app, SmallDemo);
        await SeedAsync(app, SmallDemo with { Seed = 8 }); // demo data alone: a second demo set is welcome
        Assert.Equal(8, await app.WithDbAsync(db => db.Customers.CountAsync()));

        // A voice of a real conversation, about one of the demo's customers, through the API.
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("intake"));
        var posted = await client.PostAsJsonAsync("/api/feedback", new { channel = "support", externalId = "T-1042", customer = "DEMO-7-00001", verbatim = "Real words." });
        Assert.Equal(System.Net.HttpStatusCode.Created, posted.StatusCode);

        var refused = await Assert.ThrowsAsync<DemoDataRefusedException>(() => SeedAsync(app, SmallDemo with { Seed = 9 }));
        Assert.Equal((0, 1), (refused.Found.Customers, refused.Found.Feedback));
        Assert.False(await app.WithDbAsync(db => db.Customers.AnyAsync(c => c.Reference.StartsWith("DEMO-9-"))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Voc_seed_with_append_refuses_a_database_with_real_customers(string provider)
    {
        using var database = await WithARealCustomerAsync(provider);

        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "3", "--feedback", "10", "--append");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error: No demo data written: the database holds 1 customer(s) and 0 feedback item(s) that the demo did not write", run.Errors);
        await using var check = SeedTestSupport.Context(database);
        Assert.Equal(1, await check.Customers.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_Development_start_on_a_database_with_a_real_customer_adds_no_demo_data_and_says_why(string provider)
    {
        using var database = await WithARealCustomerAsync(provider);

        using var app = new VocAppFactory(database, new Dictionary<string, string?> { ["Seed:Customers"] = "4", ["Seed:Feedback"] = "30" }) { Environment = "Development" };
        await app.EnsureChannelsAsync(); // starts the app

        Assert.Equal(1, await app.WithDbAsync(db => db.Customers.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync()));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Category == typeof(DemoEnvironment).FullName
            && e.Message.Contains("Development start without demo data: the database holds 1 customer(s) and 0 feedback item(s) that the demo did not write", StringComparison.Ordinal));
    }

    /// <summary>
    /// The accident: a fresh production database with its first Admin (from <c>voc user create</c>) started in
    /// Development would have got demo users with a published password and the demo organisation.
    /// </summary>
    [Fact]
    public async Task A_Development_start_on_a_database_with_real_users_and_no_customers_adds_no_demo_users_or_data()
    {
        using var database = TestDatabase.CreateSqlite();
        await (await MigratedAsync(database)).DisposeAsync();
        var created = await SeedTestSupport.RunVocAsync(database, "user", "create", "--email", "owner@example.com", "--role", "Admin", "--password", "Correct-horse-1");
        Assert.True(created.ExitCode == 0, created.Errors);

        using var app = new VocAppFactory(database, new Dictionary<string, string?> { ["Seed:Customers"] = "4", ["Seed:Feedback"] = "30" }) { Environment = "Development" };
        await app.EnsureChannelsAsync();

        Assert.Equal(0, await app.WithDbAsync(db => db.Customers.CountAsync()));
        await using var scope = app.Scope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(DemoEnvironment.Users[0].Email));
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("it has 1 user(s) who are not demo users", StringComparison.Ordinal));
    }

    [Fact]
    public void The_launch_profile_asks_for_Development_only_as_a_default_that_the_shell_overrides()
    {
        using var launch = JsonDocument.Parse(Checkout.ReadText("src/VoiceOfCustomer.Web/Properties/launchSettings.json"));
        foreach (var profile in launch.RootElement.GetProperty("profiles").EnumerateObject())
        {
            var variables = profile.Value.GetProperty("environmentVariables");
            Assert.False(variables.TryGetProperty("ASPNETCORE_ENVIRONMENT", out _), $"{profile.Name} sets ASPNETCORE_ENVIRONMENT, which beats the shell's");
            Assert.False(variables.TryGetProperty("DOTNET_ENVIRONMENT", out _), $"{profile.Name} sets DOTNET_ENVIRONMENT, which beats the shell's");
            Assert.Equal("Development", variables.GetProperty(LaunchEnvironment.Variable).GetString());
        }

        Dictionary<string, string?> Shell(params (string Key, string Value)[] set) => set.ToDictionary(v => v.Key, v => (string?)v.Value);
        string? Choose(Dictionary<string, string?> shell) => LaunchEnvironment.Choose(name => shell.GetValueOrDefault(name));
        Assert.Equal("Development", Choose(Shell((LaunchEnvironment.Variable, "Development"))));
        Assert.Null(Choose(Shell((LaunchEnvironment.Variable, "Development"), ("ASPNETCORE_ENVIRONMENT", "Production"))));
        Assert.Null(Choose(Shell((LaunchEnvironment.Variable, "Development"), ("DOTNET_ENVIRONMENT", "Staging"))));
        Assert.Null(Choose(Shell()));
    }

    /// <summary>
    /// The command, <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c>: the launch profile's variable comes with it,
    /// and the shell's environment wins, so no demo data; without the shell's, the profile's Development seeds the demo.
    /// </summary>
    [Fact]
    public async Task The_shells_ASPNETCORE_ENVIRONMENT_beats_the_launch_profiles_Development_in_a_real_process()
    {
        var folder = Directory.CreateTempSubdirectory("voc-launch-");
        try
        {
            var file = Path.Combine(folder.FullName, "voc.db");
            var settings = new Dictionary<string, string?>
            {
                [LaunchEnvironment.Variable] = "Development", ["DOTNET_ENVIRONMENT"] = null,
                ["Seed:Customers"] = "3", ["Seed:Feedback"] = "10", ["Workflows:DispatcherEnabled"] = "false",
            };
            (await Workflows.AppProcess.StartAsync(file, settings)).Kill(); // AppProcess sets ASPNETCORE_ENVIRONMENT=Production
            await using (var db = Workflows.AppProcess.OpenDatabase(file))
                Assert.Equal(0, await db.Customers.CountAsync());

            settings["ASPNETCORE_ENVIRONMENT"] = null;
            (await Workflows.AppProcess.StartAsync(file, settings)).Kill();
            await using (var db = Workflows.AppProcess.OpenDatabase(file))
                Assert.Equal(3, await db.Customers.CountAsync(c => c.Reference.StartsWith(DemoDataGuard.CustomerReferencePrefix)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task SeedAsync(VocAppFactory app, DemoSeedRequest request)
    {
        await using var scope = app.Scope();
        await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(request);
    }

    /// <summary>The schema on a database no app has opened yet, for arranging what a start-up then finds.</summary>
    private static async Task<VoiceOfCustomer.Data.VocDbContext> MigratedAsync(TestDatabase database)
    {
        var db = SeedTestSupport.Context(database);
        await db.Database.MigrateAsync();
        return db;
    }

    /// <summary>A database no app has opened yet, holding one customer the demo did not write.</summary>
    private static async Task<TestDatabase> WithARealCustomerAsync(string provider)
    {
        var database = SeedTestSupport.Create(provider);
        await using var db = await MigratedAsync(database);
        db.Customers.Add(new Customer
        {
            Reference = "ACME-001", ReferenceNormalized = "ACME-001", Name = "Acme Retail", LifecycleStage = LifecycleStage.Active, CreatedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return database;
    }
}
