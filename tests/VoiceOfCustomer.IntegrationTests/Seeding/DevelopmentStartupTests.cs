using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Web;

using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

public sealed class DevelopmentStartupTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_empty_Development_database_gets_demo_users_per_role_and_the_demo_organisation(string provider)
    {
        using var app = new VocAppFactory(SeedTestSupport.Create(provider),
            new Dictionary<string, string?> { ["Seed:Customers"] = "15", ["Seed:Feedback"] = "200" }) { Environment = "Development" };
        await using var scope = app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();

        foreach (var demo in DemoEnvironment.Users)
        {
            var user = await users.FindByEmailAsync(demo.Email);
            Assert.NotNull(user);
            Assert.True(await users.IsInRoleAsync(user, demo.Role), $"{demo.Email} should be {demo.Role}");
            Assert.True(await users.CheckPasswordAsync(user, "Demo!2345"), demo.Email);
        }
        foreach (var role in Roles.All)
            Assert.NotEmpty(await users.GetUsersInRoleAsync(role));

        var csmIds = (await users.GetUsersInRoleAsync(Roles.Csm)).Select(u => u.Id).ToList();
        Assert.Equal(15, await app.WithDbAsync(db => db.Customers.CountAsync()));
        Assert.Equal(200, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
        var owners = await app.WithDbAsync(db => db.Customers.Where(c => c.LifecycleStage != LifecycleStage.Prospect).Select(c => c.CsmUserId).ToListAsync());
        Assert.All(owners, id => Assert.Contains(id, csmIds));
        // Feedback inherits its customer's CSM as owner.
        Assert.True(await app.WithDbAsync(db => db.FeedbackItems.AnyAsync(f => f.OwnerCsmId != null)));
        // A coding history comes with it (most voices, all but the last days' and a few forgotten ones), for the suggester to learn from.
        var coded = await app.WithDbAsync(db => db.Attributions.CountAsync(a => a.State == AttributionState.Submitted));
        Assert.InRange(coded, 150, 199);
        // Coded by the customer's CSM, as a real history would show.
        Assert.True(await app.WithDbAsync(db => db.Attributions.AllAsync(a => a.UpdatedById == a.FeedbackItem!.OwnerCsmId)));
        Assert.True(await app.WithDbAsync(db => db.Attributions.AnyAsync(a => a.UpdatedById != null)));
        var model = await scope.ServiceProvider.GetRequiredService<SuggestionTrainer>().TrainAsync();
        Assert.NotNull(model);
        Assert.False(model.IsColdStart);
        var open = await app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Status == FeedbackStatus.New).Select(f => f.Verbatim).FirstAsync());
        var suggested = scope.ServiceProvider.GetRequiredService<SuggestionModelStore>().Current!.Suggest(open);
        Assert.Contains(suggested, s => s.Source == SuggestionSource.Local && s.Ranked.Count > 0);
    }
}
