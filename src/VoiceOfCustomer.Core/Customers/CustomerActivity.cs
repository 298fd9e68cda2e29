using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Customers;

/// <summary>What a write needs to know of a customer it names: id and activity dates.</summary>
internal sealed class CustomerState
{
    public required int Id { get; init; }
    public required string Reference { get; init; }
    public DateTime? AcquiredAt { get; set; }
    public DateTime? LastActivityAt { get; set; }
}

/// <summary>
/// Keeps <see cref="Customer.LastActivityAt"/> (the latest purchase, contract start or measured period; never later than
/// now) and <see cref="Customer.AcquiredAt"/> (the first purchase or contract start, when the customer record gave
/// none) up to date with each accepted write. An acquisition date is the customer record's own when it is earlier than
/// every purchase and contract start stored (a derived one equals the earliest); a purchase before the record's own
/// date is refused, a purchase before a derived date moves it.
/// </summary>
internal sealed class CustomerActivity
{
    private readonly Dictionary<int, (CustomerState Customer, DateTime? First, DateTime Last)> _noted = [];

    public static async Task<Dictionary<string, CustomerState>> LoadAsync(VocDbContext db, IEnumerable<string?> references, CancellationToken cancellationToken)
    {
        var normalized = references.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Customer.Normalize(r!)).Distinct().ToList();
        if (normalized.Count == 0)
            return new(StringComparer.Ordinal);
        var found = await db.Customers.AsNoTracking().Where(c => normalized.Contains(c.ReferenceNormalized))
            .Select(c => new { c.Id, c.Reference, c.ReferenceNormalized, c.AcquiredAt, c.LastActivityAt })
            .ToListAsync(cancellationToken);
        return found.ToDictionary(c => c.ReferenceNormalized,
            c => new CustomerState { Id = c.Id, Reference = c.Reference, AcquiredAt = c.AcquiredAt, LastActivityAt = c.LastActivityAt }, StringComparer.Ordinal);
    }

    public static void RefuseUnknown(IReadOnlyList<string?> references, Dictionary<string, CustomerState> customers, List<RowError> errors)
    {
        for (var i = 0; i < references.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(references[i]))
                errors.Add(new(i, "customer", "The customer (its reference) is required."));
            else if (!customers.ContainsKey(Customer.Normalize(references[i]!)))
                errors.Add(new(i, "customer", $"No customer has the reference '{references[i]!.Trim()}'; create it first (POST /api/customers or voc import customers)."));
        }
    }

    /// <summary>
    /// The rows dated before their customer's acquisition date where that date is the customer record's own (see the
    /// class summary): a purchase among them is refused, a contract start does not move the date.
    /// </summary>
    public static async Task<HashSet<int>> BeforeRecordedAcquisitionAsync(VocDbContext db, IReadOnlyList<(string? Customer, DateTime? At)> rows,
        Dictionary<string, CustomerState> customers, CancellationToken cancellationToken)
    {
        var early = new List<(int Index, CustomerState Customer)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is { Customer: { } reference, At: { } at }
                && customers.TryGetValue(Customer.Normalize(reference), out var customer)
                && customer.AcquiredAt is { } acquiredAt && at < acquiredAt)
                early.Add((i, customer));
        }
        if (early.Count == 0)
            return [];
        var ids = early.Select(e => e.Customer.Id).Distinct().ToList();
        var firstPurchase = await db.CustomerTransactions.Where(t => ids.Contains(t.CustomerId)).GroupBy(t => t.CustomerId)
            .Select(g => new { g.Key, First = g.Min(t => t.OccurredAt) }).ToDictionaryAsync(g => g.Key, g => g.First, cancellationToken);
        var firstContract = await db.CustomerContracts.Where(c => ids.Contains(c.CustomerId)).GroupBy(c => c.CustomerId)
            .Select(g => new { g.Key, First = g.Min(c => c.StartsOn) }).ToDictionaryAsync(g => g.Key, g => g.First, cancellationToken);
        var result = new HashSet<int>();
        foreach (var (index, customer) in early)
        {
            var earliest = new DateTime?[]
            {
                firstPurchase.TryGetValue(customer.Id, out var purchase) ? purchase : null,
                firstContract.TryGetValue(customer.Id, out var contract) ? contract.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : null,
            }.Where(d => d is not null).Min();
            if (earliest is null || customer.AcquiredAt < earliest)
                result.Add(index);
        }
        return result;
    }

    public static string BeforeAcquisitionMessage(CustomerState customer, DateTime occurredAt) =>
        $"occurredAt {occurredAt:yyyy-MM-dd'T'HH:mm:ss'Z'} is before the customer '{customer.Reference}' was acquired ({customer.AcquiredAt:yyyy-MM-dd'T'HH:mm:ss'Z'}, the customer record's acquiredAt).";

    /// <param name="acquires">A purchase or contract start (which may set the acquisition date); false for a measured period.</param>
    public void Note(CustomerState customer, DateTime at, bool acquires = true)
    {
        var (_, first, last) = _noted.TryGetValue(customer.Id, out var noted) ? noted : (customer, (DateTime?)null, DateTime.MinValue);
        if (acquires && (first is null || at < first))
            first = at;
        _noted[customer.Id] = (customer, first, at > last ? at : last);
    }

    public async Task SaveAsync(VocDbContext db, CustomerDataSql sql, DateTime now, CancellationToken cancellationToken)
    {
        foreach (var (customer, first, noted) in _noted.Values)
        {
            var last = noted > now ? now : noted;
            var acquiredAt = customer.AcquiredAt;
            // Past BeforeRecordedAcquisitionAsync, an earlier purchase means the stored date was derived: it moves.
            if (first is { } earliest && (acquiredAt is null || earliest < acquiredAt))
                acquiredAt = earliest;
            if (acquiredAt == customer.AcquiredAt && customer.LastActivityAt >= last)
                continue;
            await sql.UpdateActivityAsync(customer.Id, last, acquiredAt, cancellationToken);
            customer.AcquiredAt = acquiredAt;
            if (customer.LastActivityAt is null || customer.LastActivityAt < last)
                customer.LastActivityAt = last;
        }
        _noted.Clear();
    }
}
