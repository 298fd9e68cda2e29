using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>
/// One app over one SQLite file with <see cref="BulkCount"/> customers whose columns vary (ties and missing values in every
/// sort column), three whose names and references a spreadsheet would run as formulas, and <see cref="DetailReference"/>
/// with something in every panel of its page. Tests only read.
/// </summary>
public sealed class CustomersFixture : IAsyncLifetime
{
    public const int BulkCount = 130;
    public const string DetailReference = "DETAIL-1";
    public const string DetailName = "Northwind Grocers";
    public static readonly DateTime LastActivity = new(2026, 5, 4, 10, 0, 0, DateTimeKind.Utc);

    public VocAppFactory App { get; } = new();
    public string CsmId { get; private set; } = "";
    public string CsmName => "Casey Customer";
    public int EnterpriseId { get; private set; }
    public int SmbId { get; private set; }
    public int DetailId { get; private set; }

    /// <summary>The open gaps the detail customer's voices name: the first with two voices (a third is a merged duplicate), the second with one.</summary>
    public CapabilityGap OpenGap { get; private set; } = null!;
    public CapabilityGap OtherGap { get; private set; } = null!;
    public CapabilityGap ArchivedGap { get; private set; } = null!;
    public int DetailVoices { get; private set; }

    public static string BulkReference(int i) => $"BULK-{i:000}";

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        var csmEmail = await WebTestSupport.CreateUserAsync(App, Roles.Csm, CsmName);
        var salesEmail = await WebTestSupport.CreateUserAsync(App, Roles.Leadership, "Sam Sales");
        var now = DateTime.UtcNow;
        await App.WithDbAsync(async db =>
        {
            CsmId = (await db.Users.SingleAsync(u => u.Email == csmEmail)).Id;
            var salesId = (await db.Users.SingleAsync(u => u.Email == salesEmail)).Id;
            EnterpriseId = (await db.Segments.SingleAsync(s => s.Key == "enterprise")).Id;
            SmbId = (await db.Segments.SingleAsync(s => s.Key == "smb")).Id;

            for (var i = 0; i < BulkCount; i++)
            {
                db.Customers.Add(new Customer
                {
                    Reference = BulkReference(i), ReferenceNormalized = Customer.Normalize(BulkReference(i)), Name = $"Bulk {i:000}",
                    SegmentId = (i % 3) switch { 0 => EnterpriseId, 1 => SmbId, _ => null },
                    LifecycleStage = (LifecycleStage)(i % 6),
                    LifetimeValue = i % 10 == 0 ? null : i % 40 * 1000m,
                    ProbabilityAlive = i % 7 == 0 ? null : i % 50 / 50.0,
                    ValueTier = i % 10 == 0 ? null : (ValueTier)(i % 3),
                    ValueModel = i % 4 == 3 ? null : (ValueModel)(i % 3),
                    AnnualRecurringRevenue = i % 5 == 0 ? null : 1000m * (BulkCount - i),
                    AcquisitionCost = 500m,
                    CsmUserId = i % 2 == 0 ? CsmId : null,
                    LastActivityAt = i % 9 == 0 ? null : LastActivity.AddHours(-(i % 60)),
                    CreatedAt = now,
                });
            }
            foreach (var (reference, name) in new[] { ("=1+2", "+SUM(A1:A9)"), ("-X1", "@cmd"), ("FORMULA-3", "=HYPERLINK(\"http://evil.test\")") })
                db.Customers.Add(new Customer { Reference = reference, ReferenceNormalized = Customer.Normalize(reference), Name = name, CreatedAt = now, LifetimeValue = 1m });

            var detail = new Customer
            {
                Reference = DetailReference, ReferenceNormalized = Customer.Normalize(DetailReference), Name = DetailName,
                SegmentId = EnterpriseId, LifecycleStage = LifecycleStage.ChurnRisk, StageReason = "p-alive-low",
                ProbabilityAlive = 0.23, ExpectedPurchases = 3.456, LifetimeValue = 250_000m, AcquisitionCost = 50_000m,
                AnnualRecurringRevenue = 120_000m, ValueTier = ValueTier.Top, ValueModel = ValueModel.Contract,
                ValueScoredAt = new DateTime(2026, 5, 1, 6, 0, 0, DateTimeKind.Utc), CsmUserId = CsmId, SalesOwnerUserId = salesId,
                AcquiredAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), LastActivityAt = LastActivity, Plan = "enterprise", Sites = 12,
                InCoBuildProgramme = true, FeedbackLast90Days = 7, CommunityPostsLast90Days = 2, CreatedAt = now,
                Contacts =
                [
                    new Contact { Name = "Ada Buyer", Email = "ada@northwind.test", Role = ContactRole.Buyer, Title = "Head of operations" },
                    new Contact { Name = "Bo User", Role = ContactRole.User },
                ],
            };
            db.Customers.Add(detail);
            await db.SaveChangesAsync();
            DetailId = detail.Id;

            var renewed = new CustomerContract
            {
                CustomerId = detail.Id, Reference = "K-2024", StartsOn = new DateOnly(2024, 1, 1), EndsOn = new DateOnly(2024, 12, 31),
                AnnualValue = 100_000m, Term = 1, Status = ContractStatus.Renewed, RenewalDriver = "price", CreatedAt = now,
            };
            db.CustomerContracts.Add(renewed);
            await db.SaveChangesAsync();
            db.CustomerContracts.Add(new CustomerContract
            {
                CustomerId = detail.Id, Reference = "K-2025", StartsOn = new DateOnly(2025, 1, 1), EndsOn = new DateOnly(2026, 12, 31),
                AnnualValue = 120_000m, Term = 2, RenewsContractId = renewed.Id, Status = ContractStatus.Active, RenewalDriver = "value", CreatedAt = now,
            });
            for (var i = 0; i < 25; i++)
                db.CustomerTransactions.Add(new CustomerTransaction
                {
                    CustomerId = detail.Id, Reference = $"ORD-{i:00}", OccurredAt = LastActivity.AddDays(-i), Amount = 100m + i, CreatedAt = now,
                });
            db.CustomerHistory.AddRange(
                new CustomerHistoryEntry { CustomerId = detail.Id, Kind = CustomerHistoryKind.Stage, From = "AtRisk", To = "ChurnRisk", Reason = "migration", ChangedAt = LastActivity.AddDays(-3) },
                new CustomerHistoryEntry { CustomerId = detail.Id, Kind = CustomerHistoryKind.Segment, From = "smb", To = "enterprise", Reason = "segment-rules", ChangedAt = LastActivity.AddDays(-2) },
                new CustomerHistoryEntry { CustomerId = detail.Id, Kind = CustomerHistoryKind.Stage, From = "Active", To = "ChurnRisk", Reason = "p-alive-low", ChangedAt = LastActivity.AddDays(-1) });

            var adoption = new BehaviourMetric { Key = "test-adoption", Name = "Test feature adoption", NameZh = "测试功能采用率", Unit = MetricUnit.Percent, GoodDirection = GoodDirection.Up };
            var resolve = new BehaviourMetric { Key = "test-time-to-resolve", Name = "Test time to resolve", NameZh = "测试解决时长", Unit = MetricUnit.Count, GoodDirection = GoodDirection.Down };
            var archived = new BehaviourMetric { Key = "test-archived", Name = "Test archived metric", Unit = MetricUnit.Score, IsArchived = true };
            db.BehaviourMetrics.AddRange(adoption, resolve, archived);
            await db.SaveChangesAsync();
            for (var month = 1; month <= 8; month++)
                db.BehaviourMeasurements.Add(new BehaviourMeasurement
                {
                    MetricId = adoption.Id, CustomerId = detail.Id, Period = $"2026-{month:00}", PeriodStart = new DateOnly(2026, month, 1), PeriodMonths = 1,
                    Value = 40 + month, RecordedAt = now,
                });
            foreach (var (quarter, value) in new[] { (1, 30.0), (2, 24.5) })
                db.BehaviourMeasurements.Add(new BehaviourMeasurement
                {
                    MetricId = resolve.Id, CustomerId = detail.Id, Period = $"2026Q{quarter}", PeriodStart = new DateOnly(2026, quarter * 3 - 2, 1), PeriodMonths = 3,
                    Value = value, RecordedAt = now,
                });
            db.BehaviourMeasurements.Add(new BehaviourMeasurement
            {
                MetricId = archived.Id, CustomerId = detail.Id, Period = "2026-08", PeriodStart = new DateOnly(2026, 8, 1), PeriodMonths = 1, Value = 1, RecordedAt = now,
            });

            var gaps = await db.CapabilityGaps.OrderBy(g => g.Id).Take(2).ToListAsync();
            (OpenGap, OtherGap) = (gaps[0], gaps[1]);
            ArchivedGap = new CapabilityGap { Key = "test-archived-gap", Name = "Archived gap", NameZh = "已归档缺口", IsArchived = true };
            db.CapabilityGaps.Add(ArchivedGap);
            await db.SaveChangesAsync();
            return 0;
        });

        // Voices: two coded to the open gap (and a duplicate of one of them), one to the other gap, one to the archived gap,
        // and 22 uncoded, so the page shows the latest 20 of 27.
        var specs = new List<FeedbackItemSpec>
        {
            new("support", "d-open-1", DetailId, "Replenishment is late.", LastActivity.AddHours(-1)),
            new("support", "d-open-2", DetailId, "Replenishment is late again.", LastActivity.AddHours(-30)),
            new("survey", "d-open-dup", DetailId, "Replenishment is late (again).", LastActivity.AddHours(-31), Status: FeedbackStatus.Duplicate),
            new("community", "d-other", DetailId, "Forecasts ignore promotions.", LastActivity.AddHours(-50)),
            new("support", "d-archived", DetailId, "An old complaint.", LastActivity.AddHours(-70)),
        };
        specs.AddRange(Enumerable.Range(0, 22).Select(i => new FeedbackItemSpec("support", $"d-plain-{i}", DetailId, $"Plain voice {i}.", LastActivity.AddDays(-5 - i))));
        var ids = await WebTestSupport.AddFeedbackAsync(App, specs);
        DetailVoices = ids.Count;
        await App.WithDbAsync(async db =>
        {
            Attribution Coded(long itemId, int gapId) => new() { FeedbackItemId = itemId, CapabilityGapId = gapId, State = AttributionState.Draft, UpdatedAt = DateTime.UtcNow };
            db.Attributions.AddRange(Coded(ids[0], OpenGap.Id), Coded(ids[1], OpenGap.Id), Coded(ids[2], OpenGap.Id), Coded(ids[3], OtherGap.Id), Coded(ids[4], ArchivedGap.Id));
            return await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
