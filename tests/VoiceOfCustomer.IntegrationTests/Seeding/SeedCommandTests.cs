using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Workflows.Persistence;

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
    public async Task Voc_seed_lives_its_voices_through_the_SLA_up_to_the_as_of_date_coding_them_with_what_they_were_written_about(string provider)
    {
        using var database = SeedTestSupport.Create(provider);
        var asOf = new DateTime(2026, 6, 30, 0, 0, 0, DateTimeKind.Utc);
        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "400", "--seed", "7", "--as-of", "2026-06-30");
        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains("history", run.Errors, StringComparison.Ordinal); // the replay reports its progress

        int escalations;
        await using (var db = SeedTestSupport.Context(database))
        {
            var coded = await db.Attributions.AsNoTracking()
                .Select(a => new
                {
                    a.State, a.SubmittedAt, a.FeedbackItem!.ReceivedAt, a.FeedbackItem.IngestedAt, a.FeedbackItem.Status, a.UpdatedById, a.FeedbackItem.OwnerCsmId,
                    a.CapabilityGapId, GapDomain = a.CapabilityGap!.OwningDomainId, a.OwningDomainId, a.ValueDimension, a.VoiceRole, a.ImpactDirection, Tags = a.Tags.Count,
                })
                .ToListAsync();
            // Most voices were coded; the last days' and a few forgotten ones are still open at the as-of date.
            Assert.InRange(coded.Count, 340, 395);
            Assert.Contains($"SLA history:       {coded.Count:N0} coded", run.Output, StringComparison.Ordinal);
            Assert.All(coded, a =>
            {
                Assert.Equal(AttributionState.Submitted, a.State);
                Assert.Equal(FeedbackStatus.Attributed, a.Status);
                Assert.InRange(a.SubmittedAt!.Value, a.IngestedAt, asOf);
                Assert.Equal(a.OwnerCsmId, a.UpdatedById);
                Assert.Equal(a.GapDomain, a.OwningDomainId);
                Assert.NotNull(a.ValueDimension);
                Assert.NotNull(a.VoiceRole);
                Assert.NotNull(a.ImpactDirection);
                Assert.Equal(1, a.Tags);
            });
            Assert.True(coded.Select(a => a.CapabilityGapId).Distinct().Count() > 5, "The history covers many gaps.");

            // Every voice the SLA had something to do with ran through the workflow from its arrival: the open ones are
            // live now, the escalated ones have theirs. Those coded before any milestone need none, as for an item coded
            // before the dispatcher took it on; none waits for the dispatcher to take it on.
            var instances = await db.WorkflowInstances.AsNoTracking().ToDictionaryAsync(i => i.SubjectId);
            var open = await db.FeedbackItems.Where(f => f.Status != FeedbackStatus.Attributed).Select(f => f.Id).ToListAsync();
            Assert.NotEmpty(open);
            Assert.All(open, id => Assert.Contains(instances[id].Status, new[] { WorkflowInstanceStatus.Running, WorkflowInstanceStatus.Paused }));
            Assert.All(await db.SlaEscalations.Select(e => e.FeedbackItemId).Distinct().ToListAsync(), id => Assert.True(instances.ContainsKey(id)));
            var notRun = await db.FeedbackItems.Where(f => !db.WorkflowInstances.Any(i => i.SubjectId == f.Id))
                .Select(f => new { f.Status, f.SlaBreachedAt, f.AttributionDueAt, SubmittedAt = f.Attribution!.SubmittedAt }).ToListAsync();
            Assert.InRange(notRun.Count, 200, 330);
            Assert.All(notRun, f => Assert.True(f.Status == FeedbackStatus.Attributed && f.SlaBreachedAt is null && f.SubmittedAt < f.AttributionDueAt));
            Assert.False(await db.FeedbackItems.AnyAsync(f => f.SlaStartedAt == null));
            escalations = await db.SlaEscalations.CountAsync();
            Assert.True(escalations > 20, $"{escalations} escalations");
            Assert.False(await db.SlaEscalations.AnyAsync(e => e.OccurredAt > asOf));
            Assert.False(await db.DomainEvents.AnyAsync(e => e.DispatchedAt == null));
            // A CLI seed creates no users: the levels are recorded, and there was nobody to e-mail.
            Assert.Equal(0, await db.OutboxEmails.CountAsync());
        }

        // Seeding the same again lives nothing twice.
        var same = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "12", "--feedback", "400", "--seed", "7", "--as-of", "2026-06-30", "--append");
        Assert.True(same.ExitCode == 0, same.Errors);
        Assert.Contains("SLA history:       0 coded", same.Output, StringComparison.Ordinal);
        await using (var db = SeedTestSupport.Context(database))
            Assert.Equal(escalations, await db.SlaEscalations.CountAsync());
    }

    [Fact]
    public async Task Voc_seed_without_history_stores_every_voice_new_for_the_live_dispatcher()
    {
        using var database = SeedTestSupport.Create("Sqlite");
        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "5", "--feedback", "100", "--no-history");
        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains("SLA history:       none", run.Output, StringComparison.Ordinal);
        await using var db = SeedTestSupport.Context(database);
        Assert.Equal(100, await db.FeedbackItems.CountAsync(f => f.Status == FeedbackStatus.New && f.SlaStartedAt == null));
        Assert.Equal(0, await db.Attributions.CountAsync());
        Assert.Equal(0, await db.WorkflowInstances.CountAsync());
    }

    [Fact]
    public async Task Negative_sizes_are_refused()
    {
        using var database = SeedTestSupport.Create("Sqlite");
        var run = await SeedTestSupport.RunVocAsync(database, "seed", "--feedback", "-1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("must be zero or more", run.Errors, StringComparison.Ordinal);
        var customers = await SeedTestSupport.RunVocAsync(database, "seed", "--customers", "-5");
        Assert.Equal(2, customers.ExitCode);
        Assert.Contains("--customers and --feedback must be zero or more", customers.Errors, StringComparison.Ordinal);
    }
}
