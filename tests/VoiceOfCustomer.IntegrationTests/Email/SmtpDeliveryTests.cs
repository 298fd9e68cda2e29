using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Email;

/// <summary>
/// The MailKit sender behind the outbox, against real SMTP servers over real sockets: maildev (stopped and started
/// again mid-batch, and with TLS and sign-in), and <see cref="TinySmtpServer"/> for refusals, 4xx answers, STARTTLS and
/// a host that never answers. Ports 51250–51259 are this class's for the maildev instances it starts.
/// </summary>
public sealed class SmtpDeliveryTests
{
    private const int DropTestPort = 51250;
    private const int TlsTestPort = 51251;

    [Fact]
    public async Task A_batch_uses_one_connection_a_refused_recipient_becomes_a_dead_letter_and_a_deferred_one_waits()
    {
        var clock = EmailClock.At2026();
        var busyOnce = true;
        await using var server = new TinySmtpServer(address =>
            address.StartsWith("refused", StringComparison.Ordinal) ? "550 5.1.1 No such user here"
            : address.StartsWith("busy", StringComparison.Ordinal) && busyOnce ? "451 4.2.1 Mailbox busy, try later"
            : null);
        using var app = EmailAppFactory.Sqlite(server.Port, clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var first = await app.QueueAsync("first@voc-test.example", "First", "text", "<p>html</p>", now);
        var refused = await app.QueueAsync("refused@voc-test.example", "Refused", "text", "<p>html</p>", now);
        var invalid = await app.QueueAsync("not an address", "Invalid", "text", "<p>html</p>", now);
        var busy = await app.QueueAsync("busy@voc-test.example", "Busy", "text", "<p>html</p>", now);
        var last = await app.QueueAsync("last@voc-test.example", "Last", "text", "<p>html</p>", now);

        Assert.Equal(5, await app.Sender.DeliverDueAsync(CancellationToken.None));

        // One connection for the batch, closed with QUIT; the refusals did not cost the others their place.
        Assert.Equal(1, server.Connections);
        Assert.Equal(1, server.Quits);
        Assert.Equal(["first@voc-test.example", "last@voc-test.example"], server.Accepted.Select(m => m.Recipient));
        var mails = (await app.MailsAsync([first, refused, invalid, busy, last])).ToDictionary(m => m.Id);
        Assert.Equal(OutboxEmailState.Sent, mails[first].State);
        Assert.Equal(OutboxEmailState.Sent, mails[last].State);
        foreach (var (id, reason) in new[] { (refused, "refused permanently the recipient refused@voc-test.example: 550 5.1.1 No such user here"), (invalid, "'not an address' is not a valid e-mail address") })
        {
            Assert.Equal(OutboxEmailState.DeadLetter, mails[id].State);
            Assert.Equal(1, mails[id].Attempts);
            Assert.Contains(reason, mails[id].LastError);
        }
        Assert.Equal(OutboxEmailState.Pending, mails[busy].State);
        Assert.Equal(1, mails[busy].Attempts);
        Assert.Equal(now.AddSeconds(30), mails[busy].NextAttemptAt);
        Assert.Contains("deferred (try later) the recipient busy@voc-test.example: 451 4.2.1 Mailbox busy", mails[busy].LastError);

        // The reason is on the outbox page, where an Admin decides what to do with a dead letter.
        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        var page = await admin.GetStringAsync("/admin/outbox?state=DeadLetter");
        Assert.Contains("550 5.1.1 No such user here", page);
        Assert.Contains($"data-id=\"{refused}\"", page);

        // Later the mailbox takes mail again: the deferred mail goes, a new connection; the dead letter stays put.
        busyOnce = false;
        Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal("busy@voc-test.example", server.Accepted.Last().Recipient);
        Assert.Equal((2, 2), (server.Connections, server.Quits));
        Assert.Equal(OutboxEmailState.Sent, Assert.Single(await app.MailsAsync([busy])).State);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(OutboxEmailState.DeadLetter, Assert.Single(await app.MailsAsync([refused])).State);
    }

    [Fact]
    public async Task A_round_sends_batch_after_batch_over_one_connection_and_ends_at_a_connection_failure()
    {
        var clock = EmailClock.At2026();
        await using var server = new TinySmtpServer();
        using var app = EmailAppFactory.Sqlite(server.Port, clock, new Dictionary<string, string?>
        {
            ["Email:Outbox:BatchSize"] = "2",
            ["Email:Smtp:ConnectTimeoutSeconds"] = "1",
        });
        async Task<List<long>> QueueAsync(string prefix)
        {
            var ids = new List<long>();
            for (var i = 0; i < 5; i++)
                ids.Add(await app.QueueAsync($"{prefix}{i}@voc-test.example", $"{prefix} {i}", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime));
            return ids;
        }

        var first = await QueueAsync("round");
        Assert.Equal(5, await app.Sender.DeliverAllDueAsync(CancellationToken.None));
        Assert.Equal((1, 1), (server.Connections, server.Quits));
        Assert.Equal(5, server.Accepted.Count);
        Assert.All(await app.MailsAsync(first), m => Assert.Equal(OutboxEmailState.Sent, m.State));

        // The server stops answering: the first batch fails and waits; the round ends there instead of waiting out
        // the connect timeout once per batch. The rest stay due for the next poll, untouched.
        server.Silent = true;
        var second = await QueueAsync("silent");
        Assert.Equal(2, await app.Sender.DeliverAllDueAsync(CancellationToken.None));
        Assert.Equal(2, server.Connections);
        var mails = await app.MailsAsync(second);
        Assert.Equal(2, mails.Count(m => m.Attempts == 1 && m.LastError is not null && m.State == OutboxEmailState.Pending));
        Assert.Equal(3, mails.Count(m => m.Attempts == 0 && m.LastError is null && m.LeaseOwner is null && m.State == OutboxEmailState.Pending));
    }

    [Fact]
    public async Task Maildev_stopped_mid_batch_keeps_the_accepted_mails_sent_and_after_its_restart_sends_each_other_mail_once_with_its_Message_ID()
    {
        var clock = EmailClock.At2026();
        var maildev = await MailDevProcess.StartAsync(DropTestPort);
        try
        {
            var recipients = Enumerable.Range(0, 12).Select(i => MailDev.UniqueRecipient($"drop{i}")).ToList();
            IReadOnlyList<MailDevMessage> beforeTheStop = [];
            using var app = new EmailAppFactory(TestDatabase.CreateSqlite(), EmailAppFactory.SmtpSettings(DropTestPort), clock)
            {
                // The real MailKit sender; after its fifth accepted mail the test stops maildev, between two mails of one batch.
                TestServices = services => services.AddSingleton<IEmailSender>(sp => new AfterAcceptedSender(
                    ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp), 5, async () =>
                    {
                        beforeTheStop = await maildev.Api.WaitForCountAsync(5);
                        maildev.Dispose();
                    })),
            };
            var ids = new List<long>();
            foreach (var to in recipients)
                ids.Add(await app.QueueAsync(to, "Mid-batch 批次中断 " + to, "text " + to, "<p>html</p>", clock.GetUtcNow().UtcDateTime));

            Assert.Equal(12, await app.Sender.DeliverDueAsync(CancellationToken.None));

            Assert.Equal(recipients[..5].Order(StringComparer.Ordinal), beforeTheStop.Select(m => m.To[0].Address).Order(StringComparer.Ordinal));
            var afterStop = await app.MailsAsync(ids);
            Assert.All(afterStop[..5], m => Assert.Equal((OutboxEmailState.Sent, 1), (m.State, m.Attempts)));
            var now = clock.GetUtcNow().UtcDateTime;
            Assert.All(afterStop[5..], m =>
            {
                Assert.Equal((OutboxEmailState.Pending, 1), (m.State, m.Attempts));
                Assert.Equal(now.AddSeconds(30), m.NextAttemptAt);
                Assert.Contains($"127.0.0.1:{DropTestPort}", m.LastError);
            });
            Assert.Contains("was lost while sending", afterStop[5].LastError);
            Assert.All(afterStop[6..], m => Assert.StartsWith("Not sent in this batch: ", m.LastError));

            // maildev comes back on the same port; the back-off passes.
            maildev = await MailDevProcess.StartAsync(DropTestPort);
            clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(7, await app.Sender.DeliverDueAsync(CancellationToken.None));
            foreach (var to in recipients[5..])
                await maildev.Api.WaitForAsync(to);
            await Task.Delay(300);
            var afterRestart = await maildev.Api.MessagesAsync();
            Assert.Equal(recipients[5..].Order(StringComparer.Ordinal), afterRestart.Select(m => m.To[0].Address).Order(StringComparer.Ordinal));

            var sent = await app.MailsAsync(ids);
            Assert.All(sent, m => Assert.Equal(OutboxEmailState.Sent, m.State));
            var domain = app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.ResolvedMessageIdDomain;
            foreach (var row in sent[5..])
                Assert.Equal($"<{MimeMessages.MessageId(row.Id, row.Key, domain)}>", afterRestart.Single(m => m.IsTo(row.ToAddress)).Header("message-id"));
            foreach (var row in sent[..5])
                Assert.Equal($"<{MimeMessages.MessageId(row.Id, row.Key, domain)}>", beforeTheStop.Single(m => m.IsTo(row.ToAddress)).Header("message-id"));
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(0, await app.Sender.DeliverDueAsync(CancellationToken.None));
        }
        finally
        {
            maildev.Dispose();
        }
    }

