using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>The trainer, the persisted and versioned model, and what a restarted process loads.</summary>
public sealed class SuggestionTrainingTests
{
    private static VocAppFactory NewApp(TestDatabase database) => new(database, new Dictionary<string, string?>
    {
        ["Suggestions:RetrainAfterNewCodings"] = "5",
    });

    private static SuggestionModelStore NewStore(VocAppFactory app) =>
        new(app.Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<SuggestionModelStore>.Instance);

    private static string? BestGap(SuggestionModel model, string text) =>
        model.Suggest(text).Single(s => s.Field == SuggestionField.CapabilityGap).Best?.Label;

    [Fact]
    public async Task Trained_model_is_persisted_and_a_restarted_store_suggests_the_right_gap_in_English_and_Chinese()
    {
        using var app = NewApp(TestDatabase.CreateSqlite());
        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "SUGG-TRAIN", "Suggest Co");
        Assert.Equal(60, await SuggestionTestData.AddCodedItemsAsync(app, customer.Id, "train"));

        var record = await app.Services.GetRequiredService<SuggestionTrainer>().TrainAsync();
        Assert.NotNull(record);
        Assert.Equal(1, record.Version);
        Assert.Equal(60, record.TrainingItems);
        Assert.False(record.IsColdStart);
        var evaluation = JsonDocument.Parse(record.EvaluationJson!).RootElement.GetProperty("fields");
        var gap = evaluation.EnumerateArray().Single(f => f.GetProperty("field").GetString() == "CapabilityGap");
        Assert.Equal("Local", gap.GetProperty("source").GetString());
        Assert.Equal(60, gap.GetProperty("examples").GetInt32());
        Assert.Equal(3, gap.GetProperty("labels").GetInt32());
        var status = app.Services.GetRequiredService<SuggestionTrainingStatus>();
        Assert.Equal(1, status.LastTrainedVersion);
        Assert.Equal(SuggestionTrainingState.Idle, status.State);

