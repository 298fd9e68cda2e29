using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Migrations.SqlServer;

/// <summary>Lets <c>dotnet ef</c> build the context for SQL Server without a server (migrations need none).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VocDbContext>
{
    /// <summary>Never opened: adding a migration or writing a script only needs the provider's model.</summary>
    public const string DesignTimeConnectionString = "Server=127.0.0.1;Database=voc_design;User ID=voc;Password=unused;TrustServerCertificate=True";

    public VocDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<VocDbContext>();
        DatabaseServiceCollectionExtensions.Configure(builder, DatabaseProvider.SqlServer, DesignTimeConnectionString);
        return new VocDbContext(builder.Options);
    }
}
