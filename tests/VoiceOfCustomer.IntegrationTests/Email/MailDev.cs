using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.IntegrationTests.Email;

/// <summary>
/// The maildev server scripts/test.sh starts (a real SMTP server with an HTTP API). Tests fail, rather than skip,
/// when it is not configured: the real-SMTP path is part of what the suite proves.
/// </summary>
public sealed class MailDev(string baseUrl) : IDisposable
{
    public const string UrlVariable = "VOC_TEST_MAILDEV_URL";
    public const string SmtpPortVariable = "VOC_TEST_SMTP_PORT";
    public const string BinVariable = "VOC_TEST_MAILDEV_BIN";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };

    public static MailDev FromEnvironment() => new(Required(UrlVariable));

    public static int SmtpPort => int.Parse(Required(SmtpPortVariable), System.Globalization.CultureInfo.InvariantCulture);

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: run the tests with scripts/test.sh, which starts maildev on 127.0.0.1.");

    /// <summary>A recipient no other test uses, so tests sharing one maildev never see each other's mail.</summary>
    public static string UniqueRecipient(string prefix = "to") => $"{prefix}-{Guid.NewGuid():N}@voc-test.example";

    public async Task<IReadOnlyList<MailDevMessage>> MessagesAsync() =>
        await _http.GetFromJsonAsync<List<MailDevMessage>>("email") ?? [];

    /// <summary>The message as it came over SMTP (headers still encoded).</summary>
    public Task<string> SourceAsync(string id) => _http.GetStringAsync($"email/{Uri.EscapeDataString(id)}/source");

    public async Task<IReadOnlyList<MailDevMessage>> MessagesToAsync(string recipient) =>
        (await MessagesAsync()).Where(m => m.IsTo(recipient)).ToList();

    /// <summary>Waits until at least <paramref name="count"/> mails to <paramref name="recipient"/> arrived; returns them all.</summary>
    public Task<IReadOnlyList<MailDevMessage>> WaitForAsync(string recipient, int count = 1, TimeSpan? timeout = null) =>
        WaitAsync(messages => messages.Where(m => m.IsTo(recipient)).ToList(), count, $"mails to {recipient}", timeout);

    /// <summary>Waits until this maildev holds at least <paramref name="count"/> mails (it lists a mail shortly after accepting it); returns them all.</summary>
    public Task<IReadOnlyList<MailDevMessage>> WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitAsync(messages => messages, count, "mails", timeout);

    private async Task<IReadOnlyList<MailDevMessage>> WaitAsync(
        Func<IReadOnlyList<MailDevMessage>, IReadOnlyList<MailDevMessage>> select, int count, string what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var messages = select(await MessagesAsync());
            if (messages.Count >= count)
                return messages;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{messages.Count} of {count} {what} arrived at {_http.BaseAddress}.");
            await Task.Delay(100);
        }
    }

    /// <summary>A port on 127.0.0.1 where nothing listens (at the moment of asking).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A second maildev the test starts and kills itself (for "the SMTP server comes back").</summary>
public sealed class MailDevProcess : IDisposable
{
    private readonly Process _process;

    private MailDevProcess(Process process, MailDev api, int smtpPort)
    {
        _process = process;
        Api = api;
        SmtpPort = smtpPort;
    }

    public MailDev Api { get; }
    public int SmtpPort { get; }

    /// <param name="extraArguments">More maildev options, e.g. <c>--incoming-secure</c> with a certificate.</param>
    public static async Task<MailDevProcess> StartAsync(int smtpPort, params string[] extraArguments)
    {
        // A port that was free a moment ago may be taken by the time maildev binds it (another test, an outgoing
        // connection): a maildev that exits at once is started again, on a fresh web port.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(smtpPort, extraArguments);
            }
            catch (MailDevExitedException) when (attempt < 3)
            {
                await Task.Delay(500);
            }
        }
    }

    private sealed class MailDevExitedException(string message, Exception inner) : Exception(message, inner);

    private static async Task<MailDevProcess> StartOnceAsync(int smtpPort, string[] extraArguments)
    {
        var bin = Environment.GetEnvironmentVariable(MailDev.BinVariable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"{MailDev.BinVariable} is not set: run the tests with scripts/test.sh, which installs maildev.");
        var webPort = MailDev.FreePort();
        var start = new ProcessStartInfo(bin)
        {
            ArgumentList = { "--ip", "127.0.0.1", "--smtp", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--web", webPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web-ip", "127.0.0.1", "--silent" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in extraArguments)
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{bin} did not start.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new MailDev($"http://127.0.0.1:{webPort}");
        var started = new MailDevProcess(process, api, smtpPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await api.MessagesAsync();
                return started;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch (Exception ex)
            {
                var exited = process.HasExited;
                started.Dispose();
                var message = $"maildev on SMTP port {smtpPort}, web port {webPort} {(exited ? "exited" : "did not answer")}: {string.Join(" | ", output)}";
                throw exited ? new MailDevExitedException(message, ex) : new InvalidOperationException(message, ex);
            }
        }
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
            Api.Dispose();
        }
    }
}

public sealed class MailDevMessage
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("subject")] public string Subject { get; set; } = "";
    [JsonPropertyName("from")] public List<MailDevAddress> From { get; set; } = [];
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("html")] public string? Html { get; set; }
    [JsonPropertyName("to")] public List<MailDevAddress> To { get; set; } = [];
    [JsonPropertyName("headers")] public Dictionary<string, System.Text.Json.JsonElement> Headers { get; set; } = [];

    public bool IsTo(string address) => To.Any(t => string.Equals(t.Address, address, StringComparison.OrdinalIgnoreCase));

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: System.Text.Json.JsonValueKind.String } value
            ? value.GetString()
            : null;
}

public sealed class MailDevAddress
{
    [JsonPropertyName("address")] public string Address { get; set; } = "";
    [JsonPropertyName("name")] public string? Name { get; set; }
}
