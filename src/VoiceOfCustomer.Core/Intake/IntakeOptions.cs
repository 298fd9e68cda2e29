using Microsoft.Extensions.Options;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// The window a voice's <c>receivedAt</c> must fall in, on every intake path (API, batch, webhooks, CSV import). Bound
/// from the <c>Intake</c> section (beside <c>Intake:Webhooks</c>). A date outside it is a typing or unit mistake
/// (a Unix time read in the wrong unit lands in 1970 or the year 55,000), refused naming <c>receivedAt</c>.
/// </summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";

    /// <summary>The oldest <c>receivedAt</c> accepted; older history is refused rather than stored with a wrong date.</summary>
    public DateTimeOffset EarliestReceivedAt { get; set; } = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far a <c>receivedAt</c> may lie ahead of our clock (the sender's clock may run fast).</summary>
    public TimeSpan AllowedClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class IntakeOptionsValidator : IValidateOptions<IntakeOptions>
{
    public ValidateOptionsResult Validate(string? name, IntakeOptions options)
    {
        var failures = new List<string>();
        if (!DateRangeLimits.Contains(options.EarliestReceivedAt))
            failures.Add($"{IntakeOptions.SectionName}:EarliestReceivedAt must be {DateRangeLimits.Description}.");
        if (options.AllowedClockSkew < TimeSpan.Zero || options.AllowedClockSkew > TimeSpan.FromDays(1))
            failures.Add($"{IntakeOptions.SectionName}:AllowedClockSkew must be between 00:00:00 and 1.00:00:00.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
