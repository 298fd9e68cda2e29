using MimeKit;
using VoiceOfCustomer.Workflows.Email;

namespace VoiceOfCustomer.UnitTests.Email;

/// <summary>The MIME form of an outbox mail, as written to the wire (MimeKit), read back with MimeKit's parser.</summary>
public sealed class MimeMessageTests
{
    private static readonly DateTimeOffset Date = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static (string Wire, MimeMessage Parsed) RoundTrip(EmailMessage message, EmailOptions? options = null)
    {
        var mime = MimeMessages.Create(options ?? new EmailOptions { From = "voc@voc.example", FromName = "客户之声 VoiceOfCustomer" }, message, Date);
        using var stream = new MemoryStream();
        // As MailKit sends it to a server without 8BITMIME: 7-bit only.
        mime.Prepare(EncodingConstraint.SevenBit);
        mime.WriteTo(stream);
        var wire = System.Text.Encoding.ASCII.GetString(stream.ToArray());
        stream.Position = 0;
        return (wire, MimeMessage.Load(stream));
    }

    [Fact]
    public void Text_and_HTML_go_as_multipart_alternative_with_Chinese_headers_encoded_per_RFC_2047()
    {
        var (wire, parsed) = RoundTrip(new EmailMessage("voc.7.abcdef012345@voc.example", "li.lei@example.com", "李雷",
            "SLA 已违约：条目 #4711", "促销期间补货单总是延迟。", "<p>Acme &lt;Retail&gt; 促销期间补货单总是延迟。</p>"));

        Assert.Matches(@"\nSubject: SLA =\?utf-8\?[bq]\?", wire);
        Assert.Matches(@"\nTo: =\?utf-8\?[bq]\?[^\r\n]+ <li\.lei@example\.com>", wire);
        Assert.DoesNotContain("已违约", wire); // nothing but ASCII on the wire
        Assert.Equal("SLA 已违约：条目 #4711", parsed.Subject);
        var to = Assert.IsType<MailboxAddress>(Assert.Single(parsed.To));
        Assert.Equal(("李雷", "li.lei@example.com"), (to.Name, to.Address));
        Assert.Equal("客户之声 VoiceOfCustomer", Assert.Single(parsed.From).Name);
        Assert.Equal("voc.7.abcdef012345@voc.example", parsed.MessageId);
        Assert.Equal(Date, parsed.Date);

        var alternative = Assert.IsType<MultipartAlternative>(parsed.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));
        Assert.Equal("促销期间补货单总是延迟。", parsed.TextBody?.Trim());
        Assert.Contains("Acme &lt;Retail&gt;", parsed.HtmlBody);
        Assert.All(alternative.OfType<TextPart>(), part => Assert.Equal("utf-8", part.ContentType.Charset, ignoreCase: true));
    }

    [Fact]
    public void Line_breaks_in_a_subject_or_name_cannot_add_headers()
    {
        var (wire, parsed) = RoundTrip(new EmailMessage("voc.8.abcdef012345@voc.example", "x@example.com", "Eve\r\nBcc: victim@example.com",
            "Hello\r\nBcc: victim@example.com", "text", ""));
        Assert.DoesNotContain("\r\nBcc:", wire);
        Assert.Empty(parsed.Bcc);
        Assert.Equal("Hello Bcc: victim@example.com", parsed.Subject);
        // No HTML: a plain text part alone.
        Assert.IsType<TextPart>(parsed.Body);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("Someone <x@example.com>")]
    [InlineData("a@example.com, b@example.com")]
    public void An_invalid_recipient_is_a_permanent_failure_of_that_mail_alone(string address)
    {
        var failure = Assert.Throws<EmailDeliveryException>(() =>
            MimeMessages.Create(new EmailOptions(), new EmailMessage("voc.9.abcdef012345@voc.example", address, null, "s", "t", ""), Date));
        Assert.True(failure.Permanent);
        Assert.False(failure.EndsSession);
        Assert.Contains(address, failure.Message);
    }
}
