using VoiceOfCustomer.Workflows.Email;

namespace VoiceOfCustomer.UnitTests.Email;

public sealed class OutboxBackoffTests
{
    [Fact]
    public void Backoff_doubles_from_the_initial_wait_and_stops_at_the_cap()
    {
        var outbox = new OutboxOptions { InitialBackoff = TimeSpan.FromSeconds(30), MaxBackoff = TimeSpan.FromMinutes(10) };
        var waits = Enumerable.Range(1, 9).Select(outbox.BackoffAfter).Select(w => (int)w.TotalSeconds).ToArray();
        Assert.Equal([30, 60, 120, 240, 480, 600, 600, 600, 600], waits);
        Assert.Equal(TimeSpan.FromMinutes(10), outbox.BackoffAfter(10_000));
        Assert.Equal(TimeSpan.Zero, outbox.BackoffAfter(0));
    }

    [Fact]
    public void Invalid_settings_are_refused_with_their_key()
    {
        var options = new EmailOptions
        {
            Smtp = { Port = 70000, TimeoutSeconds = 0 },
            Outbox = { MaxAttempts = 0, InitialBackoff = TimeSpan.FromSeconds(-1), BatchSize = 0 },
        };
        var result = new EmailOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("Email:Smtp:Port", message);
        Assert.Contains("Email:Smtp:TimeoutSeconds", message);
        Assert.Contains("Email:Outbox:MaxAttempts", message);
        Assert.Contains("Email:Outbox:InitialBackoff", message);
        Assert.Contains("Email:Outbox:BatchSize", message);
        Assert.True(new EmailOptionsValidator().Validate(null, new EmailOptions()).Succeeded);
    }

    [Fact]
    public void A_TLS_mode_is_one_of_the_three_names_in_any_case()
    {
        foreach (var (text, mode) in new[] { ("None", SmtpTlsMode.None), ("starttls", SmtpTlsMode.StartTls), ("TLSONCONNECT", SmtpTlsMode.TlsOnConnect) })
        {
            var options = new EmailOptions { Smtp = { TlsMode = text } };
            Assert.True(new EmailOptionsValidator().Validate(null, options).Succeeded, text);
            Assert.Equal(mode, options.Smtp.ParsedTlsMode);
        }
        foreach (var bad in new[] { "ssl", "1", "", "Auto" })
        {
            var result = new EmailOptionsValidator().Validate(null, new EmailOptions { Smtp = { TlsMode = bad } });
            Assert.True(result.Failed, bad);
            Assert.Contains($"Email:Smtp:TlsMode '{bad}' is not one of: None, StartTls, TlsOnConnect.", result.FailureMessage);
        }
    }

    [Fact]
    public void The_old_EnableTls_switch_stops_the_start_naming_its_replacement()
    {
        var result = new EmailOptionsValidator().Validate(null, new EmailOptions { Smtp = { EnableTls = true } });
        Assert.True(result.Failed);
        Assert.Contains("set Email:Smtp:TlsMode to StartTls", result.FailureMessage);
        // false asked for what None does: nothing to refuse.
        Assert.True(new EmailOptionsValidator().Validate(null, new EmailOptions { Smtp = { EnableTls = false } }).Succeeded);
    }

    [Fact]
    public void A_user_name_without_its_password_in_the_environment_stops_a_delivering_instance()
    {
        var variable = $"VOC_TEST_SMTP_PASSWORD_{Guid.NewGuid():N}";
        var options = new EmailOptions { Smtp = { Host = "smtp.example", UserName = "voc", PasswordEnvironmentVariable = variable } };
        Assert.True(new EmailOptionsValidator().Validate(null, options).Succeeded); // the CLI reads the same settings without the secret
        var result = new SmtpPasswordValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains($"the environment variable {variable}", result.FailureMessage);
        Environment.SetEnvironmentVariable(variable, "s3cret");
        try
        {
            Assert.True(new SmtpPasswordValidator().Validate(null, options).Succeeded);
            Assert.Equal("s3cret", options.Smtp.ReadPassword());
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void The_Message_ID_domain_defaults_to_the_sender_s_and_must_be_a_domain()
    {
        Assert.Equal("voc.example", new EmailOptions { From = "alerts@voc.example" }.ResolvedMessageIdDomain);
        Assert.Equal("mail.voc.example", new EmailOptions { From = "alerts@voc.example", MessageIdDomain = "mail.voc.example" }.ResolvedMessageIdDomain);
        var result = new EmailOptionsValidator().Validate(null, new EmailOptions { MessageIdDomain = "not a domain>" });
        Assert.True(result.Failed);
        Assert.Contains("Email:MessageIdDomain 'not a domain>'", result.FailureMessage);
    }

    [Fact]
    public void The_lease_must_outlast_connecting_and_sending_one_mail()
    {
        var options = new EmailOptions { Smtp = { TimeoutSeconds = 15, ConnectTimeoutSeconds = 15 }, Outbox = { LeaseDuration = TimeSpan.FromSeconds(30) } };
        var result = new EmailOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Email:Outbox:LeaseDuration", result.FailureMessage);
        options.Outbox.LeaseDuration = TimeSpan.FromSeconds(31);
        Assert.True(new EmailOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void The_Message_ID_is_the_same_for_the_same_row()
    {
        var first = MimeMessages.MessageId(42, "attribution-sla:42:breach:1:lead@example.com", "voc.example");
        Assert.Equal(first, MimeMessages.MessageId(42, "attribution-sla:42:breach:1:lead@example.com", "voc.example"));
        Assert.NotEqual(first, MimeMessages.MessageId(43, "attribution-sla:42:breach:1:lead@example.com", "voc.example"));
        // A database started afresh numbers its rows from 1 again: the key keeps its mails' ids apart from the old ones.
        Assert.NotEqual(first, MimeMessages.MessageId(42, "attribution-sla:7:warning:1:lead@example.com", "voc.example"));
        Assert.Matches("^voc\\.42\\.[0-9a-f]{12}@voc\\.example$", first);
    }
}
