using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>One rendered mail to one recipient. <paramref name="MessageId"/> (from the outbox row) is the same on every attempt, so a resend is recognisably the same mail.</summary>
public sealed record EmailMessage(string MessageId, string ToAddress, string? ToName, string Subject, string TextBody, string HtmlBody);

public interface IEmailSender
{
    /// <summary>
    /// Opens a session: its mails share one connection, opened with the first mail and closed cleanly when the session
    /// is disposed. A session belongs to one caller; it is never shared across threads.
    /// </summary>
    IEmailSession OpenSession();
}

public interface IEmailSession : IAsyncDisposable
{
    /// <summary>Hands one mail over. Throws <see cref="EmailDeliveryException"/> when it was not accepted, saying whether it ever can be and whether the session can go on.</summary>
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>A mail that was not accepted.</summary>
/// <param name="Permanent">The server refused this mail for good (a 5xx answer to its recipient or its content): sending it again cannot help.</param>
/// <param name="EndsSession">The connection is gone, could not be made, or refuses our sender: the session's other mails wait for their next attempt too.</param>
public sealed class EmailDeliveryException(string message, bool permanent, bool endsSession, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
    public bool EndsSession { get; } = endsSession;
}

/// <summary>Builds the MIME message both senders deliver: multipart/alternative (plain text, then HTML), UTF-8, headers encoded per RFC 2047.</summary>
public static class MimeMessages
{
    public static MimeMessage Create(EmailOptions options, EmailMessage message, DateTimeOffset date)
    {
        var mime = new MimeMessage { Date = date, MessageId = message.MessageId };
        mime.From.Add(new MailboxAddress(options.FromName, options.From));
        if (!MailboxAddress.TryParse(message.ToAddress, out var to) || to.Address != message.ToAddress.Trim())
            throw new EmailDeliveryException($"The recipient address '{message.ToAddress}' is not a valid e-mail address.", permanent: true, endsSession: false);
        to.Name = string.IsNullOrWhiteSpace(message.ToName) ? null : message.ToName.ReplaceLineEndings(" ");
        mime.To.Add(to);
        // Header values may not carry line breaks; a subject built from a template value must still send.
        mime.Subject = message.Subject.ReplaceLineEndings(" ");
        // A client shows the last part it understands: plain text first, HTML last. No HTML: plain text alone.
        var body = new BodyBuilder { TextBody = message.TextBody };
        if (!string.IsNullOrWhiteSpace(message.HtmlBody))
            body.HtmlBody = message.HtmlBody;
        mime.Body = body.ToMessageBody();
        return mime;
    }

    /// <summary>
    /// The Message-ID of outbox row <paramref name="outboxId"/> (without the angle brackets): the row id, a short hash of
    /// the row's unique key (so a database started afresh, whose ids begin again at 1, never repeats an earlier mail's id),
    /// at <paramref name="domain"/>. The same row always gives the same id, so a receiver can tell a resend.
    /// </summary>
    public static string MessageId(long outboxId, string outboxKey, string domain)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(outboxKey)))[..12];
        return FormattableString.Invariant($"voc.{outboxId}.{hash}@{domain}");
    }
}

/// <summary>
/// With no SMTP host configured, mails are written as .eml files to a folder (the demo's data/mail), so nothing is lost
/// and nothing is sent. The file is named by the Message-ID, so a retried mail replaces its earlier file.
/// </summary>
public sealed class PickupDirectoryEmailSender(IOptions<EmailOptions> options, EmailPickupDirectory directory, TimeProvider time) : IEmailSender
{
    public IEmailSession OpenSession() => new Session(options.Value, directory.Path, time);

    private sealed class Session(EmailOptions settings, string folder, TimeProvider time) : IEmailSession
    {
        public async Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            var mime = MimeMessages.Create(settings, message, time.GetUtcNow());
            var file = Path.Combine(folder, FileName(message.MessageId));
            var partial = file + ".partial";
            try
            {
                Directory.CreateDirectory(folder);
                await mime.WriteToAsync(partial, ct);
                // Whole files only: a reader of the folder never sees half a mail.
                File.Move(partial, file, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EmailDeliveryException($"Could not write the mail to the pickup folder {folder}: {ex.Message}", permanent: false, endsSession: true, ex);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static string FileName(string messageId) =>
            string.Concat(messageId.Split('@')[0].Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_')) + ".eml";
    }
}

/// <summary>The resolved (absolute) pickup folder.</summary>
public sealed record EmailPickupDirectory(string Path);
