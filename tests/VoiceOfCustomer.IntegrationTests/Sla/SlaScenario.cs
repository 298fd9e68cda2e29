using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;

namespace VoiceOfCustomer.IntegrationTests.Sla;

/// <summary>A clock that stays where the test put it.</summary>
public sealed class FixedTime(DateTime utcNow) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(utcNow, DateTimeKind.Utc));
}

/// <summary>
/// Nine items over three ISO weeks of March 2026 with known SLA outcomes, "now" being Wednesday 18 March 12:00 UTC
/// (ISO week 12). Expected figures are worked out in the test that reads them.
/// </summary>
public sealed class SlaScenario
{
    public static readonly DateTime Now = Utc(2026, 3, 18, 12);
    public const string Csm1 = "csm-1";
    public const string Csm2 = "csm-2";
    public const string ChineseCustomer = "上海测试零售";
    public const string FormulaCustomer = "=HYPERLINK(\"http://evil\")";

    public required Dictionary<char, long> Items { get; init; }
    public required int EnterpriseId { get; init; }

    public static DateTime Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, DateTimeKind.Utc);

    public static SlaReports Reports(AsyncServiceScope scope) => new(
        scope.ServiceProvider.GetRequiredService<VocDbContext>(), scope.ServiceProvider.GetRequiredService<ChannelCatalog>(), new FixedTime(Now));

    public static async Task<SlaScenario> ArrangeAsync(VocAppFactory app)
    {
        await app.EnsureChannelsAsync();
        var enterprise = await app.WithDbAsync(db => db.Segments.Where(s => s.Key == "enterprise").Select(s => s.Id).SingleAsync());
        var acme = await WebTestSupport.AddCustomerAsync(app, "SLA-1", "Acme Retail");
        var shanghai = await WebTestSupport.AddCustomerAsync(app, "SLA-2", ChineseCustomer);
        var formula = await WebTestSupport.AddCustomerAsync(app, "SLA-3", FormulaCustomer);
        await app.WithDbAsync(db => db.Customers.Where(c => c.Id == acme.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.SegmentId, enterprise)));

        var specs = new (char Name, int Customer, DateTime Ingested, FeedbackStatus Status, DateTime? Due, DateTime? Breached, string? Owner)[]
        {
            // Week 10 (2–8 March): one met, one breached and attributed, one still open past its deadline.
            ('A', acme.Id, Utc(2026, 3, 2, 9), FeedbackStatus.Attributed, Utc(2026, 3, 4, 9), null, Csm1),
            ('B', acme.Id, Utc(2026, 3, 3, 9), FeedbackStatus.Attributed, Utc(2026, 3, 5, 9), Utc(2026, 3, 5, 9), Csm1),
            ('C', acme.Id, Utc(2026, 3, 4, 9), FeedbackStatus.New, Utc(2026, 3, 6, 9), null, Csm2),
            // Week 11 (9–15 March): paused past its (frozen) deadline, open within, met, a duplicate.
            ('D', acme.Id, Utc(2026, 3, 9, 9), FeedbackStatus.AwaitingCustomer, Utc(2026, 3, 10, 9), null, Csm1),
            ('E', shanghai.Id, Utc(2026, 3, 15, 9), FeedbackStatus.InProgress, Utc(2026, 3, 20, 9), null, null),
            ('F', shanghai.Id, Utc(2026, 3, 10, 9), FeedbackStatus.Attributed, Utc(2026, 3, 12, 9), null, Csm2),
            ('G', formula.Id, Utc(2026, 3, 11, 9), FeedbackStatus.Duplicate, Utc(2026, 3, 13, 9), null, null),
            // Week 12: breached, then paused and resumed, so its deadline moved into the future.
            ('I', shanghai.Id, Utc(2026, 3, 16, 9), FeedbackStatus.InProgress, Utc(2026, 3, 19, 9), Utc(2026, 3, 17, 9), Csm2),
            // Before the range.
            ('H', acme.Id, Utc(2026, 2, 20, 9), FeedbackStatus.Attributed, Utc(2026, 2, 22, 9), null, Csm1),
        };
        var ids = await app.WithDbAsync(async db =>
        {
            var channel = await db.Channels.SingleAsync(c => c.Key == "support");
            var items = specs.Select(s => new FeedbackItem
            {
                ChannelId = channel.Id, ExternalId = "sla-" + s.Name, CustomerId = s.Customer, Verbatim = "Voice " + s.Name,
                ReceivedAt = s.Ingested, IngestedAt = s.Ingested, Language = "en", Status = s.Status,
                AttributionDueAt = s.Due, SlaStartedAt = s.Ingested, SlaBreachedAt = s.Breached, OwnerCsmId = s.Owner,
            }).ToList();
            db.FeedbackItems.AddRange(items);
            await db.SaveChangesAsync();

            var byName = specs.Select((s, i) => (s.Name, items[i].Id)).ToDictionary(p => p.Name, p => p.Id);
            SlaEscalation Escalation(char item, SlaEscalationLevel level, DateTime at, string recipients) => new()
            {
                FeedbackItemId = byName[item], Level = level, Key = $"sla:{item}:{level}", WorkflowInstanceId = 1,
                OccurredAt = at, DueAt = at, OwnerCsmId = Csm1, SegmentId = enterprise, Recipients = recipients,
            };
            db.SlaEscalations.AddRange(
                Escalation('B', SlaEscalationLevel.Warning, Utc(2026, 3, 4, 15), "csm1@example.com"),
                Escalation('B', SlaEscalationLevel.Breach, Utc(2026, 3, 5, 9), "lead@example.com"),
                Escalation('C', SlaEscalationLevel.Breach, Utc(2026, 3, 6, 9), "lead@example.com"),
                Escalation('C', SlaEscalationLevel.Leadership, Utc(2026, 3, 7, 9), "boss@example.com,cto@example.com"),
                Escalation('I', SlaEscalationLevel.Breach, Utc(2026, 3, 17, 9), "lead@example.com"));
            await db.SaveChangesAsync();
            return byName;
        });
        return new SlaScenario { Items = ids, EnterpriseId = enterprise };
    }
}
