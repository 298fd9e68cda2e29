using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Email;

/// <summary>The outbox against a real SMTP server (maildev, started by scripts/test.sh) and real databases.</summary>
public sealed class OutboxDeliveryTests
{
    [Fact]
    public async Task A_pending_mail_is_delivered_over_SMTP_with_text_and_HTML_and_Chinese_headers_and_marked_sent()
    {
        using var maildev = MailDev.FromEnvironment();
        var clock = EmailClock.At2026();
        using var app = EmailAppFactory.Sqlite(MailDev.SmtpPort, clock, new Dictionary<string, string?> { ["Email:FromName"] = "客户之声" });
        var templates = app.Services.GetRequiredService<IEmailTemplates>();
        var to = MailDev.UniqueRecipient("cs-lead");
        var rendered = templates.Render("sla-breach", "zh-CN", new Dictionary<string, string>
        {
            ["recipientName"] = "李雷", ["itemId"] = "4711", ["customer"] = "Acme <Retail>", ["segment"] = "战略共建",
            ["owner"] = "王芳", ["deadline"] = "2026-03-01 08:00 UTC", ["overdueBy"] = "1 天", ["timeLeft"] = "", ["level"] = "1",
            ["link"] = "http://127.0.0.1:5080/feedback/4711", ["verbatim"] = "促销期间补货单总是延迟。",
        });
        var id = await app.QueueAsync(to, rendered.Subject, rendered.TextBody, rendered.HtmlBody, clock.GetUtcNow().UtcDateTime, "sla-breach", "zh-CN", toName: "李雷");

        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));

        var message = Assert.Single(await maildev.WaitForAsync(to));
        Assert.Equal(rendered.Subject, message.Subject);
        Assert.StartsWith("SLA 已违约：条目 #4711", message.Subject);
        Assert.Equal("李雷", Assert.Single(message.To).Name);
        Assert.Equal(("客户之声", "voc@localhost"), (Assert.Single(message.From).Name, message.From[0].Address));
        // On the wire the Chinese of the headers is RFC 2047 encoded words; the bodies are text and HTML alternatives.
        var source = await maildev.SourceAsync(message.Id);
        var headers = source[..source.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.DoesNotContain("已违约", headers);
        Assert.DoesNotContain("李雷", headers);
        Assert.Matches(@"(?m)^Subject: SLA =\?utf-8\?[bq]\?", headers);
        Assert.Contains("multipart/alternative", headers);
        Assert.Contains("促销期间补货单总是延迟。", message.Text);
        Assert.Contains("http://127.0.0.1:5080/feedback/4711", message.Text);
        Assert.Contains("Acme <Retail>", message.Text);
        Assert.Contains("Acme &lt;Retail&gt;", message.Html);
        Assert.Contains("促销期间补货单总是延迟。", message.Html);
        var mail = Assert.Single(await app.MailsAsync([id]));
        Assert.Equal($"<{MimeMessages.MessageId(mail.Id, mail.Key, "localhost")}>", message.Header("message-id"));

        Assert.Equal(OutboxEmailState.Sent, mail.State);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, mail.SentAt);
        Assert.Null(mail.LeaseOwner);
        Assert.Null(mail.LeaseUntil);
        Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task With_the_SMTP_server_down_mail_backs_off_and_after_it_returns_each_arrives_exactly_once()
    {
        var clock = EmailClock.At2026();
        var port = MailDev.FreePort(); // nothing listens here until the test starts a maildev on it
        using var app = EmailAppFactory.Sqlite(port, clock, new Dictionary<string, string?>
        {
            ["Email:Outbox:InitialBackoff"] = "00:00:30",
            ["Email:Outbox:MaxBackoff"] = "00:10:00",
            ["Email:Outbox:MaxAttempts"] = "20",
        });
        var recipients = Enumerable.Range(0, 5).Select(i => MailDev.UniqueRecipient($"down{i}")).ToList();
        var ids = new List<long>();
        foreach (var to in recipients)
            ids.Add(await app.QueueAsync(to, "Outage 故障 " + to, "text " + to, "<p>html</p>", clock.GetUtcNow().UtcDateTime));

        // Every round fails; the pause before the next attempt doubles from 30 s and stops at 10 minutes.
        int[] expectedWaits = [30, 60, 120, 240, 480, 600, 600];
        for (var round = 0; round < expectedWaits.Length; round++)
        {
            Assert.Equal(5, await app.Sender.DeliverDueAsync(CancellationToken.None));
            var now = clock.GetUtcNow().UtcDateTime;
            var mails = await app.MailsAsync(ids);
            Assert.Equal(5, mails.Count);
            Assert.All(mails, m =>
            {
                Assert.Equal(OutboxEmailState.Pending, m.State);
                Assert.Equal(round + 1, m.Attempts);
                Assert.Equal(TimeSpan.FromSeconds(expectedWaits[round]), m.NextAttemptAt - now);
                Assert.NotNull(m.LastError);
                Assert.Null(m.LeaseOwner);
            });
            // Not due yet: nothing is tried.
            Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
            clock.Advance(TimeSpan.FromSeconds(expectedWaits[round]));
        }

        // The server is back after the outage; ten more minutes pass.
        clock.Advance(TimeSpan.FromMinutes(10));
        using var server = await MailDevProcess.StartAsync(port);
        Assert.Equal(5, await app.Sender.DeliverDueAsync(CancellationToken.None));
        foreach (var to in recipients)
            await server.Api.WaitForAsync(to);

        // More rounds, later, send nothing more.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
        await Task.Delay(300);
        var all = await server.Api.MessagesAsync();
        Assert.All(recipients, to => Assert.Equal(1, all.Count(m => m.IsTo(to))));
        Assert.All(await app.MailsAsync(ids), m => Assert.Equal(OutboxEmailState.Sent, m.State));
    }

    [Fact]
    public async Task A_dead_letter_retried_from_the_outbox_page_is_delivered()
    {
        var clock = EmailClock.At2026();
        var port = MailDev.FreePort();
        using var app = EmailAppFactory.Sqlite(port, clock, new Dictionary<string, string?> { ["Email:Outbox:MaxAttempts"] = "2" });
        var to = MailDev.UniqueRecipient("dead");
        var id = await app.QueueAsync(to, "Dead then alive", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime);

        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        var dead = Assert.Single(await app.MailsAsync([id]));
        Assert.Equal(OutboxEmailState.DeadLetter, dead.State);
        Assert.Equal(2, dead.Attempts);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));

        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        var page = await admin.GetStringAsync("/admin/outbox?state=DeadLetter");
        Assert.Contains($"data-id=\"{id}\"", page);
        Assert.Contains("Dead then alive", page);
        var response = await admin.PostAsync($"/admin/outbox/{id}/retry", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["state"] = "DeadLetter",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/outbox?state=DeadLetter", response.Headers.Location?.OriginalString);
        var retried = Assert.Single(await app.MailsAsync([id]));
        Assert.Equal(OutboxEmailState.Pending, retried.State);
        Assert.Equal(0, retried.Attempts);
        Assert.NotNull(retried.LastError); // kept for the record

        using var server = await MailDevProcess.StartAsync(port);
        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.Single(await server.Api.WaitForAsync(to));
        Assert.Equal(OutboxEmailState.Sent, Assert.Single(await app.MailsAsync([id])).State);

        var sentPage = await admin.GetStringAsync("/admin/outbox?state=Sent");
        Assert.Contains($"data-id=\"{id}\"", sentPage);
        Assert.Contains("data-count=\"DeadLetter\">0<", sentPage);
    }

    [Fact]
    public async Task Retry_all_dead_letters_and_the_empty_outbox_page()
    {
        var clock = EmailClock.At2026();
        using var app = EmailAppFactory.Sqlite(MailDev.FreePort(), clock, new Dictionary<string, string?> { ["Email:Outbox:MaxAttempts"] = "1" });
        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        Assert.Contains("The outbox is empty", await admin.GetStringAsync("/admin/outbox"));

        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await app.QueueAsync(MailDev.UniqueRecipient("all"), $"Mail {i}", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime));
        Assert.Equal(3, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.All(await app.MailsAsync(ids), m => Assert.Equal(OutboxEmailState.DeadLetter, m.State));

        var page = await admin.GetStringAsync("/admin/outbox");
        Assert.Contains("data-count=\"DeadLetter\">3<", page);
        var response = await admin.PostAsync("/admin/outbox/retry-dead-letters", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.All(await app.MailsAsync(ids), m => Assert.Equal(OutboxEmailState.Pending, m.State));
        Assert.Contains("3 dead letters will be sent again shortly.", await admin.GetStringAsync("/admin/outbox"));
    }

    [Fact]
    public async Task Without_an_SMTP_host_mail_is_written_to_the_pickup_folder()
    {
        var folder = Directory.CreateTempSubdirectory("voc-mail-");
        try
        {
            var clock = EmailClock.At2026();
            using var app = new EmailAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
            {
                ["Email:Smtp:Host"] = "",
                ["Email:PickupDirectory"] = folder.FullName,
            }, clock);
            var id = await app.QueueAsync("pickup@voc-test.example", "Pickup 取件", "text body", "<p>html</p>", clock.GetUtcNow().UtcDateTime);
            Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
            var file = Assert.Single(folder.GetFiles("*.eml"));
            Assert.Contains("pickup@voc-test.example", await File.ReadAllTextAsync(file.FullName));
            Assert.Equal(OutboxEmailState.Sent, Assert.Single(await app.MailsAsync([id])).State);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Two_app_instances_on_one_PostgreSQL_database_send_each_mail_exactly_once()
    {
        using var maildev = MailDev.FromEnvironment();
        var database = TestDatabase.CreatePostgres();
        var settings = new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = MailDev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email:Outbox:BatchSize"] = "5",
        };
        using var first = new EmailAppFactory(database, settings);
        var recipients = Enumerable.Range(0, 40).Select(i => MailDev.UniqueRecipient($"pg{i}")).ToList();
        var ids = new List<long>();
        foreach (var to in recipients)
            ids.Add(await first.QueueAsync(to, "Once " + to, "text", "<p>html</p>", DateTime.UtcNow.AddSeconds(-1)));
        using var second = new EmailAppFactory(database, settings);
        Assert.NotEqual(first.Sender.Owner, second.Sender.Owner);

        async Task<int> DrainAsync(OutboxSender sender)
        {
            var total = 0;
            int round;
            while ((round = await sender.DeliverDueAsync(CancellationToken.None)) > 0)
                total += round;
            return total;
        }
        var counts = await Task.WhenAll(Task.Run(() => DrainAsync(first.Sender)), Task.Run(() => DrainAsync(second.Sender)));
        Assert.Equal(40, counts.Sum());

        foreach (var to in recipients)
            await maildev.WaitForAsync(to);
        await Task.Delay(300);
        var all = await maildev.MessagesAsync();
        Assert.All(recipients, to => Assert.Equal(1, all.Count(m => m.IsTo(to))));
        var mails = await first.MailsAsync(ids);
        Assert.All(mails, m => Assert.Equal(OutboxEmailState.Sent, m.State));
        Assert.All(mails, m => Assert.Equal(1, m.Attempts));
        Assert.Equal(0, await first.WithDbAsync(db => db.OutboxEmails.CountAsync(e => e.State == OutboxEmailState.Pending)));
    }
}
