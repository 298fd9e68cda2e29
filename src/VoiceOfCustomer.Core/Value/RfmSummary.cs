namespace VoiceOfCustomer.Value;

/// <summary>The time unit of x's companions t_x and T (and so of the BG/NBD's α).</summary>
public enum ClvPeriod
{
    Week,
    Day,
}

/// <summary>One purchase: who, on which day (the time of day is not used: same-day purchases are merged), and its amount.</summary>
public readonly record struct PurchaseRecord(string Customer, DateOnly Date, double Amount);

/// <summary>
/// The customer-by-time summary every model reads (the "CBS" of CLVTools, lifetimes' summary_data_from_transaction_data):
/// per customer, from the first purchase to the end of calibration, x repeat purchases, t_x, T, the mean value of the
/// repeat purchases z̄ (the first excluded), and the purchases after calibration (the holdout). Purchases on the same day
/// are merged into one, their amounts summed. Customers whose first purchase falls after calibration are left out.
/// </summary>
public sealed class RfmSummary
{
    private RfmSummary(ClvPeriod period, DateOnly calibrationEnd, DateOnly lastDate)
    {
        Period = period;
        CalibrationEnd = calibrationEnd;
        LastDate = lastDate;
    }

    public ClvPeriod Period { get; }
    /// <summary>The last day of calibration (its purchases count in calibration).</summary>
    public DateOnly CalibrationEnd { get; }
    /// <summary>The last purchase date in the log; the holdout runs from the day after <see cref="CalibrationEnd"/> to here.</summary>
    public DateOnly LastDate { get; }
    /// <summary>The holdout's length in periods (0 when nothing was bought after calibration).</summary>
    public double HoldoutLength => LastDate > CalibrationEnd ? ToPeriods(LastDate.DayNumber - CalibrationEnd.DayNumber, Period) : 0;
    public string[] Customers { get; private init; } = [];
    public DateOnly[] FirstPurchase { get; private init; } = [];
    /// <summary>x: repeat purchase days in calibration.</summary>
    public int[] Frequency { get; private init; } = [];
    /// <summary>t_x: periods from the first purchase to the last calibration purchase (0 when x = 0).</summary>
    public double[] Recency { get; private init; } = [];
    /// <summary>T: periods from the first purchase to <see cref="CalibrationEnd"/>.</summary>
    public double[] Age { get; private init; } = [];
    /// <summary>z̄: mean amount of the repeat purchases in calibration (0 when x = 0).</summary>
    public double[] MeanRepeatSpend { get; private init; } = [];
    /// <summary>Purchase days after calibration.</summary>
    public int[] HoldoutPurchases { get; private init; } = [];
    /// <summary>Customers left out because their first purchase came after calibration.</summary>
    public int LaterCustomers { get; private init; }
    public int Count => Customers.Length;

    /// <summary>Index of a customer by key, or −1.</summary>
    public int IndexOf(string customer) => Array.IndexOf(Customers, customer);

    public static double ToPeriods(int days, ClvPeriod period) => period == ClvPeriod.Week ? days / 7.0 : days;

    /// <summary>
    /// Summarises a purchase log in any order (it is sorted here). <paramref name="calibrationEnd"/> defaults to the last
    /// purchase date, leaving no holdout.
    /// </summary>
    /// <exception cref="ClvDataException">A negative or non-finite amount (naming the customer and day), an empty log, or no customer before calibration end.</exception>
    public static RfmSummary Build(IEnumerable<PurchaseRecord> purchases, DateOnly? calibrationEnd, ClvPeriod period)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>();
        var orderKeys = new List<long>();
        var amounts = new List<double>();
        var lastDay = int.MinValue;
        foreach (var (customer, date, amount) in purchases)
        {
            if (!(amount >= 0) || !double.IsFinite(amount))
                throw new ClvDataException(FormattableString.Invariant($"Customer {customer}, {date:yyyy-MM-dd}: amount {amount} must be a finite amount ≥ 0."));
            if (!index.TryGetValue(customer, out var id))
            {
                id = keys.Count;
                index.Add(customer, id);
                keys.Add(customer);
            }
            orderKeys.Add(((long)id << 32) | (uint)date.DayNumber);
            amounts.Add(amount);
            lastDay = Math.Max(lastDay, date.DayNumber);
        }
        if (orderKeys.Count == 0)
            throw new ClvDataException("The purchase log is empty.");
        var end = calibrationEnd?.DayNumber ?? lastDay;
        var sortKeys = orderKeys.ToArray();
        var sortAmounts = amounts.ToArray();
        orderKeys.Clear();
        amounts.Clear();
        Array.Sort(sortKeys, sortAmounts);

        var customers = new List<string>();
        var first = new List<DateOnly>();
        var x = new List<int>();
        var recency = new List<double>();
        var age = new List<double>();
        var spend = new List<double>();
        var holdout = new List<int>();
        var later = 0;
        for (var at = 0; at < sortKeys.Length;)
        {
            var id = (int)(sortKeys[at] >> 32);
            var firstDay = (int)(uint)sortKeys[at];
            var (repeats, lastRepeatDay, repeatSpend, holdoutDays) = (0, firstDay, 0.0, 0);
            var previousDay = firstDay;
            for (; at < sortKeys.Length && (int)(sortKeys[at] >> 32) == id; at++)
            {
                var day = (int)(uint)sortKeys[at];
                if (day == firstDay)
                    continue; // the first purchase, or one merged into it
                if (day > end)
                {
                    if (day != previousDay)
                        holdoutDays++;
                }
                else
                {
                    if (day != previousDay)
                        repeats++;
                    lastRepeatDay = day;
                    repeatSpend += sortAmounts[at];
                }
                previousDay = day;
            }
            if (firstDay > end)
            {
                later++;
                continue;
            }
            customers.Add(keys[id]);
            first.Add(DateOnly.FromDayNumber(firstDay));
            x.Add(repeats);
            recency.Add(ToPeriods(lastRepeatDay - firstDay, period));
            age.Add(ToPeriods(end - firstDay, period));
            spend.Add(repeats > 0 ? repeatSpend / repeats : 0);
            holdout.Add(holdoutDays);
        }
        if (customers.Count == 0)
            throw new ClvDataException(FormattableString.Invariant($"No customer made a first purchase on or before the calibration end {DateOnly.FromDayNumber(end):yyyy-MM-dd}."));
        return new RfmSummary(period, DateOnly.FromDayNumber(end), DateOnly.FromDayNumber(lastDay))
        {
            Customers = [.. customers],
            FirstPurchase = [.. first],
            Frequency = [.. x],
            Recency = [.. recency],
            Age = [.. age],
            MeanRepeatSpend = [.. spend],
            HoldoutPurchases = [.. holdout],
            LaterCustomers = later,
        };
    }
}
