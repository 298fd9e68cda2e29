using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Email;

/// <summary>The real app with its e-mail settings (and optionally a fake clock); the hosted sender is off so tests drive it.</summary>
public sealed class EmailAppFactory(TestDatabase database, IDictionary<string, string?> settings, TimeProvider? time = null)
    : VocAppFactory(database, WithDefaults(settings))
{
    public static EmailAppFactory Sqlite(int smtpPort, TimeProvider? time = null, IDictionary<string, string?>? extra = null) =>
        new(TestDatabase.CreateSqlite(), SmtpSettings(smtpPort, extra), time);

    /// <summary>SMTP on 127.0.0.1 at <paramref name="smtpPort"/>, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string?> SmtpSettings(int smtpPort, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    private static Dictionary<string, string?> WithDefaults(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Email:Outbox:Enabled"] = "false",
            ["Email:Smtp:TimeoutSeconds"] = "5",
        };
        foreach (var (key, value) in settings)
            all[key] = value;
        return all;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (time is not null)
            builder.ConfigureTestServices(services => services.AddSingleton(time));
    }

    public OutboxSender Sender => Services.GetRequiredService<OutboxSender>();

    /// <summary>The app's MailKit sender, e.g. to trust a test's own certificate.</summary>
    public SmtpEmailSender SmtpSender => Assert.IsType<SmtpEmailSender>(Services.GetRequiredService<IEmailSender>());

    public async Task<long> QueueAsync(string to, string subject, string text, string html, DateTime now, string template = "test", string language = "en", string? toName = "Test Recipient")
    {
        return await WithDbAsync(async db =>
        {
            var mail = new OutboxEmail
            {
                Key = $"test:{Guid.NewGuid():N}:{to}",
                ToAddress = to,
                ToName = toName,
                Language = language,
                Subject = subject,
                TextBody = text,
                HtmlBody = html,
                Template = template,
                State = OutboxEmailState.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            };
            db.OutboxEmails.Add(mail);
            await db.SaveChangesAsync();
            return mail.Id;
        });
    }

    public Task<List<OutboxEmail>> MailsAsync(IEnumerable<long> ids)
    {
        var list = ids.ToList();
        return WithDbAsync(db => db.OutboxEmails.AsNoTracking().Where(e => list.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync());
    }
}

public static class EmailClock
{
    public static FakeTimeProvider At2026() => new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
}
