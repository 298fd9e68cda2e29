using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>Outgoing e-mail, bound from the <c>Email</c> section. SMTP is off until <c>Email:Smtp:Host</c> is set.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    public string From { get; set; } = "voc@localhost";
    public string FromName { get; set; } = "VoiceOfCustomer";

    /// <summary>Language of a mail whose recipient's language has no template.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Where the links in mails point: the app's public address.</summary>
    public string LinkBaseUrl { get; set; } = "http://127.0.0.1:5080";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>With no SMTP host, mails are written here as .eml files; empty means <c>data/mail</c> under the checkout's root.</summary>
    public string? PickupDirectory { get; set; }

    public OutboxOptions Outbox { get; set; } = new();

    /// <summary>The part after <c>@</c> of every Message-ID; empty means the domain of <see cref="From"/>.</summary>
    public string MessageIdDomain { get; set; } = "";

    public string ResolvedMessageIdDomain =>
        !string.IsNullOrWhiteSpace(MessageIdDomain) ? MessageIdDomain.Trim()
        : From.LastIndexOf('@') is var at and >= 0 && at < From.Length - 1 ? From[(at + 1)..] : "voc.localhost";
}

/// <summary>How the SMTP connection is secured (MailKit's <c>SecureSocketOptions</c> None, StartTls, SslOnConnect).</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain SMTP: for a relay on the same host or network.</summary>
    None,

    /// <summary>Connect in plain text, then upgrade with STARTTLS; refused if the server does not offer it (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, port 465).</summary>
    TlsOnConnect,
}

public sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP; mails go to the pickup folder.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 25;

    /// <summary>
    /// <c>None</c>, <c>StartTls</c> or <c>TlsOnConnect</c> (see <see cref="SmtpTlsMode"/>). A string, so that a
    /// mistyped value is refused at start with the accepted ones named, not by the configuration binder.
    /// </summary>
    public string TlsMode { get; set; } = nameof(SmtpTlsMode.None);

    /// <summary>The old STARTTLS switch (System.Net.Mail's EnableSsl), replaced by <see cref="TlsMode"/>. True stops the start, so an upgrade never silently drops to plain text.</summary>
    public bool? EnableTls { get; set; }

    /// <summary>Empty: no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password is never a setting: it is read from the environment variable this names (as the LLM key is).</summary>
    public string PasswordEnvironmentVariable { get; set; } = "VOC_SMTP_PASSWORD";

    /// <summary>One mail (MAIL FROM to the end of DATA) may take this long; then it is a failed attempt and the connection is dropped.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Connecting, the TLS handshake and signing in may take this long together.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 15;

    /// <summary>The <see cref="TlsMode"/> named; options validation has refused any other value before this is read.</summary>
    public SmtpTlsMode ParsedTlsMode =>
        TryParseTlsMode(TlsMode, out var mode) ? mode : throw new InvalidOperationException($"Email:Smtp:TlsMode '{TlsMode}' is not valid.");

    /// <summary>A name only (any case): Enum.TryParse alone would also take "1" or "7".</summary>
    internal static bool TryParseTlsMode(string? text, out SmtpTlsMode mode) =>
        Enum.TryParse(text, ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _);

    /// <summary>The password from <see cref="PasswordEnvironmentVariable"/>; null when no user name is configured.</summary>
    public string? ReadPassword() =>
        string.IsNullOrEmpty(UserName) ? null : Environment.GetEnvironmentVariable(PasswordEnvironmentVariable);
}

public sealed class OutboxOptions
{
    /// <summary>Runs the outbox sender in this (web) process.</summary>
    public bool Enabled { get; set; } = true;
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
    public int BatchSize { get; set; } = 50;

