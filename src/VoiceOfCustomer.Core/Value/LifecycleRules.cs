using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.Value;

/// <summary>What the lifecycle rules read about one customer (all dates UTC).</summary>
/// <param name="AcquiredAt">First purchase or contract start; null: never bought.</param>
/// <param name="LastActivityAt">Latest purchase, renewal, measured usage or voice.</param>
/// <param name="ProbabilityAlive">From the customer's value model; null when not scored.</param>
/// <param name="Contract">The latest contract term, for contract customers.</param>
/// <param name="ReturnedAt">When the customer came back after a lapse (a purchase after a gap longer than the inactivity
/// window, or a new contract after one had lapsed); null if it never lapsed.</param>
public sealed record LifecycleFacts(
    DateTime? AcquiredAt,
    DateTime? LastActivityAt,
    double? ProbabilityAlive,
    LatestContract? Contract,
    DateTime? ReturnedAt);

/// <summary>A customer's latest contract term: when it ends, whether it was cancelled or renewed.</summary>
public sealed record LatestContract(DateOnly EndsOn, ContractStatus Status);

/// <summary>
/// prospect → new → active → churn-risk → win-back, and churned: the first rule that holds, in this order (see
/// docs/customer-value.md). Each result carries the key of the rule, which the customer page explains in words.
/// </summary>
public static class LifecycleRules
{
    public const string NoPurchase = "no-purchase";
    public const string ContractLapsed = "contract-lapsed";
    public const string PAliveVeryLow = "p-alive-very-low";
    public const string Returned = "returned";
    public const string FirstPurchaseRecent = "first-purchase-recent";
    public const string PAliveLow = "p-alive-low";
    public const string ContractEnding = "contract-ending";
    public const string Inactive = "inactive";
    public const string Healthy = "healthy";

    public static (LifecycleStage Stage, string Reason) Evaluate(LifecycleFacts facts, DateTime now, CustomerValueOptions options)
    {
        if (facts.AcquiredAt is not { } acquired || acquired > now)
            return (LifecycleStage.Prospect, NoPurchase);
        var today = DateOnly.FromDateTime(now);
        if (facts.Contract is { } contract)
        {
            if (contract.Status == ContractStatus.Cancelled && contract.EndsOn <= today
                || contract.Status == ContractStatus.Active && contract.EndsOn.AddDays(options.RenewalGraceDays) < today)
                return (LifecycleStage.Churned, ContractLapsed);
        }
        else if (facts.ProbabilityAlive is { } alive && alive < options.ChurnedBelow)
        {
            return (LifecycleStage.Churned, PAliveVeryLow);
        }
        if (facts.ReturnedAt is { } returned && returned <= now && returned > now.AddDays(-options.WinBackDays))
            return (LifecycleStage.WinBack, Returned);
        if (acquired > now.AddDays(-options.NewCustomerDays))
            return (LifecycleStage.New, FirstPurchaseRecent);
        if (facts.ProbabilityAlive is { } probability && probability < options.ChurnRiskBelow)
            return (LifecycleStage.ChurnRisk, PAliveLow);
        if (facts.Contract is { Status: ContractStatus.Active or ContractStatus.Cancelled } ending && ending.EndsOn <= today.AddDays(options.RenewalWindowDays))
            return (LifecycleStage.ChurnRisk, ContractEnding);
        if ((facts.LastActivityAt ?? acquired) < now.AddDays(-options.InactiveDays))
            return (LifecycleStage.ChurnRisk, Inactive);
        return (LifecycleStage.Active, Healthy);
    }
}
