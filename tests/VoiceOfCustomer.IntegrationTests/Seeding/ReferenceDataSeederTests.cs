using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

public sealed class ReferenceDataSeederTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Start_up_loads_the_seed_files_into_a_fresh_database_and_a_second_run_adds_nothing(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider));
        await using var scope = app.Scope();
        var files = ReferenceDataFiles.Load(scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value.ResolveDirectory());

        var stored = await app.WithDbAsync(async db => new
        {
            Channels = await db.Channels.CountAsync(),
            Segments = await db.Segments.CountAsync(),
            Metrics = await db.BusinessMetrics.CountAsync(),
            Domains = await db.OwningDomains.CountAsync(),
            Gaps = await db.CapabilityGaps.CountAsync(g => g.OwningDomainId != null),
            Tags = await db.Tags.CountAsync(),
            Strategic = await db.Segments.SingleAsync(s => s.Key == "strategic-cobuild"),
        });
        Assert.Equal(files.Channels.Count, stored.Channels);
        Assert.Equal(files.Segments.Count, stored.Segments);
        Assert.Equal(files.BusinessMetrics.Count, stored.Metrics);
        Assert.Equal(files.OwningDomains.Count, stored.Domains);
        Assert.Equal(files.CapabilityGaps.Count, stored.Gaps);
        Assert.Equal(files.Tags.Count, stored.Tags);
        Assert.Equal(TimeSpan.FromHours(24), stored.Strategic.Policy.AttributionTarget);
        Assert.Equal("战略共建客户", stored.Strategic.NameZh);

        // An admin's rename survives, and nothing is added twice.
        await app.WithDbAsync(async db =>
        {
            var support = await db.Channels.SingleAsync(c => c.Key == "support");
            support.Name = "Helpdesk (Zendesk)";
            return await db.SaveChangesAsync();
        });
        var again = await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync();
        Assert.Equal(0, again.Total);
        Assert.Equal("Helpdesk (Zendesk)", await app.WithDbAsync(db => db.Channels.Where(c => c.Key == "support").Select(c => c.Name).SingleAsync()));
        Assert.Equal(files.Channels.Count, await app.WithDbAsync(db => db.Channels.CountAsync()));

        // A deleted entry comes back; the rest is left alone.
        await app.WithDbAsync(async db => await db.Tags.Where(t => t.Key == "usability").ExecuteDeleteAsync());
        Assert.Equal(1, (await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync()).Tags);
    }

    [Fact]
    public async Task Outside_Development_start_up_creates_the_roles_but_no_demo_data()
    {
        using var app = new VocAppFactory();
        await using var scope = app.Scope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            Assert.True(await roles.RoleExistsAsync(role), role);
        Assert.Equal(0, await app.WithDbAsync(db => db.Customers.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync()));
    }
}
