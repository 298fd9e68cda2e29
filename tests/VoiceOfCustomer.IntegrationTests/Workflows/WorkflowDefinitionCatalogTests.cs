using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Workflows;

public sealed class WorkflowDefinitionCatalogTests : IDisposable
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-workflows-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static TestDatabase Create(string provider) => TestDatabase.Create(provider);

    private void WriteDefinition(double warningShare, string file = "catalog-test.json") =>
        File.WriteAllText(Path.Combine(_folder.FullName, file), WorkflowTestFiles.Definition("catalog-test", warningShare));

    private WorkflowDefinitionCatalog NewCatalog() => new(
        new WorkflowDefinitionLoader(),
        new WorkflowParameterResolver(new ConfigurationBuilder().Build()),
        Options.Create(new WorkflowOptions { Directory = _folder.FullName }),
        WorkflowTestFiles.Activities,
        [new WorkflowTestFiles.FeedbackSubjects()],
        [],
        [],
        new VoiceOfCustomer.Workflows.IdentityWorkflowDirectory(TimeProvider.System),
        TimeProvider.System,
        NullLogger<WorkflowDefinitionCatalog>.Instance);

    private static async Task<List<(int Id, int Version, string Hash)>> RowsAsync(VocAppFactory app) =>
        (await app.WithDbAsync(db => db.WorkflowDefinitions.AsNoTracking().Where(r => r.DefinitionId == "catalog-test")
            .OrderBy(r => r.Version).Select(r => new { r.Id, r.Version, r.ContentHash }).ToListAsync()))
        .Select(r => (r.Id, r.Version, r.ContentHash)).ToList();

    private static async Task InitializeAsync(VocAppFactory app, WorkflowDefinitionCatalog catalog)
    {
        await using var scope = app.Scope();
        await catalog.InitializeAsync(scope.ServiceProvider.GetRequiredService<VocDbContext>());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_changed_file_becomes_the_next_version_and_the_old_version_stays_readable(string provider)
    {
        using var app = new VocAppFactory(Create(provider));
        var before = DateTime.UtcNow.AddSeconds(-1);
        WriteDefinition(0.75);
        var first = NewCatalog();
        await InitializeAsync(app, first);

        var v1 = Assert.Single(first.Latest, p => p.Definition.Id == "catalog-test");
        Assert.Equal(1, v1.Version);
        Assert.Equal("catalog-test.json", v1.SourceFile);
        Assert.Same(v1, first.LatestFor("catalog-test"));
        Assert.Equal([v1], first.SubscribedTo("feedback.received"));
        Assert.Empty(first.SubscribedTo("feedback.deleted"));
        var row = await app.WithDbAsync(db => db.WorkflowDefinitions.AsNoTracking().SingleAsync(r => r.Id == v1.RecordId));
        Assert.InRange(row.LoadedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Contains("catalog-test", row.Json, StringComparison.Ordinal);

        // The same file again (a restart): no new row.
        await InitializeAsync(app, NewCatalog());
        Assert.Single(await RowsAsync(app));

        WriteDefinition(0.5);
        var second = NewCatalog();
        await InitializeAsync(app, second);
        var v2 = second.LatestFor("catalog-test")!;
        Assert.Equal(2, v2.Version);
        Assert.Equal(0.5, v2.Definition.Parameters["warningShare"].DefaultShare);

        var rows = await RowsAsync(app);
        Assert.Equal([1, 2], rows.Select(r => r.Version));
        Assert.Equal(v1.RecordId, rows[0].Id);

        // An instance started on version 1 still reads version 1's milestones, also in a process that never loaded that file.
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var old = await NewCatalog().GetVersionAsync(db, v1.RecordId);
        Assert.Equal(0.75, old.Parameters["warningShare"].DefaultShare);
        Assert.Equal(["warning", "breach"], old.Milestones.Select(m => m.Name));
        Assert.Equal(0.5, (await second.GetVersionAsync(db, v2.RecordId)).Parameters["warningShare"].DefaultShare);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.ServerProviders), MemberType = typeof(TestDatabase))]
    public async Task Two_app_instances_starting_at_once_on_a_server_database_store_each_version_once(string provider)
    {
        using var app = new VocAppFactory(TestDatabase.Create(provider));
        _ = app.Services; // Migrated once, before the racing starts.
        var shares = new[] { 0.75, 0.6, 0.5 };
        foreach (var share in shares)
        {
            WriteDefinition(share);
            // Each "app instance" has its own catalog and its own connection; they start together.
            var scopes = Enumerable.Range(0, 4).Select(_ => app.Scope()).ToList();
            var catalogs = scopes.Select(_ => NewCatalog()).ToList();
            using var start = new Barrier(catalogs.Count);
            await Task.WhenAll(catalogs.Select((catalog, i) => Task.Run(async () =>
            {
                var db = scopes[i].ServiceProvider.GetRequiredService<VocDbContext>();
                await db.Database.OpenConnectionAsync();
                start.SignalAndWait();
                await catalog.InitializeAsync(db);
            })));
            foreach (var scope in scopes)
                await scope.DisposeAsync();
            Assert.Single(catalogs.Select(c => c.LatestFor("catalog-test")!.RecordId).Distinct());
        }

        var rows = await RowsAsync(app);
        Assert.Equal([1, 2, 3], rows.Select(r => r.Version));
        Assert.Equal(3, rows.Select(r => r.Hash).Distinct().Count());
        app.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_web_app_stores_the_repository_definitions_at_start_up()
    {
        using var app = new VocAppFactory();
        var catalog = app.Services.GetRequiredService<WorkflowDefinitionCatalog>();
        var published = catalog.LatestFor("attribution-sla");
        Assert.NotNull(published);
        Assert.Equal(1, published.Version);
        Assert.Equal(1, await app.WithDbAsync(db => db.WorkflowDefinitions.CountAsync(r => r.DefinitionId == "attribution-sla")));
    }
}
