using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.CustomerValue;

/// <summary>
/// The lifecycle stages before issue 18 map onto the computed ones, and each old stage is kept in the customer history.
/// A database migrated to the migration before, holding every old stage, is migrated forward and read back.
/// </summary>
public sealed class StageMigrationTests
{
    public static TheoryData<string> Providers => new() { nameof(DatabaseProvider.Sqlite), nameof(DatabaseProvider.Postgres) };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Old_stages_are_mapped_and_kept_in_the_history(string provider)
    {
        using var database = TestDatabase.Create(provider);
        var options = DatabaseServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<VocDbContext>(), database.Provider, database.ConnectionString).Options;
        await using var db = new VocDbContext((DbContextOptions<VocDbContext>)options);
        var migrator = db.GetService<IMigrator>();
        var all = db.Database.GetMigrations().ToList();
        var customerValue = all.Single(m => m.EndsWith("_CustomerValue", StringComparison.Ordinal));
        await migrator.MigrateAsync(all[all.IndexOf(customerValue) - 1]);

        string[] old = ["Prospect", "Onboarding", "Adoption", "Expansion", "Renewal", "AtRisk", "Churned"];
        for (var i = 0; i < old.Length; i++)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Customers" ("Reference", "ReferenceNormalized", "Name", "LifecycleStage", "CreatedAt")
                VALUES ({"C-" + i}, {"C-" + i}, {"Customer " + old[i]}, {old[i]}, {new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)})
                """);
        }

        await migrator.MigrateAsync();

        var stages = await db.Customers.AsNoTracking().OrderBy(c => c.Reference).Select(c => c.LifecycleStage).ToListAsync();
        Assert.Equal([LifecycleStage.Prospect, LifecycleStage.New, LifecycleStage.Active, LifecycleStage.Active,
            LifecycleStage.Active, LifecycleStage.ChurnRisk, LifecycleStage.Churned], stages);
        var history = await db.CustomerHistory.AsNoTracking().OrderBy(h => h.From).Select(h => new { h.Kind, h.From, h.To, h.Reason }).ToListAsync();
        Assert.Equal(["Adoption", "AtRisk", "Expansion", "Onboarding", "Renewal"], history.Select(h => h.From));
        Assert.All(history, h => Assert.Equal((CustomerHistoryKind.Stage, "migration"), (h.Kind, h.Reason)));
        Assert.Equal(["Active", "ChurnRisk", "Active", "New", "Active"], history.Select(h => h.To));
    }
}
