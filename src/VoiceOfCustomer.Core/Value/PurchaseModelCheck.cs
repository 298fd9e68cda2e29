namespace VoiceOfCustomer.Value;

/// <summary>Actual and predicted holdout purchases of the customers who made a number of repeat purchases in calibration.</summary>
public sealed record FrequencyCheck(string Frequency, int Customers, double Actual, double Predicted);

/// <summary>
/// How well the purchase model predicts data it did not see, as lifetimes and BTYD users check it: the BG/NBD is refitted
/// on a calibration period that ends <see cref="HoldoutWeeks"/> before the last day, then compared with the holdout
/// (by calibration frequency) and week by week (cumulative repeat purchases, actual against the model's forecast).
/// </summary>
public sealed record PurchaseModelCheck(
    int HoldoutWeeks,
    DateOnly CalibrationEnd,
    IReadOnlyList<FrequencyCheck> ByFrequency,
    DateOnly TrackingStart,
    IReadOnlyList<double> CumulativeActual,
    IReadOnlyList<double> CumulativePredicted)
{
    public const int MaxFrequency = 7;

    /// <summary>Null when the data spans too little time for a holdout, or the calibration part cannot be fitted or evaluated.</summary>
    public static PurchaseModelCheck? Run(IReadOnlyList<PurchaseRecord> records, DateOnly lastDay)
    {
        try
        {
            return Check(records, lastDay);
        }
        catch (ArithmeticException)
        {
            // A calibration fit at an extreme (few customers) can make its series fail to settle: no check, the fit itself stands.
            return null;
        }
    }

    private static PurchaseModelCheck? Check(IReadOnlyList<PurchaseRecord> records, DateOnly lastDay)
    {
        if (records.Count == 0)
            return null;
        var first = records.Min(r => r.Date);
        var spanWeeks = (lastDay.DayNumber - first.DayNumber) / 7;
        if (spanWeeks < 20)
            return null;
        var holdoutWeeks = Math.Clamp(spanWeeks / 3, 4, 52);
        var calibrationEnd = lastDay.AddDays(-7 * holdoutWeeks);
        RfmSummary calibration;
        BgNbdModel model;
        try
        {
            calibration = RfmSummary.Build(records, calibrationEnd, ClvPeriod.Week);
            model = BgNbdModel.Fit(calibration).Model;
        }
        catch (ClvDataException)
        {
            return null;
        }

        // Holdout by calibration frequency: the holdout runs to the last day for everyone.
        var holdout = (lastDay.DayNumber - calibrationEnd.DayNumber) / 7.0;
        var groups = new (int Count, double Actual, double Predicted)[MaxFrequency + 1];
        for (var i = 0; i < calibration.Count; i++)
        {
            var bucket = Math.Min(calibration.Frequency[i], MaxFrequency);
            groups[bucket].Count++;
            groups[bucket].Actual += calibration.HoldoutPurchases[i];
            groups[bucket].Predicted += model.ConditionalExpectedPurchases(holdout, calibration.Frequency[i], calibration.Recency[i], calibration.Age[i]);
        }
        var byFrequency = groups.Select((g, x) => new FrequencyCheck(x == MaxFrequency ? $"{MaxFrequency}+" : x.ToString(System.Globalization.CultureInfo.InvariantCulture),
            g.Count, g.Count == 0 ? 0 : g.Actual / g.Count, g.Count == 0 ? 0 : g.Predicted / g.Count)).ToList();

        // Week by week: each customer's repeat purchase days (same-day purchases merged), against the forecast summed over
        // the weekly cohorts of first purchases (customers whose first purchase came after calibration are not forecast).
        var weeks = spanWeeks + 1;
        var actual = new double[weeks];
        var cohorts = new int[weeks];
        foreach (var customer in records.GroupBy(r => r.Customer))
        {
            var days = customer.Select(r => r.Date.DayNumber).Distinct().Order().ToList();
            var cohort = (days[0] - first.DayNumber) / 7;
            if (days[0] <= calibrationEnd.DayNumber)
                cohorts[cohort]++;
            foreach (var day in days.Skip(1))
                actual[Math.Min(weeks - 1, (day - first.DayNumber) / 7)]++;
        }
        var predicted = new double[weeks];
        var expectedByAge = Enumerable.Range(0, weeks + 1).Select(w => model.ExpectedPurchases(w)).ToArray();
        for (var w = 0; w < weeks; w++)
        {
            var sum = 0.0;
            for (var c = 0; c <= w; c++)
                if (cohorts[c] > 0)
                    sum += cohorts[c] * expectedByAge[w + 1 - c];
            predicted[w] = sum;
        }
        for (var w = 1; w < weeks; w++)
            actual[w] += actual[w - 1];
        return new PurchaseModelCheck(holdoutWeeks, calibrationEnd, byFrequency, first, actual, predicted);
    }
}
