using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Value;

/// <summary>
/// How customers are valued and staged (section <c>CustomerValue</c>): the economics of CLV, the value-tier shares, the
/// lifecycle-stage thresholds and when the models are refitted. See docs/customer-value.md.
/// </summary>
public sealed class CustomerValueOptions
{
    public const string SectionName = "CustomerValue";

    /// <summary>Share of a buyer's spend that is margin, 0–1.</summary>
    public double PurchaseMargin { get; set; } = 0.30;

    /// <summary>Share of a contract's annual value that is margin, 0–1.</summary>
    public double ContractMargin { get; set; } = 0.70;

    /// <summary>Yearly discount rate of future margin.</summary>
    public double AnnualDiscountRate { get; set; } = 0.10;

    /// <summary>How far ahead a buyer's purchases count, in months.</summary>
    public int HorizonMonths { get; set; } = 36;

    /// <summary>Customers holding this share of customer equity (the most valuable first) are the top tier.</summary>
    public double TopTierShare { get; set; } = 0.20;

    /// <summary>The next share of equity is the middle tier; the rest is the third.</summary>
    public double MiddleTierShare { get; set; } = 0.30;

    /// <summary>A customer won within this many days is <c>new</c>.</summary>
    public int NewCustomerDays { get; set; } = 90;

    /// <summary>No purchase, renewal, usage or voice for this many days makes an active customer a churn risk.</summary>
    public int InactiveDays { get; set; } = 120;

    /// <summary>P(alive) below this: churn risk.</summary>
    public double ChurnRiskBelow { get; set; } = 0.5;

    /// <summary>A buyer's P(alive) below this: churned.</summary>
    public double ChurnedBelow { get; set; } = 0.1;

    /// <summary>A contract ending within this many days and not yet renewed: churn risk.</summary>
    public int RenewalWindowDays { get; set; } = 60;

    /// <summary>A contract that ended this many days ago without a renewal: churned.</summary>
    public int RenewalGraceDays { get; set; } = 30;

    /// <summary>A customer who came back (bought again after a lapse, or signed again after a contract lapsed) is <c>win-back</c> this long.</summary>
    public int WinBackDays { get; set; } = 90;

    /// <summary>A prospect older than this that never bought counts as lost when the conversion probability is learnt.</summary>
    public int ProspectLostAfterDays { get; set; } = 180;

    /// <summary>Refit on this schedule (cron, in <c>Organisation:TimeZone</c>); empty: only on demand.</summary>
    public string RefitSchedule { get; set; } = "0 3 * * *";

    /// <summary>Run the background refit loop (schedule, start, on demand); off, fits run only when called (tests, the CLI).</summary>
    public bool BackgroundRefit { get; set; } = true;

    /// <summary>Fit in the background at start when no fit exists yet.</summary>
    public bool FitAtStartWhenMissing { get; set; } = true;
}

internal sealed class CustomerValueOptionsValidator : IValidateOptions<CustomerValueOptions>
{
    public ValidateOptionsResult Validate(string? name, CustomerValueOptions options)
    {
        var failures = new List<string>();
        void Share(double value, string field, double max = 1)
        {
            if (!(value >= 0 && value <= max))
                failures.Add($"{CustomerValueOptions.SectionName}:{field} must be between 0 and {max}.");
        }
        void Days(int value, string field)
        {
            if (value is < 1 or > 3650)
                failures.Add($"{CustomerValueOptions.SectionName}:{field} must be 1 to 3650 days.");
        }
        Share(options.PurchaseMargin, nameof(options.PurchaseMargin));
        Share(options.ContractMargin, nameof(options.ContractMargin));
        Share(options.TopTierShare, nameof(options.TopTierShare));
        Share(options.MiddleTierShare, nameof(options.MiddleTierShare));
        if (options.TopTierShare + options.MiddleTierShare > 1)
            failures.Add($"{CustomerValueOptions.SectionName}:TopTierShare and MiddleTierShare must add up to at most 1.");
        if (!(options.AnnualDiscountRate > 0 && options.AnnualDiscountRate < 10))
            failures.Add($"{CustomerValueOptions.SectionName}:AnnualDiscountRate must be above 0 and below 10.");
        if (options.HorizonMonths is < 1 or > 240)
            failures.Add($"{CustomerValueOptions.SectionName}:HorizonMonths must be 1 to 240.");
        Share(options.ChurnRiskBelow, nameof(options.ChurnRiskBelow));
        Share(options.ChurnedBelow, nameof(options.ChurnedBelow));
        if (options.ChurnedBelow > options.ChurnRiskBelow)
            failures.Add($"{CustomerValueOptions.SectionName}:ChurnedBelow must not exceed ChurnRiskBelow.");
        Days(options.NewCustomerDays, nameof(options.NewCustomerDays));
        Days(options.InactiveDays, nameof(options.InactiveDays));
        Days(options.RenewalWindowDays, nameof(options.RenewalWindowDays));
        Days(options.RenewalGraceDays, nameof(options.RenewalGraceDays));
        Days(options.WinBackDays, nameof(options.WinBackDays));
        Days(options.ProspectLostAfterDays, nameof(options.ProspectLostAfterDays));
        if (!string.IsNullOrWhiteSpace(options.RefitSchedule))
        {
            try { Cronos.CronExpression.Parse(options.RefitSchedule); }
            catch (Cronos.CronFormatException ex) { failures.Add($"{CustomerValueOptions.SectionName}:RefitSchedule is not a cron expression: {ex.Message}"); }
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