    [Fact]
    public async Task TLS_on_connect_with_a_sign_in_delivers_to_maildev_and_a_wrong_password_or_an_untrusted_certificate_waits_with_its_reason()
    {
        var folder = Directory.CreateTempSubdirectory("voc-tls-");
        var passwordVariable = $"VOC_TEST_SMTP_PASSWORD_{Guid.NewGuid():N}";
        try
        {
            using var certificate = TestCertificate.Create();
            var certFile = Path.Combine(folder.FullName, "cert.pem");
            var keyFile = Path.Combine(folder.FullName, "key.pem");
            await File.WriteAllTextAsync(certFile, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            using var maildev = await MailDevProcess.StartAsync(TlsTestPort,
                "--incoming-secure", "--incoming-cert", certFile, "--incoming-key", keyFile, "--incoming-user", "voc-mailer", "--incoming-pass", "right-password");

            var clock = EmailClock.At2026();
            using var app = EmailAppFactory.Sqlite(TlsTestPort, clock, new Dictionary<string, string?>
            {
                ["Email:Smtp:TlsMode"] = "TlsOnConnect",
                ["Email:Smtp:UserName"] = "voc-mailer",
                ["Email:Smtp:PasswordEnvironmentVariable"] = passwordVariable,
            });
            var to = MailDev.UniqueRecipient("tls");
            var id = await app.QueueAsync(to, "加密投递 TLS", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime, toName: "王芳");

            // Unset, MailKit checks the certificate as it would any server's: a self-signed one is refused.
            Environment.SetEnvironmentVariable(passwordVariable, "right-password");
            Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
            var untrusted = Assert.Single(await app.MailsAsync([id]));
            Assert.Equal(OutboxEmailState.Pending, untrusted.State);
            Assert.Contains($"The TLS handshake with the SMTP server 127.0.0.1:{TlsTestPort} failed (Email:Smtp:TlsMode TlsOnConnect)", untrusted.LastError);

            app.SmtpSender.ServerCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
            Environment.SetEnvironmentVariable(passwordVariable, "wrong-password");
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
            var refused = Assert.Single(await app.MailsAsync([id]));
            Assert.Equal((OutboxEmailState.Pending, 2), (refused.State, refused.Attempts));
            Assert.Contains("refused the sign-in of user 'voc-mailer'", refused.LastError);

            Environment.SetEnvironmentVariable(passwordVariable, "right-password");
            clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
            var message = Assert.Single(await maildev.Api.WaitForAsync(to));
            Assert.Equal("加密投递 TLS", message.Subject);
            Assert.Equal("王芳", message.To[0].Name);
            Assert.Equal(OutboxEmailState.Sent, Assert.Single(await app.MailsAsync([id])).State);
        }
        finally
        {
            Environment.SetEnvironmentVariable(passwordVariable, null);
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task StartTls_upgrades_before_the_first_command_and_a_server_without_it_is_never_used_in_clear()
    {
        using var certificate = TestCertificate.Create();
        await using var withTls = new TinySmtpServer(startTlsCertificate: certificate);
        var clock = EmailClock.At2026();
        using var app = EmailAppFactory.Sqlite(withTls.Port, clock, new Dictionary<string, string?> { ["Email:Smtp:TlsMode"] = "StartTls" });
        app.SmtpSender.ServerCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
        var id = await app.QueueAsync("secure@voc-test.example", "STARTTLS", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime);
        Assert.Equal(1, await app.Sender.DeliverDueAsync(CancellationToken.None));
        var accepted = Assert.Single(withTls.Accepted);
        Assert.True(accepted.OverTls);
        Assert.Equal(OutboxEmailState.Sent, Assert.Single(await app.MailsAsync([id])).State);

        // maildev offers no STARTTLS: the mail waits, with the reason; nothing goes out in plain text.
        using var maildev = MailDev.FromEnvironment();
        using var plainOnly = EmailAppFactory.Sqlite(MailDev.SmtpPort, clock, new Dictionary<string, string?> { ["Email:Smtp:TlsMode"] = "StartTls" });
        var to = MailDev.UniqueRecipient("starttls");
        var waiting = await plainOnly.QueueAsync(to, "Never in clear", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime);
        Assert.Equal(1, await plainOnly.Sender.DeliverDueAsync(CancellationToken.None));
        var mail = Assert.Single(await plainOnly.MailsAsync([waiting]));
        Assert.Equal(OutboxEmailState.Pending, mail.State);
        Assert.Contains($"The SMTP server 127.0.0.1:{MailDev.SmtpPort} does not offer STARTTLS, which Email:Smtp:TlsMode StartTls requires.", mail.LastError);
        await Task.Delay(300);
        Assert.Empty(await maildev.MessagesToAsync(to));
    }

    [Fact]
    public async Task A_host_that_never_answers_fails_the_batch_once_within_the_connect_timeout_and_loses_nothing()
    {
        await using var server = new TinySmtpServer { Silent = true };
        var clock = EmailClock.At2026();
        using var app = EmailAppFactory.Sqlite(server.Port, clock, new Dictionary<string, string?> { ["Email:Smtp:ConnectTimeoutSeconds"] = "1" });
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await app.QueueAsync($"silent{i}@voc-test.example", $"Silent {i}", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime));

        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(3, await app.Sender.DeliverDueAsync(CancellationToken.None));
        stopwatch.Stop();
        // One connection attempt for the batch, not one wait per mail.
        Assert.Equal(1, server.Connections);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2.9));
        var mails = await app.MailsAsync(ids);
        Assert.All(mails, m => Assert.Equal((OutboxEmailState.Pending, 1), (m.State, m.Attempts)));
        var reason = $"The SMTP server 127.0.0.1:{server.Port} did not answer within 1 s (connect, TLS and sign-in; Email:Smtp:ConnectTimeoutSeconds).";
        Assert.Equal(reason, mails[0].LastError);
        Assert.All(mails[1..], m => Assert.Equal("Not sent in this batch: " + reason, m.LastError));
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains(reason, StringComparison.Ordinal));

