using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.UnitTests.Value;

public sealed class RfmSummaryTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private static RfmSummary Summarise(string text, TransactionFileFormat format, string? calibrationEnd, ClvPeriod period = ClvPeriod.Week) =>
        RfmSummary.Build(TransactionFile.Read(new StringReader(text), format, Now), calibrationEnd is null ? null : DateOnly.Parse(calibrationEnd), period);

    [Fact]
    public void Cdnow_rows_give_x_tx_T_and_the_mean_of_repeat_purchases()
    {
        // CDNOW customer 1's four purchases; calibration to 1997-09-30 as in the paper: x 2, t_x 30.43, T 38.86, z̄ 22.345.
        var summary = Summarise("""
             00004 0001 19970101  2   29.33
             00004 0001 19970118  2   29.73
             00004 0001 19970802  1   14.96
             00004 0001 19971212  2   26.48
            """, TransactionFileFormat.Cdnow, "1997-09-30");
        Assert.Equal(["1"], summary.Customers);
        Assert.Equal(2, summary.Frequency[0]);
        Assert.Equal(30.4286, summary.Recency[0], 1e-4);
        Assert.Equal(38.8571, summary.Age[0], 1e-4);
        Assert.Equal((29.73 + 14.96) / 2, summary.MeanRepeatSpend[0], 1e-12);
        Assert.Equal(1, summary.HoldoutPurchases[0]);
        Assert.Equal(new DateOnly(1997, 1, 1), summary.FirstPurchase[0]);
        Assert.Equal((new DateOnly(1997, 12, 12).DayNumber - new DateOnly(1997, 9, 30).DayNumber) / 7.0, summary.HoldoutLength, 1e-12);
    }

    [Fact]
    public void Same_day_purchases_merge_with_amounts_summed_and_first_purchase_is_not_a_repeat()
    {
        var summary = Summarise("""
            customer,date,amount
            b,2026-01-10T09:00:00,5
            a,2026-01-01,10
            a,2026-01-01 18:30,4
            a,2026-01-08,20
            a,2026-01-08,2.5
            a,2026-01-15,7.5
            a,2026-02-01,100
            """, TransactionFileFormat.Csv, "2026-01-31", ClvPeriod.Day);
        var a = summary.IndexOf("a");
        Assert.Equal(2, summary.Frequency[a]);
        Assert.Equal(14, summary.Recency[a]);
        Assert.Equal(30, summary.Age[a]);
        Assert.Equal((22.5 + 7.5) / 2, summary.MeanRepeatSpend[a], 1e-12);
        Assert.Equal(1, summary.HoldoutPurchases[a]);
        var b = summary.IndexOf("b");
        Assert.Equal((0, 0.0, 21.0, 0.0), (summary.Frequency[b], summary.Recency[b], summary.Age[b], summary.MeanRepeatSpend[b]));
    }

    [Fact]
    public void Customers_first_seen_after_calibration_are_left_out_and_counted()
    {
        var summary = Summarise("customer,date,amount\na,2026-01-01,1\na,2026-01-05,1\nlate,2026-03-01,9\n", TransactionFileFormat.Csv, "2026-02-01");
        Assert.Equal(["a"], summary.Customers);
        Assert.Equal(1, summary.LaterCustomers);
    }

    [Fact]
    public void Calibration_ends_at_the_last_purchase_by_default()
    {
        var summary = Summarise("customer,date,amount\n\"Acme, Inc.\",2026-01-01,1\n\"Acme, Inc.\",2026-01-15,3\n", TransactionFileFormat.Csv, null);
        Assert.Equal(new DateOnly(2026, 1, 15), summary.CalibrationEnd);
        Assert.Equal(0, summary.HoldoutLength);
        Assert.Equal(2, summary.Age[summary.IndexOf("Acme, Inc.")]);
    }

    [Theory]
    [InlineData("customer,date,amount\na,2026-01-01,10\na,2026-01-02,-5\n", "line 3: amount '-5' is negative")]
    [InlineData("customer,date,amount\na,2026-01-01,10\na,01/02/2026,5\n", "line 3: date '01/02/2026' is not an ISO date")]
    [InlineData("customer,date,amount\na,2026-07-01,10\n", "line 2: date '2026-07-01' is in the future")]
    [InlineData("customer,date,amount\na,2026-01-01,ten\n", "line 2: amount 'ten' is not a number")]
    [InlineData("customer,date\na,2026-01-01\n", "line 1: the header has no 'amount' column")]
    [InlineData("customer,date,amount\na,2026-01-01\n", "line 2: expected 3 columns")]
    [InlineData("customer,date,amount\n,2026-01-01,3\n", "line 2: the customer is empty")]
    public void Bad_csv_rows_are_refused_naming_the_line_and_value(string csv, string message) =>
        Assert.Contains(message, Assert.Throws<TransactionFileException>(() => Summarise(csv, TransactionFileFormat.Csv, null)).Message);

    [Theory]
    [InlineData(" 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2\n", "line 2: expected 5 columns")]
    [InlineData(" 00004 0001 19970101  2   29.33\n 00004 0001 1997-01-18  2  3.1\n", "line 2: date '1997-01-18' is not a yyyymmdd date")]
    [InlineData(" 00004 0001 19970101  2   -29.33\n", "line 1: amount '-29.33' is negative")]
    public void Bad_cdnow_rows_are_refused_naming_the_line_and_value(string text, string message) =>
        Assert.Contains(message, Assert.Throws<TransactionFileException>(() => Summarise(text, TransactionFileFormat.Cdnow, null)).Message);

    [Fact]
    public void Negative_amounts_from_elsewhere_are_refused_naming_the_customer()
    {
        var error = Assert.Throws<ClvDataException>(() => RfmSummary.Build([new PurchaseRecord("c-7", new DateOnly(2026, 1, 2), -1)], null, ClvPeriod.Day));
        Assert.Contains("Customer c-7, 2026-01-02: amount -1", error.Message);
    }

    [Fact]
    public void Summary_of_simulated_transactions_fits_like_the_simulated_summary()
    {
        // Transactions drawn in days, written as dates, read back: the fit lands near the truth (same-day merges are rare at these rates).
        var truth = new BgNbdParameters(0.4, 40, 0.8, 2.5);
        var start = new DateOnly(2024, 1, 1);
        var purchases = ClvSimulator.Customers(truth, new GammaGammaParameters(6, 4, 15), 8_000, acquisitionWindow: 90, observationEnd: 540, seed: 4)
            .SelectMany((customer, i) => customer.PurchaseTimes.Select((t, j) => new PurchaseRecord($"c{i}", start.AddDays((int)t), customer.Amounts[j])));
        var summary = RfmSummary.Build(purchases, start.AddDays(365), ClvPeriod.Day);
        Assert.Equal(8_000, summary.Count);
        var fit = BgNbdModel.Fit(summary);
        Assert.True(fit.Diagnostics.Converged);
        BgNbdModelTests.AssertWithin(truth.R, fit.Model.Parameters.R, fit.StandardErrors!.R, "r");
        BgNbdModelTests.AssertWithin(truth.Alpha, fit.Model.Parameters.Alpha, fit.StandardErrors!.Alpha, "alpha");
        Assert.True(summary.HoldoutPurchases.Sum() > 0);
    }
}
