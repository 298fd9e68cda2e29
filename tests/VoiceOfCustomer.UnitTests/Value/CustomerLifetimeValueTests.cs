using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

public sealed class CustomerLifetimeValueTests
{
    private static readonly BgNbdModel Purchases = new(new BgNbdParameters(0.2425945, 4.4136019, 0.7929199, 2.4258881));
    private static readonly GammaGammaModel Spend = new(new GammaGammaParameters(6.25, 3.74, 15.44));

    [Fact]
    public void Buyer_value_is_the_discounted_margin_on_each_months_expected_purchases()
    {
        var options = new ClvOptions(Margin: 0.25, AnnualDiscountRate: 0.12, HorizonMonths: 12);
        var (x, tx, age, spend) = (2, 30.43, 38.86, 22.345);
        var month = CustomerLifetimeValue.DaysPerMonth / 7;
        var expectedSpend = Spend.ConditionalExpectedSpend(x, spend);
        var monthly = Math.Pow(1.12, 1.0 / 12) - 1;
        var expected = 0.0;
        for (var i = 1; i <= 12; i++)
        {
            var inMonth = Purchases.ConditionalExpectedPurchases(i * month, x, tx, age) - Purchases.ConditionalExpectedPurchases((i - 1) * month, x, tx, age);
            expected += inMonth * expectedSpend * 0.25 / Math.Pow(1 + monthly, i);
        }
        Assert.Equal(expected, CustomerLifetimeValue.ForBuyer(Purchases, Spend, x, tx, age, spend, ClvPeriod.Week, options), 1e-9);
        // Without discounting, a year's value is simply margin × spend × the year's expected purchases.
        var undiscounted = CustomerLifetimeValue.ForBuyer(Purchases, Spend, x, tx, age, spend, ClvPeriod.Week, options with { AnnualDiscountRate = 0 });
        Assert.Equal(0.25 * expectedSpend * Purchases.ConditionalExpectedPurchases(12 * month, x, tx, age), undiscounted, 1e-9);
    }

    [Fact]
    public void Contract_value_is_margin_times_contract_value_times_derl()
    {
        var retention = new ShiftedBetaGeometric(0.704, 1.182);
        var value = CustomerLifetimeValue.ForContract(retention, 12_000, renewals: 2, new ClvOptions(Margin: 0.4, AnnualDiscountRate: 0.1));
        Assert.Equal(0.4 * 12_000 * retention.DiscountedExpectedResidualLifetime(0.1, 2), value, 1e-6);
        Assert.Equal(500, CustomerLifetimeValue.ForProspect(2_000, 0.25));
    }

    [Fact]
    public void Tiers_split_customer_equity_into_the_top_share_the_next_and_the_rest()
    {
        // Equity 100, sorted 30, 15, 15, 10, …: 30 starts under 20% (top); the 15s start at 30% and 45%, under 50% (middle).
        double[] clv = [5, 15, 30, 10, 10, 10, 5, 15, 0, -3];
        Assert.Equal(
            [ValueTier.Rest, ValueTier.Middle, ValueTier.Top, ValueTier.Rest, ValueTier.Rest, ValueTier.Rest, ValueTier.Rest, ValueTier.Middle, ValueTier.Rest, ValueTier.Rest],
            CustomerLifetimeValue.Tiers(clv));
        Assert.All(CustomerLifetimeValue.Tiers([0, 0]), tier => Assert.Equal(ValueTier.Rest, tier));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerLifetimeValue.Tiers(clv, 0.8, 0.3));
    }

    [Fact]
    public void Options_out_of_range_are_refused_naming_the_setting()
    {
        Assert.Equal("Margin", Assert.Throws<ArgumentOutOfRangeException>(() => new ClvOptions(Margin: 1.5).Validated()).ParamName);
        Assert.Equal("HorizonMonths", Assert.Throws<ArgumentOutOfRangeException>(() => new ClvOptions(HorizonMonths: 0).Validated()).ParamName);
    }
}
