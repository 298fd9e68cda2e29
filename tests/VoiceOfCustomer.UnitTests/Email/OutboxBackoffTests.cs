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
    public void The_Message_ID_is_the_same_for_the_same_key()
    {
        var first = MailMessages.MessageId("attribution-sla:42:breach:1:lead@example.com", "voc.example");
        Assert.Equal(first, MailMessages.MessageId("attribution-sla:42:breach:1:lead@example.com", "voc.example"));
        Assert.NotEqual(first, MailMessages.MessageId("attribution-sla:42:breach:2:lead@example.com", "voc.example"));
        Assert.Matches("^<[0-9a-f]{32}@voc.example>$", first);
    }
}
