using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Sla;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Suggestions;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>
/// Two stored models (v1 cold start, v2 trained with a real evaluation) and suggestions resolved over the three ISO
/// weeks up to <see cref="Now"/> (A, B and C, C being the current one) plus one 14 weeks back, with known outcomes:
/// <list type="bullet">
/// <item>A: business metric v1 cold start 3 accepted + 1 corrected (75 %); tags v1 1 corrected + 1 abstained.</item>
/// <item>B: business metric v2 1 accepted + 1 corrected (50 %); capability gap v2 2 accepted (local) + 1 corrected (LLM).</item>
/// <item>C: business metric v2 4 accepted (100 %); owning domain v2 1 abstained; 2 business-metric v2 suggestions pending.</item>
/// <item>Old (13 weeks before C): business metric v1 1 accepted, outside the default 12 weeks.</item>
/// </list>
/// </summary>
public sealed class SuggestionScenario
{
    public required DateTime Now { get; init; }
    public required DateOnly WeekA { get; init; }
    public DateOnly WeekB => WeekA.AddDays(7);
    public DateOnly WeekC => WeekA.AddDays(14);
    public DateOnly OldWeek => WeekC.AddDays(-7 * 13);

    public static string Label(DateOnly monday)
    {
        var day = monday.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day)}-W{ISOWeek.GetWeekOfYear(day):00}");
    }

    public static SuggestionReports Reports(AsyncServiceScope scope, DateTime now) =>
        new(scope.ServiceProvider.GetRequiredService<VocDbContext>(), new FixedTime(now));

    public static readonly ModelEvaluation Evaluation = new(
    [
        new FieldEvaluation(SuggestionField.BusinessMetric, SuggestionSource.Local, 40, 6, 0.8, 0.95, 1.3,
            [new ReliabilityBin(0.0, 0.5, 10, 0.35, 0.3), new ReliabilityBin(0.5, 1.0, 30, 0.8, 0.83)]),
        new FieldEvaluation(SuggestionField.Tags, SuggestionSource.ColdStart, 0, 12, null, null, 1.0, []),
    ]);

    public static async Task<SuggestionScenario> ArrangeAsync(VocAppFactory app, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        var weekC = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var scenario = new SuggestionScenario { Now = now, WeekA = weekC.AddDays(-14) };
        DateTime At(DateOnly monday, int days) => monday.AddDays(days).ToDateTime(new TimeOnly(10, 0), DateTimeKind.Utc);
        // Week C's rows are resolved on its Monday at midnight, which is never after "now".
        var c = scenario.WeekC.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

        var rows = new List<(SuggestionField Field, SuggestionSource Source, int Version, SuggestionOutcome Outcome, DateTime? Resolved)>();
        void Add(int count, SuggestionField field, SuggestionSource source, int version, SuggestionOutcome outcome, DateTime? resolved)
        {
            for (var i = 0; i < count; i++)
                rows.Add((field, source, version, outcome, resolved));
        }
        Add(3, SuggestionField.BusinessMetric, SuggestionSource.ColdStart, 1, SuggestionOutcome.Accepted, At(scenario.WeekA, 2));
        Add(1, SuggestionField.BusinessMetric, SuggestionSource.ColdStart, 1, SuggestionOutcome.Corrected, At(scenario.WeekA, 3));
        Add(1, SuggestionField.Tags, SuggestionSource.ColdStart, 1, SuggestionOutcome.Corrected, At(scenario.WeekA, 2));
        Add(1, SuggestionField.Tags, SuggestionSource.ColdStart, 1, SuggestionOutcome.Abstained, At(scenario.WeekA, 4));
        Add(1, SuggestionField.BusinessMetric, SuggestionSource.Local, 2, SuggestionOutcome.Accepted, At(scenario.WeekB, 0));
        Add(1, SuggestionField.BusinessMetric, SuggestionSource.Local, 2, SuggestionOutcome.Corrected, At(scenario.WeekB, 6));
        Add(2, SuggestionField.CapabilityGap, SuggestionSource.Local, 2, SuggestionOutcome.Accepted, At(scenario.WeekB, 1));
        Add(1, SuggestionField.CapabilityGap, SuggestionSource.Llm, 2, SuggestionOutcome.Corrected, At(scenario.WeekB, 1));
        Add(4, SuggestionField.BusinessMetric, SuggestionSource.Local, 2, SuggestionOutcome.Accepted, c);
        Add(1, SuggestionField.OwningDomain, SuggestionSource.Local, 2, SuggestionOutcome.Abstained, c);
        Add(2, SuggestionField.BusinessMetric, SuggestionSource.Local, 2, SuggestionOutcome.Pending, null);
        Add(1, SuggestionField.BusinessMetric, SuggestionSource.ColdStart, 1, SuggestionOutcome.Accepted, At(scenario.OldWeek, 1));

        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "SUG-1", "Suggestion Co");
        await app.WithDbAsync(async db =>
        {
            var channel = await db.Channels.SingleAsync(ch => ch.Key == "support");
            // One item per suggestion keeps (item, field, source, version) unique without further bookkeeping.
            var items = rows.Select((_, i) => new FeedbackItem
            {
                ChannelId = channel.Id, ExternalId = "sug-" + i.ToString(CultureInfo.InvariantCulture), CustomerId = customer.Id,
                Verbatim = "Voice " + i.ToString(CultureInfo.InvariantCulture), ReceivedAt = now.AddDays(-120), IngestedAt = now.AddDays(-120),
                Language = "en", Status = FeedbackStatus.Attributed,
            }).ToList();
            db.FeedbackItems.AddRange(items);
            await db.SaveChangesAsync();

            db.SuggestionModels.AddRange(
                new SuggestionModelRecord { Version = 1, TrainedAt = now.AddDays(-120), TrainingItems = 0, IsColdStart = true, TrainSeconds = 0.2, Payload = [1, 2, 3] },
                new SuggestionModelRecord
                {
                    Version = 2, TrainedAt = At(scenario.WeekA, 5), TrainingItems = 40, IsColdStart = false, TrainSeconds = 3.5,
                    EvaluationJson = JsonSerializer.Serialize(Evaluation, SuggestionJson.Options), Payload = [4, 5, 6],
                });
            db.SuggestionRecords.AddRange(rows.Select((r, i) => new SuggestionRecord
            {
                FeedbackItemId = items[i].Id, Field = r.Field, Source = r.Source, ModelVersion = r.Version,
                SuggestedValue = r.Outcome == SuggestionOutcome.Abstained ? null : "key-a", Confidence = r.Outcome == SuggestionOutcome.Abstained ? null : 0.7,
                ShownAt = (r.Resolved ?? c).AddHours(-1), ShownToId = null,
                FinalValue = r.Outcome == SuggestionOutcome.Pending ? null : r.Outcome == SuggestionOutcome.Accepted ? "key-a" : "key-b",
                Outcome = r.Outcome, ResolvedAt = r.Resolved,
            }));
            await db.SaveChangesAsync();
            return 0;
        });
        return scenario;
    }
}
