using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace VoiceOfCustomer.IntegrationTests.Email;

/// <summary>
/// A minimal SMTP server on 127.0.0.1, over a real socket, for what maildev cannot do: refuse a recipient, answer
/// 4xx, offer STARTTLS, or accept a connection and never answer. It records every connection, QUIT and accepted mail.
/// </summary>
public sealed class TinySmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private readonly Task _accepting;
    private int _connections;
    private int _quits;

    /// <param name="recipientReply">The reply to <c>RCPT TO</c> for an address; null or a 2xx accepts it.</param>
    /// <param name="startTlsCertificate">Offer STARTTLS with this certificate.</param>
    public TinySmtpServer(Func<string, string?>? recipientReply = null, X509Certificate2? startTlsCertificate = null)
    {
        RecipientReply = recipientReply ?? (_ => null);
        _startTlsCertificate = startTlsCertificate;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    private readonly X509Certificate2? _startTlsCertificate;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Can be changed while the server runs (a mailbox that was busy accepts later).</summary>
    public Func<string, string?> RecipientReply { get; set; }

    /// <summary>While true, connections are accepted but never greeted: a host that does not answer.</summary>
    public bool Silent { get; set; }

    /// <summary>While true, a mail's data is read but never answered: a server that hangs mid-mail.</summary>
    public bool HangAfterData { get; set; }

    public int Connections => Volatile.Read(ref _connections);
    public int Quits => Volatile.Read(ref _quits);

    /// <summary>Accepted mails in order: the recipient, the raw message, and whether the session was under TLS by then.</summary>
    public ConcurrentQueue<(string Recipient, string Data, bool OverTls)> Accepted { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _sessions.Add(Task.Run(() => SessionAsync(client)));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            if (Silent)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return;
            }
            Stream stream = client.GetStream();
            var (reader, writer) = Open(stream);
            var tls = false;
            var recipients = new List<string>();
            await writer.WriteAsync("220 tiny.test ESMTP\r\n");
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync(_startTlsCertificate is not null && !tls
                            ? "250-tiny.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n"
                            : "250-tiny.test\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO":
                        await writer.WriteAsync("250 tiny.test\r\n");
                        break;
                    case "STARTTLS" when _startTlsCertificate is not null && !tls:
                        await writer.WriteAsync("220 go ahead\r\n");
                        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                        await ssl.AuthenticateAsServerAsync(_startTlsCertificate);
                        stream = ssl;
                        (reader, writer) = Open(stream);
                        tls = true;
                        recipients.Clear();
                        break;
                    case "MAIL":
                        recipients.Clear();
                        await writer.WriteAsync("250 sender ok\r\n");
                        break;
                    case "RCPT":
                        var address = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        var reply = RecipientReply(address);
                        if (reply is null || reply.StartsWith('2'))
                            recipients.Add(address);
                        await writer.WriteAsync((reply ?? "250 recipient ok") + "\r\n");
                        break;
                    case "DATA" when recipients.Count == 0:
                        await writer.WriteAsync("554 no valid recipients\r\n");
                        break;
                    case "DATA":
                        await writer.WriteAsync("354 end with .\r\n");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        if (HangAfterData)
                        {
                            await Task.Delay(Timeout.Infinite, _stop.Token);
                            return;
                        }
                        foreach (var recipient in recipients)
                            Accepted.Enqueue((recipient, data.ToString(), tls));
                        recipients.Clear();
                        await writer.WriteAsync("250 queued\r\n");
                        break;
                    case "RSET":
                        recipients.Clear();
                        await writer.WriteAsync("250 reset\r\n");
                        break;
                    case "NOOP":
                        await writer.WriteAsync("250 ok\r\n");
                        break;
                    case "QUIT":
                        Interlocked.Increment(ref _quits);
                        await writer.WriteAsync("221 bye\r\n");
                        return;
                    default:
                        await writer.WriteAsync("502 not implemented\r\n");
                        break;
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
            // The client went away or broke off the handshake: nothing to record.
        }
    }

    private static (StreamReader Reader, StreamWriter Writer) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, leaveOpen: true),
         new StreamWriter(stream, Encoding.Latin1, leaveOpen: true) { AutoFlush = true, NewLine = "\r\n" });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_sessions);
        _stop.Dispose();
    }
}
