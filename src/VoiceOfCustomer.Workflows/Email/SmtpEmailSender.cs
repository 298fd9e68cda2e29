using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>
/// Sends over SMTP with MailKit: one connection per session (connect, TLS per <c>Email:Smtp:TlsMode</c>, sign-in when a
/// user name is set), reused for the session's mails, closed with QUIT. Every failure becomes an
/// <see cref="EmailDeliveryException"/> that says whether the mail can ever go and whether the connection is still usable.
/// </summary>
public sealed partial class SmtpEmailSender(IOptions<EmailOptions> options, TimeProvider time, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    /// <summary>How long the closing QUIT may take; the mails are already accepted, so this only bounds the wait.</summary>
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Tests trust their own certificate with this; unset, MailKit validates the server's certificate as usual.</summary>
    internal RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    public IEmailSession OpenSession() => new Session(options.Value, time, ServerCertificateValidation, logger);

    private sealed class Session(EmailOptions settings, TimeProvider time, RemoteCertificateValidationCallback? certificateValidation, ILogger logger) : IEmailSession
    {
        private SmtpClient? _client;

        private SmtpOptions Smtp => settings.Smtp;
        private string Server => $"{Smtp.Host}:{Smtp.Port.ToString(CultureInfo.InvariantCulture)}";

        public async Task SendAsync(EmailMessage message, CancellationToken ct)
        {
            var mime = MimeMessages.Create(settings, message, time.GetUtcNow());
            var client = _client ?? await ConnectAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(Smtp.TimeoutSeconds));
            try
            {
                await client.SendAsync(mime, timeout.Token);
            }
            catch (SmtpCommandException ex)
            {
                var code = (int)ex.StatusCode;
                var permanent = code >= 500 && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted;
                // A refused sender is refused for every mail; 421 means the server is closing the connection.
                var endsSession = ex.ErrorCode == SmtpErrorCode.SenderNotAccepted || ex.StatusCode == SmtpStatusCode.ServiceNotAvailable || !client.IsConnected;
                if (endsSession)
                    Drop();
                throw new EmailDeliveryException(Refusal(ex, code, permanent), permanent, endsSession, ex);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Cut off mid-command: the connection's state is unknown, so it is not used again.
                Drop();
                throw new EmailDeliveryException(
                    $"The SMTP server {Server} did not accept the mail within {Smtp.TimeoutSeconds} s (Email:Smtp:TimeoutSeconds); the connection was dropped.",
                    permanent: false, endsSession: true);
            }
            catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException)
            {
                Drop();
                throw new EmailDeliveryException($"The connection to the SMTP server {Server} was lost while sending: {ex.Message}", permanent: false, endsSession: true, ex);
            }
            catch
            {
                Drop();
                throw;
            }
        }

        private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
        {
            var client = new SmtpClient
            {
                // MailKit's per-read/write timeout; the tokens below bound each step as a whole.
                Timeout = (int)TimeSpan.FromSeconds(Math.Max(Smtp.TimeoutSeconds, Smtp.ConnectTimeoutSeconds)).TotalMilliseconds,
            };
            if (certificateValidation is not null)
                client.ServerCertificateValidationCallback = certificateValidation;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(Smtp.ConnectTimeoutSeconds));
            var mode = Smtp.ParsedTlsMode;
            try
            {
                await client.ConnectAsync(Smtp.Host!, Smtp.Port, mode switch
                {
                    SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
                    SmtpTlsMode.TlsOnConnect => SecureSocketOptions.SslOnConnect,
                    _ => SecureSocketOptions.None,
                }, timeout.Token);
                if (!string.IsNullOrWhiteSpace(Smtp.UserName))
                    await client.AuthenticateAsync(Smtp.UserName, Smtp.ReadPassword() ?? "", timeout.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                client.Dispose();
                throw new EmailDeliveryException(ConnectFailure(ex, mode), permanent: false, endsSession: true, ex);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            _client = client;
            return client;
        }

        private string ConnectFailure(Exception ex, SmtpTlsMode mode) => ex switch
        {
            OperationCanceledException =>
                $"The SMTP server {Server} did not answer within {Smtp.ConnectTimeoutSeconds} s (connect, TLS and sign-in; Email:Smtp:ConnectTimeoutSeconds).",
            SocketException socket =>
                $"Could not connect to the SMTP server {Server}: {socket.Message} ({socket.SocketErrorCode}).",
            SslHandshakeException =>
                $"The TLS handshake with the SMTP server {Server} failed (Email:Smtp:TlsMode {mode}): {FirstLine(ex.Message)}",
            AuthenticationException =>
                $"The SMTP server {Server} refused the sign-in of user '{Smtp.UserName}': {ex.Message}",
            NotSupportedException when mode == SmtpTlsMode.StartTls && ex.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) =>
                $"The SMTP server {Server} does not offer STARTTLS, which Email:Smtp:TlsMode StartTls requires.",
            NotSupportedException =>
                $"The SMTP server {Server} cannot do what the settings ask: {ex.Message}",
            SmtpCommandException command =>
                $"The SMTP server {Server} refused the connection: {(int)command.StatusCode} {command.Message}",
            _ => $"Could not connect to the SMTP server {Server}: {ex.GetType().Name}: {ex.Message}",
        };

        private string Refusal(SmtpCommandException ex, int code, bool permanent)
        {
            var what = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => $"the recipient {ex.Mailbox?.Address}",
                SmtpErrorCode.SenderNotAccepted => $"the sender {ex.Mailbox?.Address} (Email:From)",
                SmtpErrorCode.MessageNotAccepted => "the message",
                _ => "a command",
            };
            var verdict = permanent ? "refused permanently" : code is >= 400 and < 500 ? "deferred (try later)" : "refused";
            return $"The SMTP server {Server} {verdict} {what}: {code.ToString(CultureInfo.InvariantCulture)} {ex.Message.Trim()}";
        }

        /// <summary>Forgets a connection that may not be used again, without QUIT.</summary>
        private void Drop()
        {
            _client?.Dispose();
            _client = null;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is not { } client)
                return;
            _client = null;
            try
            {
                if (client.IsConnected)
                {
                    using var quit = new CancellationTokenSource(QuitTimeout);
                    await client.DisconnectAsync(true, quit.Token);
                }
            }
            catch (Exception ex)
            {
                // Every mail of the session was already accepted or recorded as failed: a failed goodbye changes nothing.
                LogQuitFailed(logger, Server, ex.Message);
            }
            finally
            {
                client.Dispose();
            }
        }

        private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing the SMTP connection to {Server} failed: {Error}")]
    private static partial void LogQuitFailed(ILogger logger, string server, string error);
}
