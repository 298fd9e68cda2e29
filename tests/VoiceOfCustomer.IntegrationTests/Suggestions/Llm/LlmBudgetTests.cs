using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.IntegrationTests.Suggestions.Llm;

/// <summary>The daily budget holds across concurrent callers (several app instances share one PostgreSQL database).</summary>
public sealed class LlmBudgetTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    private static TestDatabase Create(string provider) => provider == "Postgres" ? TestDatabase.CreatePostgres() : TestDatabase.CreateSqlite();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_reservations_never_exceed_the_budget(string provider)
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["DailyCallBudget"] = "1" }, database: Create(provider));
        var budget = host.App.Services.GetRequiredService<LlmBudget>();

        // No row for today yet: every caller races to insert it, then to take the one call.
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => budget.TryReserveAsync())));

        Assert.Equal(1, results.Count(reserved => reserved));
        var usage = Assert.Single(await host.App.WithDbAsync(db => db.LlmDailyUsage.ToListAsync()));
        Assert.Equal(DateOnly.FromDateTime(LlmTestHost.Now.UtcDateTime), usage.Day);
        Assert.Equal(1, usage.Calls);
        host.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Two_concurrent_passes_with_a_budget_of_one_make_exactly_one_call()
    {
        await using var host = await LlmTestHost.StartAsync(new Dictionary<string, string?> { ["DailyCallBudget"] = "1" }, database: TestDatabase.CreatePostgres());
        await host.AddOpenAsync("O-1", "The forecast ignored our promotion.", minutesAgo: 20);
        await host.AddOpenAsync("O-2", "Please split the invoice.", minutesAgo: 10);
        host.Server.Content = """{"OwningDomain":"t-supply"}""";
        // Two services over one database stand for two app instances.
        var other = ActivatorUtilities.CreateInstance<LlmRefinementService>(host.App.Services);

        var stored = await Task.WhenAll(Task.Run(() => host.Service.RunOnceAsync()), Task.Run(() => other.RunOnceAsync()));

        Assert.Single(host.Server.Requests);
        Assert.Equal(1, stored.Sum());
        var record = Assert.Single(await host.RecordsAsync());
        Assert.Equal("""{"OwningDomain":"t-supply"}""", record.AnswerJson);
        Assert.Equal(1, await host.App.WithDbAsync(db => db.LlmDailyUsage.Select(u => u.Calls).SingleAsync()));
        host.Logs.AssertNoErrors();
    }
}
