using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>One rendered mail to one recipient. <paramref name="MessageKey"/> (the outbox row's key) fixes its Message-ID, so a resend can be recognised.</summary>
public sealed record EmailMessage(string MessageKey, string ToAddress, string? ToName, string Subject, string TextBody, string HtmlBody);

public interface IEmailSender
{
    /// <summary>Hands the mail to the server (or the pickup folder); throws when it could not.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>Builds the MIME message both senders hand to <see cref="SmtpClient"/>: multipart/alternative, UTF-8 throughout.</summary>
internal static class MailMessages
{
    public static MailMessage Create(EmailOptions options, EmailMessage message)
    {
        var from = new MailAddress(options.From, options.FromName, Encoding.UTF8);
        var mail = new MailMessage
        {
            From = from,
            // Header values may not carry line breaks; a subject built from a template value must still send.
            Subject = message.Subject.ReplaceLineEndings(" "),
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(message.ToAddress, message.ToName, Encoding.UTF8));
        mail.Headers.Add("Message-ID", MessageId(message.MessageKey, from.Host));

        // Plain text first, HTML last: a client shows the last part it understands.
        var text = AlternateView.CreateAlternateViewFromString(message.TextBody, Encoding.UTF8, MediaTypeNames.Text.Plain);
        text.TransferEncoding = TransferEncoding.QuotedPrintable;
        var html = AlternateView.CreateAlternateViewFromString(message.HtmlBody, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.QuotedPrintable;
        mail.AlternateViews.Add(text);
        mail.AlternateViews.Add(html);
        return mail;
    }

    /// <summary>The same key always gives the same Message-ID, so a receiver can drop a resend.</summary>
    public static string MessageId(string messageKey, string host)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageKey)))[..32];
        return $"<{hash}@{(string.IsNullOrEmpty(host) ? "voc.localhost" : host)}>";
    }
}

/// <summary>Sends over SMTP with <see cref="SmtpClient"/> (MailKit cannot be restored here). STARTTLS when <c>Email:Smtp:EnableTls</c>.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        using var mail = MailMessages.Create(settings, message);
        // SmtpClient is not safe for concurrent use; one per mail is cheap next to the network round trips.
        using var client = new SmtpClient(settings.Smtp.Host, settings.Smtp.Port)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = settings.Smtp.EnableTls,
            Timeout = settings.Smtp.TimeoutSeconds * 1000,
        };
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
            client.Credentials = new NetworkCredential(settings.Smtp.UserName, settings.Smtp.Password);
        else
            client.UseDefaultCredentials = false;

        // SendMailAsync honours the token but not Timeout for the connect step: bound the whole send ourselves.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.Smtp.TimeoutSeconds));
        try
        {
            await client.SendMailAsync(mail, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SmtpException($"The SMTP server {settings.Smtp.Host}:{settings.Smtp.Port} did not answer within {settings.Smtp.TimeoutSeconds} s.");
        }
    }
}

/// <summary>With no SMTP host configured, mails are written as .eml files to a folder (the demo's data/mail), so nothing is lost and nothing is sent.</summary>
public sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, EmailPickupDirectory directory) : IEmailSender
{
    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Directory.CreateDirectory(directory.Path);
        using var mail = MailMessages.Create(options.Value, message);
        using var client = new SmtpClient
        {
            DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory,
            PickupDirectoryLocation = directory.Path,
        };
        client.Send(mail);
        return Task.CompletedTask;
    }
}

/// <summary>The resolved (absolute) pickup folder.</summary>
public sealed record EmailPickupDirectory(string Path);
