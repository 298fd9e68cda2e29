using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef</c> build the context for PostgreSQL without a server (migrations need none).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VocDbContext>
{
    public VocDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<VocDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, DatabaseProvider.Postgres, "Host=127.0.0.1;Database=voc_design");
        return new VocDbContext(builder.Options);
    }
}
