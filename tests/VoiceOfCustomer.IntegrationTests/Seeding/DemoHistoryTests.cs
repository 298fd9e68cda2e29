using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

/// <summary>
/// The Development demo organisation after its first start: two quarters of voices lived through the real attribution
/// SLA, so the reports, escalations, outbox and queues have a history, and the live app carries on from it without
/// repeating any of it.
/// </summary>
public sealed class DemoHistoryTests
{
    public static TheoryData<string> Providers => SeedTestSupport.Providers;

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 14, 30, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_demo_tells_two_quarters_of_SLA_history_and_the_live_app_carries_on_without_resending_anything(string provider)
    {
        var clock = new FakeTimeProvider(Now);
        var mail = Directory.CreateTempSubdirectory("voc-demo-mail-");
        using var app = new VocAppFactory(SeedTestSupport.Create(provider), new Dictionary<string, string?>
        {
            ["Seed:Customers"] = "40",
            ["Seed:Feedback"] = "1500",
            ["Email:PickupDirectory"] = mail.FullName,
        })
        { Environment = "Development", TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        await using var scope = app.Scope();
        var now = Now.UtcDateTime;

        // Voices over the last six months, each arriving shortly after the customer spoke.
        var span = await app.WithDbAsync(async db => new
        {
            First = await db.FeedbackItems.MinAsync(f => f.ReceivedAt),
            Last = await db.FeedbackItems.MaxAsync(f => f.ReceivedAt),
            Lag = await db.FeedbackItems.Select(f => new { f.ReceivedAt, f.IngestedAt }).ToListAsync(),
        });
        Assert.InRange(span.First, now.AddDays(-182), now.AddDays(-170));
        Assert.InRange(span.Last, now.AddDays(-2), now);
        Assert.All(span.Lag, l => Assert.InRange(l.IngestedAt - l.ReceivedAt, TimeSpan.Zero, TimeSpan.FromMinutes(4)));

        // A weekly compliance that moves: a bad stretch some weeks back, well below the usual level, and a recovery.
        var reports = scope.ServiceProvider.GetRequiredService<SlaReports>();
        var weeks = (await reports.ComplianceAsync(DateOnly.FromDateTime(now.AddDays(-180)), DateOnly.FromDateTime(now))).Weeks
            .Where(w => w.Counts.Met + w.Counts.Breached >= 20).ToList();
        Assert.True(weeks.Count >= 20, $"only {weeks.Count} weeks with concluded items");
        var worst = weeks.MinBy(w => w.Counts.CompliancePercent)!;
        Assert.InRange(worst.Counts.CompliancePercent!.Value, 40, 80);
        Assert.InRange((now - worst.WeekStart.ToDateTime(TimeOnly.MinValue)).TotalDays / 7, 5, 11);
        Assert.True(weeks.Count(w => w.Counts.CompliancePercent >= 85) >= weeks.Count / 2, "most weeks are good ones");
        Assert.True(weeks.TakeLast(4).All(w => w.Counts.CompliancePercent >= 85), "the team has recovered");

        // Escalations of every level, each written by the workflow with its mails, sent back then.
        var escalations = await app.WithDbAsync(db => db.SlaEscalations.AsNoTracking().ToListAsync());
        var byLevel = escalations.GroupBy(e => e.Level).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byLevel[SlaEscalationLevel.Warning] > byLevel[SlaEscalationLevel.Breach], "more warnings than breaches");
        Assert.True(byLevel[SlaEscalationLevel.Breach] > byLevel[SlaEscalationLevel.Leadership], "more breaches than leadership escalations");
        Assert.True(byLevel[SlaEscalationLevel.Leadership] > 0);
        var mails = await app.WithDbAsync(db => db.OutboxEmails.AsNoTracking().ToListAsync());
        Assert.All(escalations, e =>
        {
            Assert.True(e.OccurredAt < now);
            Assert.NotEqual("", e.Recipients);
            var its = mails.Where(m => m.Key.StartsWith(e.Key + ":", StringComparison.Ordinal)).ToList();
            Assert.Equal(e.Recipients.Split(", ").Order(), its.Select(m => m.ToAddress).Order());
            Assert.All(its, m => Assert.Equal(e.OccurredAt, m.CreatedAt));
        });
        Assert.Contains(mails, m => m.Template == "sla-leadership" && m.ToAddress == "lead@voc.local");
        Assert.All(mails, m =>
        {
            Assert.Equal(OutboxEmailState.Sent, m.State);
            Assert.Equal(1, m.Attempts);
            Assert.InRange(m.SentAt!.Value - m.CreatedAt, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        });

        // The live app finds nothing of the history to do again: no mail to send, no timer due, no event undelivered.
        Assert.Equal(0, await app.Services.GetRequiredService<OutboxSender>().DeliverDueAsync(CancellationToken.None));
        Assert.Empty(mail.GetFiles());
        var dispatcher = app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>();
        Assert.Equal(0, (await dispatcher.RunOnceAsync(CancellationToken.None)).Total);

        // Live items now: a queue of recent voices, some waiting on the customer, some already breached.
        var open = await app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Status == FeedbackStatus.New || f.Status == FeedbackStatus.AwaitingCustomer)
            .GroupBy(f => f.Status).ToDictionaryAsync(g => g.Key, g => g.Count()));
        Assert.InRange(open[FeedbackStatus.New], 10, 150);
        Assert.True(open.GetValueOrDefault(FeedbackStatus.AwaitingCustomer) > 0);
        var breached = await reports.BreachedAsync(new BreachedFilter(), null, 50);
        Assert.NotEmpty(breached.Items);
        Assert.True(await app.WithDbAsync(db => db.FeedbackItems.CountAsync(f => f.Status == FeedbackStatus.Attributed)) > 1300, "most voices are coded");

        // ...and the clock runs on: three days later the open voices escalate live, with mail waiting to go out.
        clock.Advance(TimeSpan.FromDays(3));
        for (var pass = 0; pass < 4; pass++)
            await dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.True(await app.WithDbAsync(db => db.OutboxEmails.CountAsync(m => m.State == OutboxEmailState.Pending)) > 0);

        // Leadership's pages show the story.
        var lead = WebTestSupport.Client(app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(lead, "lead@voc.local", "Demo!2345")).StatusCode);
        var escalationsPage = await lead.GetStringAsync("/sla/escalations?level=Leadership");
        Assert.Contains("data-escalation=", escalationsPage, StringComparison.Ordinal);
        Assert.Contains("lead@voc.local", escalationsPage, StringComparison.Ordinal);
        Assert.Contains("data-id=", await lead.GetStringAsync("/sla/breached"), StringComparison.Ordinal);
        mail.Delete(recursive: true);
    }
}
