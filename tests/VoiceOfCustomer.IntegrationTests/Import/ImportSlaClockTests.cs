using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Runtime;
using static VoiceOfCustomer.IntegrationTests.Import.ImportTestFiles;

namespace VoiceOfCustomer.IntegrationTests.Import;

/// <summary>
/// The clock rule of docs/decisions/0005: an imported voice's attribution clock starts when the customer spoke, and
/// the levels it reached before it was imported are recorded at their moment without mail; a live voice's clock
/// starts when it reaches the app, whatever its receivedAt says.
/// </summary>
public sealed class ImportSlaClockTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static readonly DateTime Now = new(2026, 3, 16, 9, 0, 0, DateTimeKind.Utc); // a Monday
    private static readonly DateTime TenDaysAgo = Now.AddDays(-10);
    private static readonly DateTime FortyHoursAgo = Now.AddHours(-40);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Imported_history_runs_from_its_received_time_and_what_it_missed_before_the_import_is_recorded_without_mail(string provider)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(Now));
        using var app = new VocAppFactory(TestDatabase.Create(provider),
            new Dictionary<string, string?> { ["Escalation:CsLeadAddresses:0"] = "cs-lead@example.test", ["Escalation:LeadershipAddresses:0"] = "board@example.test" })
        { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        await app.EnsureChannelsAsync();

        var csv = $"""
            {Header}
            OLD-1,ACME-IMPORT,The promotion planner lost every store override again.,{TenDaysAgo:yyyy-MM-ddTHH:mm:ssZ},en,,,,
            RECENT-1,ACME-IMPORT,Replenishment orders arrive after the promotion starts.,{FortyHoursAgo:yyyy-MM-ddTHH:mm:ssZ},en,,,,
            """;
        var report = await app.Services.GetRequiredService<CsvFeedbackImporter>().ImportAsync(Stream(csv), new ImportRequest { ChannelKey = "support", FileName = "backlog.csv" });
        Assert.Equal(2, report.Imported);

        // The same old voice through the API: live intake, so its clock starts now.
        var api = app.CreateApiClient(await app.CreateApiKeyAsync("intake"));
        var posted = await api.PostAsJsonAsync("/api/feedback", new
        {
            channel = "support", externalId = "LIVE-1", customer = "ACME-IMPORT",
            verbatim = "The promotion planner lost every store override again.", receivedAt = TenDaysAgo,
        });
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        var dispatcher = app.Services.GetRequiredService<WorkflowDispatcher<VocDbContext>>();
        for (var pass = 0; pass < 4; pass++)
            await dispatcher.RunOnceAsync(CancellationToken.None);

        var items = await app.WithDbAsync(db => db.FeedbackItems.AsNoTracking().ToDictionaryAsync(f => f.ExternalId));
        Assert.Equal(TenDaysAgo, items["OLD-1"].SlaClockStartsAt);
        Assert.Equal(TenDaysAgo.AddHours(48), items["OLD-1"].AttributionDueAt);
        Assert.Equal(TenDaysAgo.AddHours(48), items["OLD-1"].SlaBreachedAt);
        Assert.Equal(Now, items["LIVE-1"].SlaClockStartsAt);
        Assert.Equal(Now.AddHours(48), items["LIVE-1"].AttributionDueAt);
        Assert.Null(items["LIVE-1"].SlaBreachedAt);

        // Every level the old voice reached is on record at the moment it was reached, with nobody told.
        var old = await EscalationsAsync(app, items["OLD-1"].Id);
        Assert.Equal(
            [(SlaEscalationLevel.Warning, TenDaysAgo.AddHours(36)), (SlaEscalationLevel.Breach, TenDaysAgo.AddHours(48)), (SlaEscalationLevel.Leadership, TenDaysAgo.AddHours(72))],
            old.Select(e => (e.Level, e.OccurredAt)));
        Assert.All(old, e => Assert.Equal("", e.Recipients));
        Assert.Equal([(SlaEscalationLevel.Warning, FortyHoursAgo.AddHours(36))], (await EscalationsAsync(app, items["RECENT-1"].Id)).Select(e => (e.Level, e.OccurredAt)));
        Assert.Empty(await EscalationsAsync(app, items["LIVE-1"].Id));
        Assert.Equal(0, await app.WithDbAsync(db => db.OutboxEmails.CountAsync()));

        // What happens after the import is news: the recent voice breaches eight hours later and the CS lead hears of it.
        clock.Advance(TimeSpan.FromHours(8));
        await dispatcher.RunOnceAsync(CancellationToken.None);
        var breach = (await EscalationsAsync(app, items["RECENT-1"].Id)).Single(e => e.Level == SlaEscalationLevel.Breach);
        Assert.Equal((FortyHoursAgo.AddHours(48), "cs-lead@example.test"), (breach.OccurredAt, breach.Recipients));
        Assert.Equal(["cs-lead@example.test"], await app.WithDbAsync(db => db.OutboxEmails.Select(m => m.ToAddress).ToListAsync()));

        // The pages say why the old voice's escalations went to nobody, and the report counts it in the week it was received.
        await using var scope = app.Scope();
        var reports = scope.ServiceProvider.GetRequiredService<SlaReports>();
        var page = await reports.EscalationsAsync(new EscalationFilter { FeedbackItemId = items["OLD-1"].Id }, null, 10);
        Assert.All(page.Items, e => Assert.True(e.BeforeArrival));
        var compliance = await reports.ComplianceAsync(DateOnly.FromDateTime(TenDaysAgo.AddDays(-7)), DateOnly.FromDateTime(Now));
        var weekOf = compliance.Weeks.ToDictionary(w => w.WeekStart);
        Assert.Equal((1, 1), (weekOf[new DateOnly(2026, 3, 2)].Counts.Total, weekOf[new DateOnly(2026, 3, 2)].Counts.Breached));
        Assert.Equal((1, 1), (weekOf[new DateOnly(2026, 3, 9)].Counts.Total, weekOf[new DateOnly(2026, 3, 9)].Counts.Breached));
        Assert.Equal((1, 0), (weekOf[new DateOnly(2026, 3, 16)].Counts.Total, weekOf[new DateOnly(2026, 3, 16)].Counts.Breached));
    }

    private static Task<List<SlaEscalation>> EscalationsAsync(VocAppFactory app, long itemId) =>
        app.WithDbAsync(db => db.SlaEscalations.AsNoTracking().Where(e => e.FeedbackItemId == itemId).OrderBy(e => e.OccurredAt).ToListAsync());
}
