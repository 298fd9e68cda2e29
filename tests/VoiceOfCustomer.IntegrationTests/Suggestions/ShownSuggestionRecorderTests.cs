using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Seeding;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>
/// The coding form queues its shown suggestions and <see cref="ShownSuggestionRecorder"/> writes them behind the
/// response: nothing shown may be lost, written twice, or left unscored.
/// </summary>
public sealed class ShownSuggestionRecorderTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    private static async Task<(VocAppFactory App, int CustomerId)> AppWithColdStartModelAsync(string provider, string batchDelay)
    {
        var app = new VocAppFactory(SeedTestSupport.Create(provider), new Dictionary<string, string?> { ["Suggestions:RecordBatchDelay"] = batchDelay });
        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "SUGG-REC", "Recorder Co");
        Assert.NotNull(await app.Services.GetRequiredService<SuggestionTrainer>().ColdStartIfNoModelAsync());
        return (app, customer.Id);
    }

    private static Task<long> NewItemAsync(VocAppFactory app, int customerId, string verbatim) =>
        WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "rec-" + Guid.NewGuid().ToString("N")[..12], customerId, verbatim, DateTime.UtcNow.AddHours(-1)));

    private static Task<List<SuggestionRecord>> StoredAsync(VocAppFactory app, long itemId) =>
        app.WithDbAsync(db => db.SuggestionRecords.AsNoTracking().Where(r => r.FeedbackItemId == itemId).ToListAsync());

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_loop_writes_what_the_form_showed_once_shortly_after_the_response(string provider)
    {
        var (app, customerId) = await AppWithColdStartModelAsync(provider, "00:00:00.100");
        using var _ = app;
        var itemId = await NewItemAsync(app, customerId, "Invoices per legal entity are missing");
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);

        var views = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync($"/coding/{itemId}")));
        Assert.All(views, v => Assert.Equal(HttpStatusCode.OK, v.StatusCode));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<SuggestionRecord> stored;
        while ((stored = await StoredAsync(app, itemId)).Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(Enum.GetValues<SuggestionField>().Length, stored.Count);
        Assert.Equal(stored.Count, stored.Select(r => (r.Field, r.Source, r.ModelVersion)).Distinct().Count());
        Assert.All(stored, r => Assert.Equal(SuggestionOutcome.Pending, r.Outcome));
        Assert.Equal(0, app.Services.GetRequiredService<ShownSuggestionRecorder>().PendingCount);

        // Viewing again after they are stored queues them again; writing that adds no second row.
        await client.GetStringAsync($"/coding/{itemId}");
        await app.Services.GetRequiredService<ShownSuggestionRecorder>().FlushAsync();
        Assert.Equal(stored.Count, (await StoredAsync(app, itemId)).Count);
        app.Logs.AssertNoErrors(); // the views raced to insert the same rows: expected, not an error
    }

    [Fact]
    public async Task A_submit_right_after_the_view_scores_suggestions_that_were_still_queued()
    {
        // An hour's batch delay: only the submit's own flush can have written them.
        var (app, customerId) = await AppWithColdStartModelAsync("Sqlite", "01:00:00");
        using var _ = app;
        var itemId = await NewItemAsync(app, customerId, "Invoices per legal entity are missing");
        var client = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);
        var page = await client.GetStringAsync($"/coding/{itemId}");
        Assert.Empty(await StoredAsync(app, itemId));
        Assert.True(app.Services.GetRequiredService<ShownSuggestionRecorder>().PendingCount >= Enum.GetValues<SuggestionField>().Length);

        var ids = await app.WithDbAsync(async db => new
        {
            Metric = await db.BusinessMetrics.Where(m => m.Key == "renewal-rate").Select(m => m.Id).SingleAsync(),
            Gap = await db.CapabilityGaps.Where(g => g.Key == "invoice-per-legal-entity").Select(g => g.Id).SingleAsync(),
            Domain = await db.OwningDomains.Where(d => d.Key == "billing").Select(d => d.Id).SingleAsync(),
        });
        var response = await client.PostAsync($"/coding/{itemId}", new FormUrlEncodedContent(
        [
            new("MetricId", ids.Metric.ToString()), new("Direction", "down"), new("Magnitude", "3"), new("Unit", "%"),
            new("CapabilityGapId", ids.Gap.ToString()), new("Hypothesis", "One invoice for many entities."),
            new("OwningDomainId", ids.Domain.ToString()), new("ValueDimension", "pain"), new("VoiceRole", "buyer"),
            new("Version", "0"), new("Action", "submit"), new("__RequestVerificationToken", WebTestSupport.AntiforgeryToken(page)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var stored = await StoredAsync(app, itemId);
        Assert.Equal(Enum.GetValues<SuggestionField>().Length, stored.Count);
        Assert.All(stored, r => Assert.NotEqual(SuggestionOutcome.Pending, r.Outcome));
        Assert.All(stored, r => Assert.NotNull(r.ResolvedAt));
        Assert.Equal("invoice-per-legal-entity", stored.Single(r => r.Field == SuggestionField.CapabilityGap).FinalValue);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_batch_that_lands_after_its_item_was_coded_elsewhere_is_scored_as_it_is_written(string provider)
    {
        var (app, customerId) = await AppWithColdStartModelAsync(provider, "01:00:00");
        using var _ = app;
        var codedId = await NewItemAsync(app, customerId, "Invoices per legal entity are missing");
        var openId = await NewItemAsync(app, customerId, "Reports time out every morning");
        await app.WithDbAsync(async db =>
        {
            var gap = await db.CapabilityGaps.Where(g => g.Key == "invoice-per-legal-entity").Select(g => g.Id).SingleAsync();
            db.Attributions.Add(new VoiceOfCustomer.Coding.Attribution
            {
                FeedbackItemId = codedId, CapabilityGapId = gap, State = VoiceOfCustomer.Coding.AttributionState.Submitted, Version = 1,
                UpdatedAt = DateTime.UtcNow, SubmittedAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        SuggestionRecord Shown(long itemId, string? value) => new()
        {
            FeedbackItemId = itemId, Field = SuggestionField.CapabilityGap, Source = SuggestionSource.Local, ModelVersion = 1,
            SuggestedValue = value, Confidence = value is null ? null : 0.8, ShownAt = DateTime.UtcNow,
        };

        var recorder = app.Services.GetRequiredService<ShownSuggestionRecorder>();
        recorder.Enqueue([Shown(codedId, "invoice-per-legal-entity"), Shown(openId, "report-scheduling-export")]);
        recorder.Enqueue([Shown(codedId, "something-else")]); // the same key again: the first one stands
        Assert.Equal(2, recorder.PendingCount);
        await recorder.FlushAsync();

        var coded = Assert.Single(await StoredAsync(app, codedId));
        Assert.Equal(SuggestionOutcome.Accepted, coded.Outcome);
        Assert.Equal("invoice-per-legal-entity", coded.FinalValue);
        var open = Assert.Single(await StoredAsync(app, openId));
        Assert.Equal(SuggestionOutcome.Pending, open.Outcome);
        Assert.Equal(0, recorder.PendingCount);
    }

    [Fact]
    public async Task Rows_already_stored_are_skipped_and_the_new_ones_of_the_same_batch_are_kept()
    {
        var (app, customerId) = await AppWithColdStartModelAsync("Sqlite", "01:00:00");
        using var _ = app;
        var first = await NewItemAsync(app, customerId, "Invoices per legal entity are missing");
        var second = await NewItemAsync(app, customerId, "Reports time out every morning");
        var recorder = app.Services.GetRequiredService<ShownSuggestionRecorder>();
        SuggestionRecord Shown(long itemId, int version) => new()
        {
            FeedbackItemId = itemId, Field = SuggestionField.OwningDomain, Source = SuggestionSource.Local, ModelVersion = version,
            SuggestedValue = "billing", Confidence = 0.7, ShownAt = DateTime.UtcNow,
        };
        recorder.Enqueue([Shown(first, 1), Shown(second, 1)]);
        await recorder.FlushAsync();
        // The same first row again (as if another instance had shown it too) next to a new one.
        recorder.Enqueue([Shown(first, 1), Shown(second, 2)]);
        await recorder.FlushAsync();

        Assert.Single(await StoredAsync(app, first));
        Assert.Equal([1, 2], (await StoredAsync(app, second)).Select(r => r.ModelVersion).Order());
    }
}
