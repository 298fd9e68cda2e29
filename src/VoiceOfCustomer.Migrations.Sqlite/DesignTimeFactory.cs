using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef</c> build the context for SQLite without starting the app.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VocDbContext>
{
    public VocDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<VocDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new VocDbContext(builder.Options);
    }
}
