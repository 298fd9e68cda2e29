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
}

public sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP; mails go to the pickup folder.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 25;

    /// <summary>STARTTLS (System.Net.Mail's EnableSsl).</summary>
    public bool EnableTls { get; set; }
    public string? UserName { get; set; }

    /// <summary>From the environment only (<c>Email__Smtp__Password</c>), never from a committed file.</summary>
    public string? Password { get; set; }
    public int TimeoutSeconds { get; set; } = 15;
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

internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.From) || !System.Net.Mail.MailAddress.TryCreate(options.From, out _))
            errors.Add($"Email:From '{options.From}' is not an e-mail address.");
        if (string.IsNullOrWhiteSpace(options.DefaultLanguage))
            errors.Add("Email:DefaultLanguage must not be empty.");
        if (!Uri.TryCreate(options.LinkBaseUrl, UriKind.Absolute, out var link) || (link.Scheme != Uri.UriSchemeHttp && link.Scheme != Uri.UriSchemeHttps))
            errors.Add($"Email:LinkBaseUrl '{options.LinkBaseUrl}' must be an absolute http(s) address.");
        if (options.Smtp.Port is < 1 or > 65535)
            errors.Add($"Email:Smtp:Port {options.Smtp.Port} is out of range (1–65535).");
        if (options.Smtp.TimeoutSeconds < 1)
            errors.Add($"Email:Smtp:TimeoutSeconds {options.Smtp.TimeoutSeconds} must be at least 1.");
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
        if (outbox.LeaseDuration <= TimeSpan.FromSeconds(options.Smtp.TimeoutSeconds))
            errors.Add($"Email:Outbox:LeaseDuration {outbox.LeaseDuration} must be longer than Email:Smtp:TimeoutSeconds ({options.Smtp.TimeoutSeconds} s), or a slow send could be taken over and sent twice.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
