using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Data.SqlServer;

namespace VoiceOfCustomer.IntegrationTests.Data;

/// <summary>
/// Every schema change reaches every database: the three migrations projects hold the same migrations
/// (scripts/add-migration.sh adds one to all three). SQL Server joined later: its first migration, Initial, creates the
/// whole model as it stood then, and every migration after it must exist for all three providers.
/// </summary>
public sealed class MigrationSetsTests
{
    [Fact]
    public void The_three_migration_projects_hold_the_same_migrations()
    {
        var sqlite = Migrations(DatabaseProvider.Sqlite);
        var postgres = Migrations(DatabaseProvider.Postgres);
        var sqlServer = Migrations(DatabaseProvider.SqlServer);

        Assert.Equal(Names(sqlite), Names(postgres));
        var baseline = sqlServer[0];
        Assert.Equal("Initial", Name(baseline));
        // Migration ids start with their UTC creation time, so "after the baseline" is an ordinal comparison.
        var sinceBaseline = Names(sqlite.Where(id => string.CompareOrdinal(id, baseline) > 0));
        Assert.Equal(sinceBaseline, Names(postgres.Where(id => string.CompareOrdinal(id, baseline) > 0)));
        Assert.Equal(sinceBaseline, Names(sqlServer.Skip(1)));
        Assert.True(sqlite.Count > sinceBaseline.Count, "the SQL Server baseline should come after the first migrations of the other providers");
    }

    [Fact]
    public void Each_provider_runs_its_own_migrations()
    {
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            using var db = SqlServerDesignTime.Context(provider);
            var migrations = db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrationsAssembly>();
            Assert.Equal($"VoiceOfCustomer.Migrations.{provider}", migrations.Assembly.GetName().Name);
        }
    }

    private static List<string> Migrations(DatabaseProvider provider)
    {
        using var db = SqlServerDesignTime.Context(provider);
        return [.. db.Database.GetMigrations()];
    }

    /// <summary>An id is <c>yyyyMMddHHmmss_Name</c>.</summary>
    private static string Name(string id) => id[(id.IndexOf('_') + 1)..];

    private static List<string> Names(IEnumerable<string> ids) => [.. ids.Select(Name)];
}