        // A new process: nothing in memory, the model comes from the database.
        var restarted = NewStore(app);
        Assert.Null(restarted.Current);
        var model = await restarted.EnsureLoadedAsync();
        Assert.NotNull(model);
        Assert.Equal(1, model.Version);
        Assert.False(model.IsColdStart);
        Assert.Equal("invoice-per-legal-entity", BestGap(model, "Finance says the invoice must be issued for our second legal entity"));
        Assert.Equal("sso-scim-provisioning", BestGap(model, "新同事还是无法通过单点登录登录系统，账号要手工开通"));
        Assert.Equal("report-scheduling-export", BestGap(model, "The monthly report export is extremely slow"));
        var domain = model.Suggest("发票无法按子公司开具").Single(s => s.Field == SuggestionField.OwningDomain);
        Assert.Equal("billing", domain.Best?.Label);
        Assert.InRange(domain.Best!.Confidence, 0.0, 1.0);
    }

    [Fact]
    public async Task Enough_new_codings_make_the_retraining_pass_train_the_next_version()
    {
        using var app = NewApp(TestDatabase.CreateSqlite());
        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "SUGG-RETRAIN", "Retrain Co");
        await SuggestionTestData.AddCodedItemsAsync(app, customer.Id, "first");
        var trainer = app.Services.GetRequiredService<SuggestionTrainer>();
        var loop = app.Services.GetRequiredService<SuggestionRetrainingService>();
        Assert.Same(loop, app.Services.GetRequiredService<ISuggestionTrainingTrigger>());
        Assert.Equal(1, (await trainer.TrainAsync())!.Version);

        // Nothing new yet: the pass only checks.
        Assert.Equal(0, await trainer.CodingsSinceNewestModelAsync());
        Assert.False(await loop.RunPassAsync(requested: false, CancellationToken.None));

        await SuggestionTestData.AddCodedItemsAsync(app, customer.Id, "second", perLanguage: 1);
        Assert.Equal(6, await trainer.CodingsSinceNewestModelAsync());
        Assert.True(await loop.RunPassAsync(requested: false, CancellationToken.None));
        var store = app.Services.GetRequiredService<SuggestionModelStore>();
        Assert.Equal(2, store.Current!.Version);
        Assert.Equal(66, await app.WithDbAsync(db => db.SuggestionModels.Where(m => m.Version == 2).Select(m => m.TrainingItems).SingleAsync()));

        // Past codings imported with old submit dates still count: the total grew since the model was trained.
        await SuggestionTestData.AddCodedItemsAsync(app, customer.Id, "imported", perLanguage: 1);
        var longAgo = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(db => db.Attributions.Where(a => a.FeedbackItem!.ExternalId.StartsWith("imported-"))
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.SubmittedAt, longAgo)));
        Assert.Equal(6, await trainer.CodingsSinceNewestModelAsync());
        Assert.Equal(66, await app.WithDbAsync(db => db.SuggestionModels.Where(m => m.Version == 2).Select(m => m.SubmittedCodings).SingleAsync()));

        // An admin's "retrain now" trains even with nothing new.
        Assert.True(await loop.RunPassAsync(requested: true, CancellationToken.None));
        Assert.Equal(3, store.Current!.Version);
        Assert.Equal([1, 2, 3], await app.WithDbAsync(db => db.SuggestionModels.OrderBy(m => m.Version).Select(m => m.Version).ToListAsync()));
    }

    [Fact]
    public async Task Cold_start_suggests_from_the_taxonomy_names_before_anything_is_coded()
    {
        using var app = NewApp(TestDatabase.CreateSqlite());
        var trainer = app.Services.GetRequiredService<SuggestionTrainer>();

        var record = await trainer.ColdStartIfNoModelAsync();
        Assert.NotNull(record);
        Assert.True(record.IsColdStart);
        Assert.Equal(0, record.TrainingItems);
        Assert.Null(await trainer.ColdStartIfNoModelAsync());

        var model = app.Services.GetRequiredService<SuggestionModelStore>().Current!;
        Assert.True(model.IsColdStart);
        var suggestions = model.Suggest("Invoices cannot be issued per legal entity for our subsidiaries");
        var gap = suggestions.Single(s => s.Field == SuggestionField.CapabilityGap);
        Assert.Equal(SuggestionSource.ColdStart, gap.Source);
        Assert.Equal("invoice-per-legal-entity", gap.Best?.Label);
        Assert.Equal("mobile-offline-mode", BestGap(model, "门店移动端不支持离线模式，没网就用不了"));
        Assert.Contains(suggestions, s => s.Field == SuggestionField.ValueDimension);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task Two_instances_saving_at_once_get_consecutive_versions_on_a_server_database(string provider)
    {
        using var app = NewApp(TestDatabase.Create(provider));
        var taxonomy = new List<TaxonomyEntryText>
        {
            new(SuggestionField.CapabilityGap, "a", "Alpha invoices", null, null),
            new(SuggestionField.CapabilityGap, "b", "Beta login", null, null),
        };
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore(app)).ToList();
        var models = stores.Select(_ => SuggestionModel.ColdStart(taxonomy)).ToList();
        var saved = await Task.WhenAll(stores.Select((store, i) => store.SaveAsync(models[i], new SuggestionModelRecord
        {
            TrainedAt = DateTime.UtcNow, IsColdStart = true, Payload = models[i].Serialize(),
        })));
        Assert.Equal([1, 2, 3, 4], saved.Select(r => r.Version).Order().ToArray());
        Assert.Equal([1, 2, 3, 4], models.Select(m => m.Version).Order().ToArray());
        app.Logs.AssertNoErrors(); // the versions taken by another instance were expected conflicts

        var reader = NewStore(app);
        Assert.True(await reader.RefreshAsync());
        Assert.Equal(4, reader.Current!.Version);
        Assert.False(await reader.RefreshAsync());
        Assert.Equal("a", reader.Current.Suggest("alpha invoices please").Single(s => s.Field == SuggestionField.CapabilityGap).Best?.Label);
    }
}
