using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.IntegrationTests.SegmentRules;

/// <summary>The shipped segment rules evaluated in the database (SQLite, PostgreSQL; SQL Server when configured).</summary>
public sealed class SegmentRuleEvaluatorTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    /// <summary>One customer per shipped rule (and one for none), each built to land where its comment says.</summary>
    private static async Task<Dictionary<string, int>> ArrangeAsync(VocAppFactory app)
    {
        await app.EnsureChannelsAsync();
        var now = DateTime.UtcNow;
        return await app.WithDbAsync(async db =>
        {
            var segments = await db.Segments.ToDictionaryAsync(s => s.Key, s => s.Id);
            var metrics = await db.BehaviourMetrics.ToDictionaryAsync(m => m.Key, m => m.Id);
            Customer Make(string reference, decimal? arr, LifecycleStage stage = LifecycleStage.Active, string? plan = null) => new()
            {
                Reference = reference, ReferenceNormalized = Customer.Normalize(reference), Name = "Customer " + reference,
                AnnualRecurringRevenue = arr, LifecycleStage = stage, Plan = plan, CreatedAt = now,
            };
            var customers = new Dictionary<string, Customer>
            {
                // co-build with ARR over 2M and no CAC: LTV/CAC unknown, so the rule lets it in.
                ["A"] = Make("A", 3_000_000m),
                // co-build, ARR over 2M, but LTV/CAC 1 < 5: not strategic; ARR ≥ 500k makes it enterprise.
                ["B"] = Make("B", 3_000_000m),
                // the latest core-module usage (80, not the older 50) and little customisation: efficiency-dependent.
                ["C"] = Make("C", 300_000m),
                // little adoption and a latest contract renewed on price: price-sensitive.
                ["D"] = Make("D", 300_000m),
                // no behaviour data: the ARR band.
                ["E"] = Make("E", 300_000m),
                // no ARR, but self-serve.
                ["F"] = Make("F", null, plan: "self-serve"),
                // a prospect, also with sites enough for enterprise: prospect-trial comes first.
                ["G"] = Make("G", null, LifecycleStage.Prospect),
                // nothing known: no segment.
                ["H"] = Make("H", null),
                // hand-set to enterprise, ARR 50k: moves to smb, with history and its open voice re-targeted.
                ["I"] = Make("I", 50_000m),
                // customisation unknown (null): the efficiency rule does not match, not even partly.
                ["J"] = Make("J", 300_000m),
            };
            customers["A"].InCoBuildProgramme = customers["B"].InCoBuildProgramme = true;
            customers["B"].LifetimeValue = 100m;
            customers["B"].AcquisitionCost = 100m;
            customers["G"].Sites = 500;
            customers["I"].SegmentId = segments["enterprise"];
            db.Customers.AddRange(customers.Values);
            await db.SaveChangesAsync();

            void Measure(string customer, string metric, string period, DateOnly start, double value) => db.BehaviourMeasurements.Add(new BehaviourMeasurement
            {
                MetricId = metrics[metric], CustomerId = customers[customer].Id, Period = period, PeriodStart = start, PeriodMonths = 1, Value = value, RecordedAt = now,
            });
            Measure("C", "core-module-usage", "2026-10", new DateOnly(2026, 10, 1), 80);
            Measure("C", "core-module-usage", "2026-09", new DateOnly(2026, 9, 1), 50);
            Measure("C", "customisation-level", "2026-10", new DateOnly(2026, 10, 1), 10);
            Measure("D", "feature-adoption-rate", "2026-10", new DateOnly(2026, 10, 1), 20);
            Measure("J", "core-module-usage", "2026-10", new DateOnly(2026, 10, 1), 90);
            // An old measurement does not count once a newer one says otherwise.
            Measure("E", "core-module-usage", "2026-01", new DateOnly(2026, 1, 1), 95);
            Measure("E", "customisation-level", "2026-01", new DateOnly(2026, 1, 1), 5);
            Measure("E", "core-module-usage", "2026-10", new DateOnly(2026, 10, 1), 40);
            db.CustomerContracts.AddRange(
                new CustomerContract { CustomerId = customers["D"].Id, Reference = "D-1", StartsOn = new DateOnly(2024, 1, 1), EndsOn = new DateOnly(2024, 12, 31), RenewalDriver = "value", CreatedAt = now },
                new CustomerContract { CustomerId = customers["D"].Id, Reference = "D-2", StartsOn = new DateOnly(2025, 1, 1), EndsOn = new DateOnly(2025, 12, 31), RenewalDriver = "price", Term = 2, CreatedAt = now },
                // E renewed on price long ago, then on value: the latest contract decides.
                new CustomerContract { CustomerId = customers["E"].Id, Reference = "E-1", StartsOn = new DateOnly(2023, 1, 1), EndsOn = new DateOnly(2023, 12, 31), RenewalDriver = "price", CreatedAt = now },
                new CustomerContract { CustomerId = customers["E"].Id, Reference = "E-2", StartsOn = new DateOnly(2024, 1, 1), EndsOn = new DateOnly(2024, 12, 31), RenewalDriver = "value", Term = 2, CreatedAt = now });
            Measure("E", "feature-adoption-rate", "2026-10", new DateOnly(2026, 10, 1), 10);
            await db.SaveChangesAsync();
            return customers.ToDictionary(c => c.Key, c => c.Value.Id);
        });
    }

    private static async Task<Dictionary<string, string?>> SegmentsAsync(VocAppFactory app, Dictionary<string, int> ids) =>
        await app.WithDbAsync(async db =>
        {
            var rows = await db.Customers.Select(c => new { c.Id, Key = c.Segment == null ? null : c.Segment.Key }).ToListAsync();
            return ids.ToDictionary(p => p.Key, p => rows.Single(r => r.Id == p.Value).Key);
        });

    private static async Task<SegmentEvaluationResult> EvaluateAsync(VocAppFactory app)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>().EvaluateAllAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_first_matching_rule_wins_metrics_and_contracts_are_read_in_the_database_and_moves_are_recorded(string provider)
    {
        using var app = new VocAppFactory(TestDatabase.Create(provider));
        var ids = await ArrangeAsync(app);
        var open = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "I-open", ids["I"], "Open voice", DateTime.UtcNow.AddHours(-1)));
        await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "I-done", ids["I"], "Coded voice", DateTime.UtcNow.AddHours(-2), Status: FeedbackStatus.Attributed));

        var result = await EvaluateAsync(app);

        Assert.Equal(new Dictionary<string, string?>
        {
            ["A"] = "strategic-cobuild", ["B"] = "enterprise", ["C"] = "efficiency-dependent", ["D"] = "price-sensitive",
            ["E"] = "mid-market", ["F"] = "smb", ["G"] = "prospect-trial", ["H"] = null, ["I"] = "smb", ["J"] = "mid-market",
        }, await SegmentsAsync(app, ids));
        Assert.Equal(10, result.Customers);
        Assert.Equal(9, result.Moved); // all but H, who stays without a segment
        Assert.Equal(new SegmentMoves("smb", 2, 0), result.For("smb"));
        Assert.Equal(new SegmentMoves("enterprise", 1, 1), result.For("enterprise"));
        Assert.Equal(1, result.ClocksToRetarget);

        var history = await app.WithDbAsync(db => db.CustomerHistory.OrderBy(h => h.CustomerId).ToListAsync());
        Assert.Equal(9, history.Count);
        Assert.All(history, h => Assert.Equal((CustomerHistoryKind.Segment, SegmentRuleEvaluator.RulesReason), (h.Kind, h.Reason)));
        var moveOfI = Assert.Single(history, h => h.CustomerId == ids["I"]);
        Assert.Equal(("enterprise", "smb"), (moveOfI.From, moveOfI.To));
        var moveOfA = Assert.Single(history, h => h.CustomerId == ids["A"]);
        Assert.Equal((null, "strategic-cobuild"), (moveOfA.From, moveOfA.To));
        var signal = Assert.Single(await app.WithDbAsync(db => db.DomainEvents.Where(e => e.Type == DomainEventTypes.PolicyChanged).ToListAsync()));
        Assert.Equal(open, signal.FeedbackItemId);

        // Nothing changed since: nobody moves, nothing is written.
        var again = await EvaluateAsync(app);
        Assert.Equal((0, 0), (again.Moved, again.ClocksToRetarget));
        Assert.Equal(9, await app.WithDbAsync(db => db.CustomerHistory.CountAsync()));

        // A value changes (a fit, an import): the next evaluation follows it.
        await app.WithDbAsync(db => db.Customers.Where(c => c.Id == ids["H"]).ExecuteUpdateAsync(s => s.SetProperty(c => c.Sites, 201)));
        Assert.Equal(new SegmentMoves("enterprise", 1, 0), (await EvaluateAsync(app)).For("enterprise"));
        Assert.Equal("enterprise", (await SegmentsAsync(app, ids))["H"]);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_preview_counts_and_lists_who_would_move_in_and_out_and_writes_nothing(string provider)
    {
        using var app = new VocAppFactory(TestDatabase.Create(provider));
        var ids = await ArrangeAsync(app);
        await EvaluateAsync(app);
        var before = await SnapshotAsync(app);

        await using var scope = app.Scope();
        var evaluator = scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>();
        // Mid-market reaching down to 40k takes I from smb; F (no ARR) stays; C and D stay where earlier rules put them.
        var wider = await evaluator.PreviewAsync("mid-market", """{"coordinate": "arr", "op": "between", "value": [40000, 500000]}""");
        Assert.True(wider.IsValid);
        Assert.Equal((1, 0), (wider.MovingIn, wider.MovingOut));
        Assert.Equal(new SegmentPreviewMove(ids["I"], "I", "Customer I", "smb", "mid-market"), Assert.Single(wider.In));

        // A rule nobody meets: E and J leave for no segment at all (nothing after mid-market takes 300k).
        var none = await evaluator.PreviewAsync("mid-market", """{"all": [{"coordinate": "arr", "op": ">", "value": 1e12}]}""");
        Assert.Equal((0, 2), (none.MovingIn, none.MovingOut));
        Assert.Equal(["Customer E", "Customer J"], none.Out.Select(m => m.Name));
        Assert.All(none.Out, m => Assert.Null(m.ToSegmentKey));

        // A broader rule early in the order takes customers from the segments after it.
        var deeper = await evaluator.PreviewAsync("efficiency-dependent", """{"coordinate": "metric:core-module-usage", "op": ">=", "value": 85}""");
        Assert.Equal((1, 1), (deeper.MovingIn, deeper.MovingOut));
        Assert.Equal(("J", "mid-market"), (deeper.In[0].Reference, deeper.In[0].FromSegmentKey));
        Assert.Equal(("C", "mid-market"), (deeper.Out[0].Reference, deeper.Out[0].ToSegmentKey));

        var bad = await evaluator.PreviewAsync("mid-market", """{"any": [{"coordinate": "arr", "op": "~", "value": 1}]}""");
        Assert.False(bad.IsValid);
        Assert.Equal("when.any[0].op", Assert.Single(bad.Errors).Path);

        Assert.Equal(before, await SnapshotAsync(app));
    }

    [Fact]
    public async Task Tenure_counts_whole_months_since_acquisition()
    {
        using var app = new VocAppFactory();
        var ids = await ArrangeAsync(app);
        await EvaluateAsync(app);
        var now = DateTime.UtcNow;
        await app.WithDbAsync(async db =>
        {
            await db.Customers.Where(c => c.Id == ids["E"]).ExecuteUpdateAsync(s => s.SetProperty(c => c.AcquiredAt, now.AddMonths(-12).AddDays(-1)));
            return await db.Customers.Where(c => c.Id == ids["J"]).ExecuteUpdateAsync(s => s.SetProperty(c => c.AcquiredAt, now.AddMonths(-12).AddDays(1)));
        });
        await using var scope = app.Scope();
        var evaluator = scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>();

        // E has 12 whole months, J 11.
        var loyal = await evaluator.PreviewAsync("mid-market", """{"all": [{"coordinate": "arr", "op": ">=", "value": 100000}, {"coordinate": "tenureMonths", "op": ">=", "value": 12}]}""");
        Assert.Equal(0, loyal.MovingIn);
        Assert.Equal(["J"], loyal.Out.Select(m => m.Reference));
        var young = await evaluator.PreviewAsync("mid-market", """{"coordinate": "tenureMonths", "op": "between", "value": [0, 11]}""");
        Assert.Equal(0, young.MovingIn);
        Assert.Equal(["E"], young.Out.Select(m => m.Reference));
        var exactly = await evaluator.PreviewAsync("mid-market", """{"coordinate": "tenureMonths", "op": "=", "value": 11}""");
        Assert.Equal(["E"], exactly.Out.Select(m => m.Reference));
        // Not acquired (no date): F and I come from smb, H from no segment; E and J leave.
        var unknown = await evaluator.PreviewAsync("mid-market", """{"coordinate": "tenureMonths", "op": "isSet", "value": false}""");
        Assert.Equal(["F", "H", "I"], unknown.In.Select(m => m.Reference));
        Assert.Equal(["E", "J"], unknown.Out.Select(m => m.Reference));
    }

    private static Task<string> SnapshotAsync(VocAppFactory app) => app.WithDbAsync(async db =>
        string.Join(";", await db.Customers.OrderBy(c => c.Id).Select(c => c.Id + ":" + c.SegmentId + ":" + c.RuleSegmentId).ToListAsync())
        + $"|{await db.CustomerHistory.CountAsync()}|{await db.DomainEvents.CountAsync()}");
}