    /// <summary>Failed attempts after which a mail is a dead letter (an Admin may retry it).</summary>
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed mail stays with its sender; longer than one SMTP attempt can take.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait before attempt <paramref name="failedAttempts"/> + 1: doubling from <see cref="InitialBackoff"/>, capped at <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BackoffAfter(int failedAttempts)
    {
        if (failedAttempts < 1)
            return TimeSpan.Zero;
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}

internal sealed partial class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.From) || !MimeKit.MailboxAddress.TryParse(options.From, out var from) || from.Address != options.From.Trim())
            errors.Add($"Email:From '{options.From}' is not an e-mail address.");
        if (string.IsNullOrWhiteSpace(options.DefaultLanguage))
            errors.Add("Email:DefaultLanguage must not be empty.");
        if (!Uri.TryCreate(options.LinkBaseUrl, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttp && link.Scheme != Uri.UriSchemeHttps))
            errors.Add($"Email:LinkBaseUrl '{options.LinkBaseUrl}' must be an absolute http(s) address.");
        if (options.Smtp.Port is < 1 or > 65535)
            errors.Add($"Email:Smtp:Port {options.Smtp.Port} is out of range (1–65535).");
        var smtp = options.Smtp;
        if (smtp.TimeoutSeconds < 1)
            errors.Add($"Email:Smtp:TimeoutSeconds {smtp.TimeoutSeconds} must be at least 1.");
        if (smtp.ConnectTimeoutSeconds < 1)
            errors.Add($"Email:Smtp:ConnectTimeoutSeconds {smtp.ConnectTimeoutSeconds} must be at least 1.");
        if (!SmtpOptions.TryParseTlsMode(smtp.TlsMode, out _))
            errors.Add($"Email:Smtp:TlsMode '{smtp.TlsMode}' is not one of: {string.Join(", ", Enum.GetNames<SmtpTlsMode>())}.");
        if (smtp.EnableTls == true)
            errors.Add("Email:Smtp:EnableTls is no longer read: remove it and set Email:Smtp:TlsMode to StartTls (what EnableTls=true did), TlsOnConnect (port 465) or None.");
        if (!string.IsNullOrWhiteSpace(smtp.UserName) && string.IsNullOrWhiteSpace(smtp.PasswordEnvironmentVariable))
            errors.Add("Email:Smtp:PasswordEnvironmentVariable must name an environment variable when Email:Smtp:UserName is set.");
        var domain = options.ResolvedMessageIdDomain;
        if (domain.Length > 253 || !MessageIdDomainPattern().IsMatch(domain))
            errors.Add($"Email:MessageIdDomain '{options.MessageIdDomain}' is not a domain name (letters, digits, '-' and '.'), e.g. voc.example.com.");
        var outbox = options.Outbox;
        if (outbox.PollInterval <= TimeSpan.Zero)
            errors.Add($"Email:Outbox:PollInterval {outbox.PollInterval} must be positive.");
        if (outbox.BatchSize < 1)
            errors.Add($"Email:Outbox:BatchSize {outbox.BatchSize} must be at least 1.");
        if (outbox.MaxAttempts < 1)
            errors.Add($"Email:Outbox:MaxAttempts {outbox.MaxAttempts} must be at least 1.");
        if (outbox.InitialBackoff < TimeSpan.Zero)
            errors.Add($"Email:Outbox:InitialBackoff {outbox.InitialBackoff} must not be negative.");
        if (outbox.MaxBackoff < outbox.InitialBackoff)
            errors.Add($"Email:Outbox:MaxBackoff {outbox.MaxBackoff} must not be less than Email:Outbox:InitialBackoff {outbox.InitialBackoff}.");
        if (outbox.LeaseDuration <= TimeSpan.FromSeconds(smtp.TimeoutSeconds + smtp.ConnectTimeoutSeconds))
            errors.Add($"Email:Outbox:LeaseDuration {outbox.LeaseDuration} must be longer than Email:Smtp:ConnectTimeoutSeconds + Email:Smtp:TimeoutSeconds ({smtp.ConnectTimeoutSeconds + smtp.TimeoutSeconds} s), or a batch could not send even its first mail within its lease.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial System.Text.RegularExpressions.Regex MessageIdDomainPattern();
}

/// <summary>
/// Only where mail is delivered (the web app with the outbox on): a user name needs its password in the environment.
/// The CLI and request-only instances read the same settings without the secret.
/// </summary>
internal sealed class SmtpPasswordValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var smtp = options.Smtp;
        return string.IsNullOrWhiteSpace(smtp.Host) || string.IsNullOrWhiteSpace(smtp.UserName) || string.IsNullOrWhiteSpace(smtp.PasswordEnvironmentVariable)
               || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(smtp.PasswordEnvironmentVariable))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Email:Smtp:UserName is set but the environment variable {smtp.PasswordEnvironmentVariable} (named by Email:Smtp:PasswordEnvironmentVariable), which holds the SMTP password, is empty.");
    }
}
