using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

public sealed class SeedCommandTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Voc_seed_creates_the_numbers_asked_for_and_refuses_a_database_with_customers(string provider)
    {
        using var database = SeedTestSupport.Create(provider);

        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "300", "--seed", "7", "--as-of", "2026-06-30");
        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains("feedback added:    300", run.Output, StringComparison.Ordinal);
        Assert.Contains("feedback", run.Errors, StringComparison.Ordinal); // progress goes to stderr

        await using (var db = SeedTestSupport.Context(database))
        {
            Assert.Equal(12, await db.Customers.CountAsync());
            Assert.Equal(300, await db.FeedbackItems.CountAsync());
            Assert.Equal(5, await db.Channels.CountAsync());
            Assert.Equal(5, await db.FeedbackItems.Select(f => f.ChannelId).Distinct().CountAsync());
            Assert.Equal(2, await db.FeedbackItems.Select(f => f.Language).Distinct().CountAsync());
            Assert.True(await db.Contacts.AnyAsync(c => c.Role == ContactRole.Buyer));
            Assert.True(await db.Contacts.AnyAsync(c => c.Role == ContactRole.User));
            Assert.True(await db.FeedbackItems.AnyAsync(f => f.ContactId != null));
            // Voices are attached to the seeded customers, not to prospects made up from names.
            Assert.Equal(12, await db.Customers.CountAsync(c => c.Reference.StartsWith("DEMO-7-")));
            Assert.True(await db.Customers.AnyAsync(c => c.SegmentId != null && c.AnnualRecurringRevenue > 0));
        }

        var refused = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "5", "--feedback", "10");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("already has 12 customer(s)", refused.Errors, StringComparison.Ordinal);

        // --append with the same seed recognises everything it made before; a new seed adds to it.
        var same = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "300", "--seed", "7", "--as-of", "2026-06-30", "--append");
        Assert.True(same.ExitCode == 0, same.Errors);
        Assert.Contains("feedback added:    0 (300 already there)", same.Output, StringComparison.Ordinal);
        var other = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "3", "--feedback", "40", "--seed", "8", "--append");
        Assert.True(other.ExitCode == 0, other.Errors);
        await using (var db = SeedTestSupport.Context(database))
        {
            Assert.Equal(15, await db.Customers.CountAsync());
            Assert.Equal(340, await db.FeedbackItems.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Voc_seed_codes_a_history_of_older_voices_with_what_they_were_written_about(string provider)
    {
        using var database = SeedTestSupport.Create(provider);
        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "400", "--coded", "40", "--seed", "7", "--as-of", "2026-06-30");
        Assert.True(run.ExitCode == 0, run.Errors);

        await using (var db = SeedTestSupport.Context(database))
        {
            var coded = await db.Attributions.AsNoTracking()
                .Select(a => new
                {
                    a.State, a.SubmittedAt, a.FeedbackItem!.ReceivedAt, a.FeedbackItem.Status, a.FeedbackItem.Verbatim,
                    Metric = a.BusinessMetric!.Key, a.CapabilityGapId, GapDomain = a.CapabilityGap!.OwningDomainId, a.OwningDomainId,
                    a.ValueDimension, a.VoiceRole, a.ImpactDirection, Tags = a.Tags.Count,
                })
                .ToListAsync();
            // Every tenth voice, leaving out the last week's.
            Assert.InRange(coded.Count, 30, 40);
            Assert.Contains($"already coded:     {coded.Count}", run.Output, StringComparison.Ordinal);
            Assert.All(coded, a =>
            {
                Assert.Equal(AttributionState.Submitted, a.State);
                Assert.Equal(FeedbackStatus.Attributed, a.Status);
                Assert.True(a.ReceivedAt < new DateTime(2026, 6, 23, 0, 0, 0, DateTimeKind.Utc), $"{a.ReceivedAt:u} is within the last week");
                Assert.True(a.SubmittedAt > a.ReceivedAt);
                Assert.Equal(a.GapDomain, a.OwningDomainId);
                Assert.NotNull(a.ValueDimension);
                Assert.NotNull(a.VoiceRole);
                Assert.NotNull(a.ImpactDirection);
                Assert.Equal(1, a.Tags);
            });
            Assert.True(coded.Select(a => a.CapabilityGapId).Distinct().Count() > 5, "The history covers many gaps.");
            Assert.Equal(coded.Count, await db.FeedbackItems.CountAsync(f => f.Status == FeedbackStatus.Attributed));
        }

        // Seeding the same again codes nothing twice.
        var same = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "400", "--coded", "40", "--seed", "7", "--as-of", "2026-06-30", "--append");
        Assert.True(same.ExitCode == 0, same.Errors);
        Assert.Contains("already coded:     0", same.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_sizes_are_refused()
    {
        using var database = SeedTestSupport.Create("Sqlite");
        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--feedback", "-1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("must be zero or more", run.Errors, StringComparison.Ordinal);
        var coded = await SeedTestSupport.RunVocAsync(database, "seed", "--coded", "-5");
        Assert.Equal(2, coded.ExitCode);
        Assert.Contains("--coded must be zero or more", coded.Errors, StringComparison.Ordinal);
    }
}
