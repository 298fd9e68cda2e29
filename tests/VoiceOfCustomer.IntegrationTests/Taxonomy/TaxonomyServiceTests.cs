using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Taxonomy;

/// <summary>The taxonomy service over a real database; run on SQLite and PostgreSQL (merge is set-based SQL).</summary>
public abstract class TaxonomyServiceTests : IAsyncLifetime
{
    private VocAppFactory _app = null!;

    protected abstract TestDatabase CreateDatabase();

    public async Task InitializeAsync()
    {
        _app = new VocAppFactory(CreateDatabase());
        await _app.EnsureChannelsAsync();
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<T> Service<T>(Func<TaxonomyService, Task<T>> action)
    {
        await using var scope = _app.Scope();
        return await action(scope.ServiceProvider.GetRequiredService<TaxonomyService>());
    }

    private async Task<int> CreateAsync(TaxonomyKind kind, string name, string? key = null, string? email = "owner@example.com")
    {
        var result = await Service(s => s.CreateAsync(kind, new TaxonomyInput { Name = name, Key = key, OwnerEmail = email }, "admin-1"));
        Assert.Equal(TaxonomyOutcome.Saved, result.Outcome);
        return result.Id!.Value;
    }

    private Task<List<TaxonomyChange>> HistoryAsync(TaxonomyKind kind, int id) => Service(s => s.HistoryAsync(kind, id));

    /// <summary>Coded items: one attribution per spec, on a new feedback item each.</summary>
    private async Task<List<long>> CodeAsync(params Action<Attribution>[] specs)
    {
        var customer = await WebTestSupport.AddCustomerAsync(_app, "C-" + Guid.NewGuid().ToString("N")[..8], "Acme");
        var ids = await WebTestSupport.AddFeedbackAsync(_app, specs.Select((_, i) =>
            new FeedbackItemSpec("support", $"ext-{Guid.NewGuid():N}", customer.Id, $"voice {i}", DateTime.UtcNow.AddHours(-i))).ToList());
        return await _app.WithDbAsync(async db =>
        {
            var attributions = ids.Select((id, i) =>
            {
                var a = new Attribution { FeedbackItemId = id, Version = 1, UpdatedAt = DateTime.UtcNow };
                specs[i](a);
                return a;
            }).ToList();
            db.Attributions.AddRange(attributions);
            await db.SaveChangesAsync();
            return attributions.Select(a => a.Id).ToList();
        });
    }

    [Fact]
    public async Task Create_slugs_the_key_from_the_name_keeps_it_unique_and_writes_history()
    {
        var first = await CreateAsync(TaxonomyKind.Metric, "Zebra Crossing: wait-time rate");
        var second = await CreateAsync(TaxonomyKind.Metric, "Zebra crossing wait time rate");

        var keys = await _app.WithDbAsync(db => db.BusinessMetrics.Where(m => m.Id == first || m.Id == second).OrderBy(m => m.Id).Select(m => m.Key).ToListAsync());
        Assert.Equal(["zebra-crossing-wait-time-rate", "zebra-crossing-wait-time-rate-2"], keys);
        var change = Assert.Single(await HistoryAsync(TaxonomyKind.Metric, first));
        Assert.Equal(TaxonomyActions.Create, change.Action);
        Assert.Equal("admin-1", change.ChangedById);
        Assert.Null(change.BeforeJson);
        Assert.Contains("Zebra Crossing: wait-time rate", change.AfterJson);
    }

    [Fact]
    public async Task Duplicate_key_is_refused_with_a_field_error()
    {
        await CreateAsync(TaxonomyKind.Tag, "Slow sync", key: "slow-sync");
        var result = await Service(s => s.CreateAsync(TaxonomyKind.Tag, new TaxonomyInput { Name = "Other", Key = "slow-sync" }, "admin-1"));
        Assert.Equal(TaxonomyOutcome.Invalid, result.Outcome);
        Assert.Equal("key", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public async Task Invalid_input_names_every_field()
    {
        var result = await Service(s => s.CreateAsync(TaxonomyKind.Domain,
            new TaxonomyInput { Name = " ", NameZh = new string('中', 201), OwnerEmail = "not-an-email", Key = "Bad Key" }, null));
        Assert.Equal(TaxonomyOutcome.Invalid, result.Outcome);
        Assert.Equal(["key", "name", "nameZh", "ownerEmail"], result.Errors.Select(e => e.Field).Order());

        var metric = await Service(s => s.CreateAsync(TaxonomyKind.Metric,
            new TaxonomyInput { Name = "Fine", DefaultUnit = new string('x', 33), Polarity = "Sideways" }, null));
        Assert.Equal(["defaultUnit", "polarity"], metric.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public async Task Rename_edit_archive_and_unarchive_are_recorded()
    {
        var id = await CreateAsync(TaxonomyKind.Domain, "Warehouse", email: "wh@example.com");
        await Service(s => s.UpdateAsync(TaxonomyKind.Domain, id, new TaxonomyInput { Name = "Warehousing", NameZh = "仓储", OwnerEmail = "wh@example.com" }, "admin-2"));
        await Service(s => s.UpdateAsync(TaxonomyKind.Domain, id, new TaxonomyInput { Name = "Warehousing", NameZh = "仓储", OwnerEmail = "lead@example.com", OwnerName = "Li Lei" }, "admin-2"));
        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.SetArchivedAsync(TaxonomyKind.Domain, id, true, "admin-2"))).Outcome);
        Assert.Equal(TaxonomyOutcome.Invalid, (await Service(s => s.SetArchivedAsync(TaxonomyKind.Domain, id, true, "admin-2"))).Outcome);
        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.SetArchivedAsync(TaxonomyKind.Domain, id, false, "admin-2"))).Outcome);

