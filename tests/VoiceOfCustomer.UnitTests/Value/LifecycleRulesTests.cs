using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

public sealed class LifecycleRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
    private static readonly CustomerValueOptions Options = new();
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now);

    public static TheoryData<string, LifecycleFacts, LifecycleStage, string> Cases => new()
    {
        { "never bought", new(null, null, null, null, null), LifecycleStage.Prospect, LifecycleRules.NoPurchase },
        { "won 30 days ago", new(Now.AddDays(-30), Now.AddDays(-2), 0.9, null, null), LifecycleStage.New, LifecycleRules.FirstPurchaseRecent },
        { "healthy buyer", new(Now.AddDays(-400), Now.AddDays(-10), 0.9, null, null), LifecycleStage.Active, LifecycleRules.Healthy },
        { "buyer fading", new(Now.AddDays(-400), Now.AddDays(-10), 0.3, null, null), LifecycleStage.ChurnRisk, LifecycleRules.PAliveLow },
        { "buyer gone", new(Now.AddDays(-400), Now.AddDays(-300), 0.05, null, null), LifecycleStage.Churned, LifecycleRules.PAliveVeryLow },
        { "silent", new(Now.AddDays(-400), Now.AddDays(-200), 0.8, null, null), LifecycleStage.ChurnRisk, LifecycleRules.Inactive },
        { "contract ends soon", new(Now.AddDays(-700), Now.AddDays(-5), 0.8, new LatestContract(Today.AddDays(20), ContractStatus.Active), null), LifecycleStage.ChurnRisk, LifecycleRules.ContractEnding },
        { "contract lapsed", new(Now.AddDays(-900), Now.AddDays(-5), 0.8, new LatestContract(Today.AddDays(-45), ContractStatus.Active), null), LifecycleStage.Churned, LifecycleRules.ContractLapsed },
        { "contract cancelled", new(Now.AddDays(-900), Now.AddDays(-5), 0.8, new LatestContract(Today.AddDays(-1), ContractStatus.Cancelled), null), LifecycleStage.Churned, LifecycleRules.ContractLapsed },
        { "contract in grace", new(Now.AddDays(-900), Now.AddDays(-5), 0.8, new LatestContract(Today.AddDays(-10), ContractStatus.Active), null), LifecycleStage.ChurnRisk, LifecycleRules.ContractEnding },
        { "came back", new(Now.AddDays(-900), Now.AddDays(-20), 0.8, new LatestContract(Today.AddDays(340), ContractStatus.Active), Now.AddDays(-20)), LifecycleStage.WinBack, LifecycleRules.Returned },
        { "came back long ago", new(Now.AddDays(-900), Now.AddDays(-20), 0.8, new LatestContract(Today.AddDays(200), ContractStatus.Active), Now.AddDays(-150)), LifecycleStage.Active, LifecycleRules.Healthy },
        // A contract customer's low renewal probability is a churn risk too, but P(alive) alone never churns one.
        { "contract unlikely to renew", new(Now.AddDays(-900), Now.AddDays(-20), 0.05, new LatestContract(Today.AddDays(200), ContractStatus.Active), null), LifecycleStage.ChurnRisk, LifecycleRules.PAliveLow },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_rule_that_holds_gives_the_stage_and_its_reason(string name, LifecycleFacts facts, LifecycleStage stage, string reason)
    {
        Assert.Equal((stage, reason), LifecycleRules.Evaluate(facts, Now, Options));
        Assert.NotEmpty(name);
    }

    [Fact]
    public void Thresholds_come_from_the_settings()
    {
        var facts = new LifecycleFacts(Now.AddDays(-100), Now.AddDays(-1), 0.9, null, null);
        Assert.Equal(LifecycleStage.Active, LifecycleRules.Evaluate(facts, Now, Options).Stage);
        Assert.Equal(LifecycleStage.New, LifecycleRules.Evaluate(facts, Now, new CustomerValueOptions { NewCustomerDays = 120 }).Stage);
        Assert.Equal(LifecycleStage.ChurnRisk, LifecycleRules.Evaluate(facts, Now, new CustomerValueOptions { ChurnRiskBelow = 0.95 }).Stage);
    }
}
