using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.IntegrationTests.Data;

public sealed class FeedbackBulkWriterTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static TestDatabase Create(string provider) => TestDatabase.Create(provider);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_written_in_bulk_read_back_through_EF_exactly(string provider)
    {
        using var app = new VocAppFactory(Create(provider));
        await app.EnsureChannelsAsync();
        var channelId = await app.WithDbAsync(db => db.Channels.Where(c => c.Key == "support").Select(c => c.Id).SingleAsync());
        var receivedAt = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1230); // PostgreSQL keeps microseconds

        await using (var writer = await FeedbackBulkWriter.OpenAsync(app.Services.GetRequiredService<DatabaseConnection>(), TimeProvider.System))
        {
            writer.BeginBatch();
            Assert.True(writer.Add(new BulkFeedback(channelId, "T-1", "ACME-1", new ContactSubmission { Name = "王芳", Email = "Wang@Acme.example", Role = "buyer" },
                "补货预测没有读取实时促销数据。'); DROP TABLE \"FeedbackItems\";--", receivedAt, "zh", """{"priority":"high"}""")));
            Assert.True(writer.Add(new BulkFeedback(channelId, "T-2", "acme-1", null, "Second voice", receivedAt, "en", null)));
            Assert.False(writer.Add(new BulkFeedback(channelId, "T-1", "ACME-1", null, "a retry of T-1", receivedAt, "en", null)));
            await writer.CommitBatchAsync();
        }

        var items = await app.WithDbAsync(db => db.FeedbackItems.Include(f => f.Contact).Include(f => f.Customer).OrderBy(f => f.ExternalId).ToListAsync());
        Assert.Equal(2, items.Count);
        Assert.Equal("补货预测没有读取实时促销数据。'); DROP TABLE \"FeedbackItems\";--", items[0].Verbatim);
        Assert.Equal(receivedAt, items[0].ReceivedAt);
        Assert.Equal(DateTimeKind.Utc, items[0].ReceivedAt.Kind);
        Assert.Equal(FeedbackStatus.New, items[0].Status);
        Assert.Equal("wang@acme.example", items[0].Contact!.Email);
        Assert.Equal(ContactRole.Buyer, items[0].Contact!.Role);
        Assert.Equal(LifecycleStage.Prospect, items[0].Customer!.LifecycleStage);
        Assert.Equal(items[0].CustomerId, items[1].CustomerId);
        Assert.Equal(items[0].IngestedAt.AddHours(48), items[0].AttributionDueAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_rolled_back_batch_leaves_no_rows_and_no_prospects(string provider)
    {
        using var app = new VocAppFactory(Create(provider));
        await app.EnsureChannelsAsync();
        var channelId = await app.WithDbAsync(db => db.Channels.Where(c => c.Key == "survey").Select(c => c.Id).SingleAsync());

        await using (var writer = await FeedbackBulkWriter.OpenAsync(app.Services.GetRequiredService<DatabaseConnection>(), TimeProvider.System))
        {
            writer.BeginBatch();
            writer.Add(new BulkFeedback(channelId, "S-1", "New Prospect Ltd", new ContactSubmission { Name = "Ann" }, "text", DateTime.UtcNow, "en", null));
            await writer.RollbackBatchAsync();

            // The directory must not remember the rolled-back prospect.
            writer.BeginBatch();
            Assert.True(writer.Add(new BulkFeedback(channelId, "S-2", "New Prospect Ltd", null, "text", DateTime.UtcNow, "en", null)));
            await writer.CommitBatchAsync();
        }

        Assert.Equal(["S-2"], await app.WithDbAsync(db => db.FeedbackItems.Select(f => f.ExternalId).ToListAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Customers.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Contacts.CountAsync()));
    }
}