        var domain = await _app.WithDbAsync(db => db.OwningDomains.SingleAsync(d => d.Id == id));
        Assert.Equal(("Warehousing", "仓储", "lead@example.com", false), (domain.Name, domain.NameZh, domain.OwnerEmail, domain.IsArchived));
        var history = await HistoryAsync(TaxonomyKind.Domain, id);
        Assert.Equal(["unarchive", "archive", "edit", "rename", "create"], history.Select(h => h.Action));
        Assert.Contains("\"Warehouse\"", history[3].BeforeJson);
        Assert.Contains("仓储", history[3].AfterJson);
    }

    [Fact]
    public async Task Merging_tags_moves_coded_items_to_the_survivor_without_duplicate_keys()
    {
        var source = await CreateAsync(TaxonomyKind.Tag, "Slow sync");
        var survivor = await CreateAsync(TaxonomyKind.Tag, "Sync latency");
        var other = await CreateAsync(TaxonomyKind.Tag, "Pricing");
        var ids = await CodeAsync(
            a => a.Tags = [new AttributionTag { TagId = source }],
            a => a.Tags = [new AttributionTag { TagId = source }, new AttributionTag { TagId = survivor }],
            a => a.Tags = [new AttributionTag { TagId = source }, new AttributionTag { TagId = other }],
            a => a.Tags = [new AttributionTag { TagId = other }]);

        var result = await Service(s => s.MergeAsync(TaxonomyKind.Tag, source, survivor, "admin-1"));

        Assert.Equal(TaxonomyOutcome.Saved, result.Outcome);
        var tags = await _app.WithDbAsync(db => db.AttributionTags.Where(t => ids.Contains(t.AttributionId)).ToListAsync());
        Assert.DoesNotContain(tags, t => t.TagId == source);
        Assert.Equal([[survivor], [survivor], [survivor, other], [other]],
            ids.Select(id => tags.Where(t => t.AttributionId == id).Select(t => t.TagId).OrderBy(t => t == survivor ? 0 : 1).ToList()));
        var versions = await _app.WithDbAsync(db => db.Attributions.Where(a => ids.Contains(a.Id)).OrderBy(a => a.Id).Select(a => a.Version).ToListAsync());
        Assert.Equal([2, 2, 2, 1], versions);
        var merged = await _app.WithDbAsync(db => db.Tags.SingleAsync(t => t.Id == source));
        Assert.True(merged.IsArchived);
        Assert.Equal(survivor, merged.MergedIntoId);
        var change = (await HistoryAsync(TaxonomyKind.Tag, source))[0];
        Assert.Equal(TaxonomyActions.Merge, change.Action);
        Assert.Contains("\"codedItemsMoved\":3", change.AfterJson);
    }

    [Fact]
    public async Task Merging_metrics_gaps_and_domains_repoints_coded_items()
    {
        var metricA = await CreateAsync(TaxonomyKind.Metric, "Fill rate old");
        var metricB = await CreateAsync(TaxonomyKind.Metric, "Fill rate");
        var domainA = await CreateAsync(TaxonomyKind.Domain, "Logistics old");
        var domainB = await CreateAsync(TaxonomyKind.Domain, "Logistics");
        var gapA = (await Service(s => s.CreateAsync(TaxonomyKind.CapabilityGap, new TaxonomyInput { Name = "No ETA", OwningDomainId = domainA }, null))).Id!.Value;
        var gapB = await CreateAsync(TaxonomyKind.CapabilityGap, "Missing ETA");
        var ids = await CodeAsync(
            a => (a.BusinessMetricId, a.CapabilityGapId, a.OwningDomainId) = (metricA, gapA, domainA),
            a => (a.BusinessMetricId, a.CapabilityGapId, a.OwningDomainId) = (metricB, gapB, domainB));

        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.MergeAsync(TaxonomyKind.Metric, metricA, metricB, "admin-1"))).Outcome);
        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.MergeAsync(TaxonomyKind.Domain, domainA, domainB, "admin-1"))).Outcome);
        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.MergeAsync(TaxonomyKind.CapabilityGap, gapA, gapB, "admin-1"))).Outcome);

        var coded = await _app.WithDbAsync(db => db.Attributions.Where(a => ids.Contains(a.Id))
            .Select(a => new { a.BusinessMetricId, a.CapabilityGapId, a.OwningDomainId }).ToListAsync());
        Assert.All(coded, a => Assert.Equal((metricB, gapB, domainB), (a.BusinessMetricId, a.CapabilityGapId, a.OwningDomainId)));
        var oldGap = await _app.WithDbAsync(db => db.CapabilityGaps.SingleAsync(g => g.Id == gapA));
        Assert.Equal((domainB, gapB, true), (oldGap.OwningDomainId, oldGap.MergedIntoId, oldGap.IsArchived));
    }

    [Fact]
    public async Task Merge_into_itself_an_archived_survivor_or_an_entry_of_another_kind_is_refused()
    {
        var source = await CreateAsync(TaxonomyKind.Metric, "Source metric");
        var archived = await CreateAsync(TaxonomyKind.Metric, "Archived metric");
        await Service(s => s.SetArchivedAsync(TaxonomyKind.Metric, archived, true, null));
        var maxMetric = await _app.WithDbAsync(db => db.BusinessMetrics.MaxAsync(m => m.Id));
        var ids = await CodeAsync(a => a.BusinessMetricId = source);

        foreach (var survivor in new[] { source, archived, maxMetric + 1000 })
        {
            var result = await Service(s => s.MergeAsync(TaxonomyKind.Metric, source, survivor, null));
            Assert.Equal(TaxonomyOutcome.Invalid, result.Outcome);
            Assert.Equal("survivorId", Assert.Single(result.Errors).Field);
        }
        Assert.Equal(source, await _app.WithDbAsync(db => db.Attributions.Where(a => a.Id == ids[0]).Select(a => a.BusinessMetricId).SingleAsync()));
        Assert.Single(await HistoryAsync(TaxonomyKind.Metric, source));
    }

    [Fact]
    public async Task A_proposed_gap_waits_until_an_admin_accepts_it()
    {
        var result = await Service(s => s.ProposeGapAsync(new TaxonomyInput { Name = "Offline mode" }, "pm-1"));
        var id = result.Id!.Value;
        var gap = await _app.WithDbAsync(db => db.CapabilityGaps.SingleAsync(g => g.Id == id));
        Assert.Equal((CapabilityGapStatus.Proposed, "pm-1"), (gap.Status, gap.ProposedById));
        var duplicate = await CreateAsync(TaxonomyKind.CapabilityGap, "Works offline");
        var refused = await Service(s => s.MergeAsync(TaxonomyKind.CapabilityGap, duplicate, id, "admin-1"));
        Assert.Equal("survivorId", Assert.Single(refused.Errors).Field); // not onto an unaccepted proposal

        Assert.Equal(TaxonomyOutcome.Saved, (await Service(s => s.AcceptGapAsync(id, "admin-1"))).Outcome);
        Assert.Equal(TaxonomyOutcome.Invalid, (await Service(s => s.AcceptGapAsync(id, "admin-1"))).Outcome);
        Assert.Equal(CapabilityGapStatus.Accepted, await _app.WithDbAsync(db => db.CapabilityGaps.Where(g => g.Id == id).Select(g => g.Status).SingleAsync()));
        Assert.Equal(["accept", "propose"], (await HistoryAsync(TaxonomyKind.CapabilityGap, id)).Select(h => h.Action));
    }
}

public sealed class TaxonomyServiceSqliteTests : TaxonomyServiceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();
}

public sealed class TaxonomyServicePostgresTests : TaxonomyServiceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class TaxonomyServiceSqlServerTests : TaxonomyServiceTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
