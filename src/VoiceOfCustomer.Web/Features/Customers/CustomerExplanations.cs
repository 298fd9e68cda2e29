using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Customers;

/// <summary>
/// The words the customer page uses for what is stored as a key: why the stage is what it is (the lifecycle rules'
/// <see cref="Customer.StageReason"/>), why a history row changed, a contract's renewal driver, and the stages the
/// upgrade to computed stages replaced (kept in the history).
/// </summary>
public static class CustomerExplanations
{
    /// <summary>The lifecycle rules' reason keys → a sentence naming the facts ({0} and {1}: see <see cref="Stage"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> StageSentences = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["no-purchase"] = "No purchase and no contract yet.",
        ["first-purchase-recent"] = "The first purchase was on {0}, recently.",
        ["contract-lapsed"] = "The last contract ended on {0} and was not renewed.",
        ["p-alive-very-low"] = "The probability that the customer is still active is {1}, very low (last activity {0}).",
        ["p-alive-low"] = "The probability that the customer is still active is {1}, low (last activity {0}).",
        ["contract-ending"] = "The contract ends on {0} and has not been renewed yet.",
        ["inactive"] = "No activity since {0}.",
        ["returned"] = "Active again on {0} after a lapse.",
        ["healthy"] = "Active recently (last activity {0}), with a probability of {1} of still being active.",
    };

    public const string StageNotComputed = "The stage has not been computed yet: it is the one set before the lifecycle rules ran.";
    public const string StageUnknownRule = "The stage was set by a rule this page does not describe yet.";

    /// <summary>History reasons → words; the stage rules' own keys read as short phrases.</summary>
    public static readonly IReadOnlyDictionary<string, string> HistoryReasons = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["segment-rules"] = "Segment rules evaluated",
        ["migration"] = "Upgrade to computed stages",
        ["value-fit"] = "Re-scored after a model fit",
        ["import"] = "Customer data imported",
        ["manual"] = "Changed by hand",
        ["no-purchase"] = "No purchase yet",
        ["first-purchase-recent"] = "Recent first purchase",
        ["contract-lapsed"] = "Contract lapsed",
        ["p-alive-very-low"] = "Very low probability of being active",
        ["p-alive-low"] = "Low probability of being active",
        ["contract-ending"] = "Contract ending",
        ["inactive"] = "No recent activity",
        ["returned"] = "Came back",
        ["healthy"] = "Active and healthy",
    };

    public const string OtherReason = "Other change";

    /// <summary>The stages before the computed ones (the upgrade kept them as the "from" of a history row).</summary>
    public static readonly IReadOnlyDictionary<string, string> EarlierStages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Onboarding"] = "Onboarding",
        ["Adoption"] = "Adoption",
        ["Expansion"] = "Expansion",
        ["Renewal"] = "Renewal",
        ["AtRisk"] = "At risk",
    };

    public static readonly IReadOnlyDictionary<string, string> RenewalDrivers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["price"] = "Price",
        ["value"] = "Value delivered",
        ["relationship"] = "Relationship",
        ["features"] = "Features",
        ["support"] = "Support",
    };

    public static readonly IReadOnlyDictionary<string, string> Plans = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["trial"] = "Trial",
        ["self-serve"] = "Self-serve",
        ["standard"] = "Standard",
        ["enterprise"] = "Enterprise",
    };

    /// <summary>Every English text this class can hand the localizer (the string-table test checks each has its Chinese entry).</summary>
    public static IEnumerable<string> AllTexts =>
        StageSentences.Values.Concat(HistoryReasons.Values).Concat(EarlierStages.Values).Concat(RenewalDrivers.Values).Concat(Plans.Values)
            .Append(StageNotComputed).Append(StageUnknownRule).Append(OtherReason);

    /// <summary>Why the customer is in its stage, in words with the facts: {0} the date the rule looked at, {1} P(alive).</summary>
    public static string Stage(IStringLocalizer t, UserClock clock, CustomerDetail detail)
    {
        var customer = detail.Customer;
        if (customer.StageReason is not { } reason)
            return t[StageNotComputed];
        if (!StageSentences.TryGetValue(reason, out var sentence))
            return t[StageUnknownRule];
        var contractEnd = detail.LatestContract is { } contract ? clock.Date(contract.EndsOn) : "—";
        var date = reason switch
        {
            "first-purchase-recent" => clock.Stamp(customer.AcquiredAt),
            "contract-lapsed" or "contract-ending" => contractEnd,
            _ => clock.Stamp(customer.LastActivityAt),
        };
        return t[sentence, date, CustomerFormats.Percent(customer.ProbabilityAlive)];
    }

    public static string Reason(IStringLocalizer t, string reason) => t[HistoryReasons.GetValueOrDefault(reason, OtherReason)];

    /// <summary>A history row's "from" or "to": a segment's name for its key, a stage's label; "—" for none.</summary>
    public static string HistoryValue(IStringLocalizer t, CustomerHistoryKind kind, string? value, IReadOnlyDictionary<string, Segment> segmentsByKey)
    {
        if (string.IsNullOrEmpty(value))
            return "—";
        if (kind == CustomerHistoryKind.Segment)
            return segmentsByKey.TryGetValue(value, out var segment) ? segment.DisplayName() : value;
        if (Enum.TryParse<LifecycleStage>(value, ignoreCase: false, out var stage) && Enum.IsDefined(stage))
            return t.Label(stage);
        return EarlierStages.TryGetValue(value, out var earlier) ? t[earlier] : value;
    }

    public static string Plan(IStringLocalizer t, string? plan) =>
        plan is null ? "—" : Plans.TryGetValue(plan, out var words) ? t[words] : plan;

    public static string RenewalDriver(IStringLocalizer t, string? driver) =>
        driver is null ? "—" : RenewalDrivers.TryGetValue(driver, out var words) ? t[words] : driver;
}