        var admin = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);
        Assert.Contains("did not answer within 1 s", await admin.GetStringAsync("/admin/outbox"));

        // The host answers again: every mail goes, once.
        server.Silent = false;
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(3, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(["silent0@voc-test.example", "silent1@voc-test.example", "silent2@voc-test.example"], server.Accepted.Select(m => m.Recipient));
        Assert.All(await app.MailsAsync(ids), m => Assert.Equal(OutboxEmailState.Sent, m.State));
    }

    [Fact]
    public async Task A_server_that_hangs_mid_mail_costs_that_mail_one_attempt_after_the_mail_timeout_and_the_rest_wait()
    {
        await using var server = new TinySmtpServer { HangAfterData = true };
        var clock = EmailClock.At2026();
        using var app = EmailAppFactory.Sqlite(server.Port, clock, new Dictionary<string, string?> { ["Email:Smtp:TimeoutSeconds"] = "1" });
        var hung = await app.QueueAsync("hung@voc-test.example", "Hung", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime);
        var next = await app.QueueAsync("next@voc-test.example", "Next", "text", "<p>html</p>", clock.GetUtcNow().UtcDateTime);

        Assert.Equal(2, await app.Sender.DeliverDueAsync(CancellationToken.None));
        var mails = await app.MailsAsync([hung, next]);
        Assert.All(mails, m => Assert.Equal((OutboxEmailState.Pending, 1), (m.State, m.Attempts)));
        var reason = $"The SMTP server 127.0.0.1:{server.Port} did not accept the mail within 1 s (Email:Smtp:TimeoutSeconds); the connection was dropped.";
        Assert.Equal(reason, mails[0].LastError);
        Assert.Equal("Not sent in this batch: " + reason, mails[1].LastError);

        // The server recovers; both go, over a new connection, with the Message-IDs they had before.
        server.HangAfterData = false;
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await app.Sender.DeliverDueAsync(CancellationToken.None));
        Assert.Equal(2, server.Connections);
        Assert.All(await app.MailsAsync([hung, next]), m => Assert.Equal(OutboxEmailState.Sent, m.State));
        var domain = app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.ResolvedMessageIdDomain;
        var row = Assert.Single(await app.MailsAsync([hung]));
        var delivered = server.Accepted.Single(m => m.Recipient == "hung@voc-test.example");
        Assert.Equal(MimeMessages.MessageId(row.Id, row.Key, domain), MimeMessage.Load(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(delivered.Data))).MessageId);
    }

    [Fact]
    public void An_unknown_TLS_mode_stops_the_start_naming_the_setting_and_the_accepted_values()
    {
        using var app = EmailAppFactory.Sqlite(MailDev.FreePort(), extra: new Dictionary<string, string?> { ["Email:Smtp:TlsMode"] = "ssl" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        var validation = Unwrap<OptionsValidationException>(error);
        Assert.Contains("Email:Smtp:TlsMode 'ssl' is not one of: None, StartTls, TlsOnConnect.", validation.Failures);
    }

    [Fact]
    public void A_user_name_without_its_password_stops_a_web_app_that_delivers_mail()
    {
        var variable = $"VOC_TEST_SMTP_PASSWORD_{Guid.NewGuid():N}";
        using var app = EmailAppFactory.Sqlite(MailDev.FreePort(), extra: new Dictionary<string, string?>
        {
            ["Email:Outbox:Enabled"] = "true",
            ["Email:Smtp:UserName"] = "voc-mailer",
            ["Email:Smtp:PasswordEnvironmentVariable"] = variable,
        });
        var validation = Unwrap<OptionsValidationException>(Assert.ThrowsAny<Exception>(() => app.CreateClient()));
        Assert.Contains(validation.Failures, f => f.Contains($"the environment variable {variable}", StringComparison.Ordinal));
    }

    private static T Unwrap<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException ?? (e as AggregateException)?.InnerExceptions.FirstOrDefault())
        {
            if (e is T found)
                return found;
        }
        throw new Xunit.Sdk.XunitException($"Start-up failed, but not with a {typeof(T).Name}: {error}");
    }

    /// <summary>Passes every mail to the real sender; once <paramref name="count"/> were accepted, runs <paramref name="then"/> (once) before the next.</summary>
    private sealed class AfterAcceptedSender(IEmailSender inner, int count, Func<Task> then) : IEmailSender
    {
        private readonly Counter _accepted = new(count, then);

        public IEmailSession OpenSession() => new Session(_accepted, inner.OpenSession());

        private sealed class Counter(int count, Func<Task> then)
        {
            private int _accepted;
            private bool _done;

            public async Task BeforeAsync()
            {
                if (_accepted == count && !_done)
                {
                    _done = true;
                    await then();
                }
            }

            public void Accepted() => _accepted++;
        }

        private sealed class Session(Counter counter, IEmailSession inner) : IEmailSession
        {
            public async Task SendAsync(EmailMessage message, CancellationToken ct)
            {
                await counter.BeforeAsync();
                await inner.SendAsync(message, ct);
                counter.Accepted();
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}

/// <summary>A self-signed certificate for 127.0.0.1, made for one test (so nothing secret is committed).</summary>
internal static class TestCertificate
{
    public static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // As PFX and back, so SslStream on Linux can use the private key as a server.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
