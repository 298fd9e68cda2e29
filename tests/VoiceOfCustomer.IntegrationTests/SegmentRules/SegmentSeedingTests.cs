using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.IntegrationTests.SegmentRules;

public sealed class SegmentSeedingTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static async Task<ReferenceSeedResult> SeedAsync(VocAppFactory app)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Behaviour_metrics_rules_and_success_paths_are_seeded_once_and_owners_fall_back_to_the_first_Admin(string provider)
    {
        using var app = new VocAppFactory(TestDatabase.Create(provider));
        ReferenceData files;
        await using (var scope = app.Scope())
            files = ReferenceDataFiles.Load(scope.ServiceProvider.GetRequiredService<IOptions<SeedOptions>>().Value.ResolveDirectory());

        // The start seeded metrics and rules; with nobody to own them, no targets yet.
        var metrics = await app.WithDbAsync(db => db.BehaviourMetrics.OrderBy(m => m.Key).ToListAsync());
        Assert.Equal(files.BehaviourMetrics.Select(m => m.Key).Order(StringComparer.Ordinal), metrics.Select(m => m.Key));
        Assert.True(metrics.Single(m => m.Key == "nps").IsExternal);
        Assert.Equal((MetricUnit.Percent, GoodDirection.Down), metrics.Single(m => m.Key == "customisation-level") is var c ? (c.Unit, c.GoodDirection) : default);
        var order = await app.WithDbAsync(db => db.Segments.OrderBy(s => s.Position).Select(s => new { s.Key, s.RuleJson }).ToListAsync());
        Assert.Equal(files.Segments.Select(s => s.Key), order.Select(s => s.Key));
        Assert.All(order, s => Assert.NotNull(s.RuleJson));
        Assert.Equal(0, await app.WithDbAsync(db => db.BehaviourTargets.CountAsync()));

        // An Admin and a user named by the file arrive: the next start materialises every factor for this quarter.
        var admin = await WebTestSupport.CreateUserAsync(app, Roles.Admin, "First Admin");
        string csmId;
        await using (var scope = app.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var csm = new AppUser { UserName = "csm@voc.local", Email = "csm@voc.local" };
            Assert.True((await users.CreateAsync(csm, WebTestSupport.Password)).Succeeded);
            csmId = csm.Id;
        }
        var seeded = await SeedAsync(app);
        var factors = files.Segments.SelectMany(s => s.SuccessPath ?? []).ToList();
        Assert.Equal(factors.Count, seeded.BehaviourTargets);
        var quarter = SuccessPaths.QuarterOf(DateTime.UtcNow, TimeZoneInfo.Utc);
        var targets = await app.WithDbAsync(db => db.BehaviourTargets.Include(t => t.Segment).Include(t => t.Metric).ToListAsync());
        Assert.All(targets, t => Assert.Equal(quarter, t.Quarter));
        var adminId = await app.WithDbAsync(db => db.Users.Where(u => u.Email == admin).Select(u => u.Id).SingleAsync());
        var named = targets.Single(t => t.Segment!.Key == "enterprise" && t.Stage == global::VoiceOfCustomer.Customers.LifecycleStage.Active && t.Metric!.Key == "core-module-usage");
        Assert.Equal((55, 70, csmId), (named.Baseline, named.Target, named.OwnerUserId));
        // pm@voc.local is nobody here, and a factor without an owner has none: both go to the Admin.
        Assert.Equal(adminId, targets.Single(t => t.Segment!.Key == "strategic-cobuild" && t.Stage == global::VoiceOfCustomer.Customers.LifecycleStage.Prospect).OwnerUserId);
        Assert.Equal(adminId, targets.Single(t => t.Segment!.Key == "smb" && t.Stage == global::VoiceOfCustomer.Customers.LifecycleStage.WinBack).OwnerUserId);

        // A restart adds nothing; the Admin's names and own metrics survive, the file's definition of a shipped metric wins.
        await app.WithDbAsync(async db =>
        {
            var nps = await db.BehaviourMetrics.SingleAsync(m => m.Key == "nps");
            nps.Name = "Relationship NPS";
            nps.Unit = MetricUnit.Count;
            db.BehaviourMetrics.Add(new BehaviourMetric { Key = "store-visits", Name = "Store visits", Unit = MetricUnit.Count, Aggregation = MetricAggregation.Sum });
            var enterprise = await db.Segments.SingleAsync(s => s.Key == "enterprise");
            enterprise.RuleJson = null; // as stored before rules ran
            enterprise.Position = 0;
            var mid = await db.Segments.SingleAsync(s => s.Key == "mid-market");
            mid.RuleJson = """{"coordinate":"arr","op":">=","value":1}"""; // an Admin's rule
            return await db.SaveChangesAsync();
        });
        var again = await SeedAsync(app);
        Assert.Equal((0, 0, 1), (again.BehaviourTargets, again.BehaviourMetrics, again.SegmentRules));
        var after = await app.WithDbAsync(db => db.BehaviourMetrics.ToDictionaryAsync(m => m.Key));
        Assert.Equal(("Relationship NPS", MetricUnit.Score), (after["nps"].Name, after["nps"].Unit));
        Assert.Equal("Store visits", after["store-visits"].Name);
        var segments = await app.WithDbAsync(db => db.Segments.ToDictionaryAsync(s => s.Key));
        Assert.Equal(files.Segments.Single(s => s.Key == "enterprise").RuleJson, segments["enterprise"].RuleJson);
        Assert.Equal(50, segments["enterprise"].Position);
        Assert.Equal("""{"coordinate":"arr","op":">=","value":1}""", segments["mid-market"].RuleJson);
        Assert.Equal(factors.Count, await app.WithDbAsync(db => db.BehaviourTargets.CountAsync()));
        Assert.Equal(0, (await SeedAsync(app)).Total);
    }
}
