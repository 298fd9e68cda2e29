using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Value;

namespace VoiceOfCustomer.IntegrationTests.CustomerValue;

/// <summary>
/// A small organisation drawn from the models' own processes: 300 contract customers of the segment <c>value-test</c>
/// (annual terms, churn θ ~ Beta(0.9, 3)), 500 buyers (BG/NBD and Gamma-Gamma, in weeks), the buyers B-RECENT and B-GONE
/// (alike in frequency, unlike in recency), and 20 prospects of which 8 are older than the conversion window.
/// </summary>
public static class CustomerValueTestData
{
    public static async Task<int> AddAsync(VocDbContext db, DateTime now)
    {
        var today = DateOnly.FromDateTime(now);
        var segment = new Segment { Key = "value-test", Name = "Value test", Position = 99, Policy = new SegmentPolicy() };
        db.Segments.Add(segment);
        await db.SaveChangesAsync();
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var customer = NewCustomer($"K-{i:000}", now.AddDays(-2000));
            customer.SegmentId = segment.Id;
            var start = today.AddDays(-365 * (1 + random.Next(6)) - random.Next(1, 300));
            customer.AcquiredAt = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            db.Customers.Add(customer);
            var theta = ClvSimulator.Beta(random, 0.9, 3);
            for (var term = 1; ; term++)
            {
                var contract = new CustomerContract
                {
                    Customer = customer, Reference = $"K-{i}-{term}", StartsOn = start, EndsOn = start.AddYears(1).AddDays(-1),
                    AnnualValue = 100_000, Term = term, CreatedAt = now,
                };
                db.CustomerContracts.Add(contract);
                if (contract.EndsOn >= today)
                    break;
                if (random.NextDouble() < theta)
                {
                    contract.Status = ContractStatus.Cancelled;
                    break;
                }
                contract.Status = ContractStatus.Renewed;
                start = contract.EndsOn.AddDays(1);
            }
        }
        var buyers = ClvSimulator.Customers(new BgNbdParameters(0.8, 5, 0.5, 3), new GammaGammaParameters(5, 4, 80), 500, 40, 100, seed: 11).ToList();
        for (var i = 0; i < buyers.Count; i++)
        {
            var customer = NewCustomer($"B-{i:000}", now.AddDays(-800));
            db.Customers.Add(customer);
            var first = now.AddDays(-700);
            for (var j = 0; j < buyers[i].PurchaseTimes.Length; j++)
                db.CustomerTransactions.Add(new CustomerTransaction
                {
                    Customer = customer, Reference = $"B-{i}-{j}", OccurredAt = first.AddDays(buyers[i].PurchaseTimes[j] * 7), Amount = Math.Round((decimal)buyers[i].Amounts[j], 2), CreatedAt = now,
                });
        }
        // Two buyers alike in frequency: one bought last week, one stopped a year ago.
        var recent = NewCustomer("B-RECENT", now.AddDays(-800));
        var gone = NewCustomer("B-GONE", now.AddDays(-800));
        db.Customers.AddRange(recent, gone);
        for (var j = 0; j < 6; j++)
        {
            db.CustomerTransactions.Add(new CustomerTransaction { Customer = recent, Reference = $"R{j}", OccurredAt = now.AddDays(-600 + j * 118), Amount = 120, CreatedAt = now });
            db.CustomerTransactions.Add(new CustomerTransaction { Customer = gone, Reference = $"G{j}", OccurredAt = now.AddDays(-600 + j * 40), Amount = 120, CreatedAt = now });
        }
        for (var i = 0; i < 20; i++)
            db.Customers.Add(NewCustomer($"P-{i:00}", now.AddDays(-(i < 8 ? 300 : 30))));
        await db.SaveChangesAsync();
        return 0;
    }

    private static Customer NewCustomer(string reference, DateTime createdAt) => new()
    {
        Reference = reference, ReferenceNormalized = Customer.Normalize(reference), Name = reference, CreatedAt = createdAt,
    };
}
