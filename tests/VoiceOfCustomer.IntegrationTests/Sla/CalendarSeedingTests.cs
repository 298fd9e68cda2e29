using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.IntegrationTests.Sla;

public sealed class CalendarSeedingTests
{
    [Fact]
    public async Task Start_up_stores_the_calendars_once_and_the_registry_serves_them()
    {
        using var app = new VocAppFactory();
        var stored = await app.WithDbAsync(db => db.BusinessCalendars.OrderBy(c => c.Key).Select(c => c.Key).ToListAsync());
        Assert.Equal(["cn-business", "eu-business"], stored);
        Assert.Equal("cn-business", await app.WithDbAsync(db => db.Segments.Where(s => s.Key == "enterprise").Select(s => s.Policy.CalendarKey).SingleAsync()));

        var calendars = app.Services.GetRequiredService<IWorkingTimeCalendars>();
        Assert.Same(app.Services.GetRequiredService<BusinessCalendarRegistry>(), calendars);
        var cn = Assert.IsType<BusinessCalendar>(calendars.Find("cn-business"));
        Assert.Null(calendars.Find("moon-hours"));
        // Wednesday 30 September 2026, 17:00 in Shanghai: one working hour that day, then National Day week (1–7 October) is skipped.
        Assert.Equal(new DateTime(2026, 10, 8, 2, 0, 0, DateTimeKind.Utc), cn.AddWorkingTime(new DateTime(2026, 9, 30, 9, 0, 0, DateTimeKind.Utc), TimeSpan.FromHours(2)));

        // Add-only: an Admin's edit survives the next start's seeding.
        await app.WithDbAsync(db => db.BusinessCalendars.Where(c => c.Key == "eu-business").ExecuteUpdateAsync(s => s.SetProperty(c => c.Name, "Edited")));
        await using var scope = app.Scope();
        var result = await scope.ServiceProvider.GetRequiredService<VoiceOfCustomer.Seeding.ReferenceDataSeeder>().SeedAsync();
        Assert.Equal(0, result.Calendars);
        Assert.Equal("Edited", await app.WithDbAsync(db => db.BusinessCalendars.Where(c => c.Key == "eu-business").Select(c => c.Name).SingleAsync()));
    }
}
