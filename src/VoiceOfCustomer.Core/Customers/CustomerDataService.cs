using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Customers;

/// <summary>
/// Customer data in: customers, contracts and renewals, purchases. The API and the CSV import both come here, so one
/// set of rules decides what is stored: <see cref="CustomerDataValidator"/> for each row alone, then what needs the
/// database (unknown customers and users, a purchase before the customer was won, a renewal of an unknown contract).
/// Writes are idempotent by reference; each accepted purchase or contract moves the customer's activity dates
/// (<see cref="CustomerActivity"/>). Behaviour metrics are <see cref="Behaviour.BehaviourDataService"/>'s.
/// </summary>
public sealed class CustomerDataService(VocDbContext db, DatabaseWriteGate writeGate, TimeProvider time)
{
    /// <summary>The most rows one API call may carry (a CSV is written in batches of <c>Import:BatchSize</c>).</summary>
    public const int MaxRowsPerCall = 5_000;

    /// <summary>A customer by reference (case-insensitive), untracked; null when unknown.</summary>
    public Task<Customer?> FindAsync(string reference, CancellationToken cancellationToken = default)
    {
        var normalized = Customer.Normalize(reference);
        return db.Customers.AsNoTracking().Include(c => c.Segment).FirstOrDefaultAsync(c => c.ReferenceNormalized == normalized, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------- customers

    public async Task<WriteSummary> UpsertCustomersAsync(IReadOnlyList<CustomerInput> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
            errors.AddRange(CustomerDataValidator.Customer(rows[i], now).Select(e => new RowError(i, e.Field, e.Message)));
        RefuseRepeats(rows.Select(r => r.Reference), "reference", errors, mode);

        var emails = rows.SelectMany(r => new[] { r.Csm, r.SalesOwner }).OfType<string>().Select(e => e.Trim().ToUpperInvariant()).Distinct().ToList();
        var users = emails.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail!))
            .ToDictionaryAsync(u => u.NormalizedEmail!, u => u.Id, cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var (field, email) in new[] { ("csm", rows[i].Csm), ("salesOwner", rows[i].SalesOwner) })
            {
                if (email is not null && !users.ContainsKey(email.Trim().ToUpperInvariant()) && !errors.Any(e => e.Index == i && e.Field == field))
                    errors.Add(new(i, field, $"No user has the e-mail address '{email.Trim()}'."));
            }
        }

        return await WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            var references = valid.Select(i => Customer.Normalize(rows[i].Reference!)).Distinct().ToList();
            var existing = await db.Customers.Where(c => references.Contains(c.ReferenceNormalized)).ToDictionaryAsync(c => c.ReferenceNormalized, cancellationToken);
            foreach (var i in valid)
            {
                var input = rows[i];
                var normalized = Customer.Normalize(input.Reference!);
                if (!existing.TryGetValue(normalized, out var customer))
                {
                    if (string.IsNullOrWhiteSpace(input.Name))
                    {
                        counts.Refuse(new(i, "name", $"The name is required for a new customer ('{input.Reference!.Trim()}' is not known yet)."));
                        continue;
                    }
                    customer = new Customer { Reference = input.Reference!.Trim(), ReferenceNormalized = normalized, Name = input.Name.Trim(), CreatedAt = now.UtcDateTime };
                    db.Customers.Add(customer);
                    existing[normalized] = customer;
                    counts.Created++;
                }
                Apply(customer, input, users);
                if (db.Entry(customer).State == EntityState.Modified)
                    counts.Updated++;
                else if (db.Entry(customer).State == EntityState.Unchanged)
                    counts.Unchanged++;
            }
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
    }

    private static void Apply(Customer customer, CustomerInput input, Dictionary<string, string> users)
    {
        if (input.Name is { } name)
            customer.Name = name.Trim();
        if (input.Industry is { } industry)
            customer.Industry = industry.Trim();
        if (input.Region is { } region)
            customer.Region = region.Trim();
        if (input.Plan is { } plan)
            customer.Plan = CustomerDataValidator.ParsePlan(plan);
        if (input.Sites is { } sites)
            customer.Sites = sites;
        if (input.InCoBuildProgramme is { } coBuild)
            customer.InCoBuildProgramme = coBuild;
        if (input.AnnualRecurringRevenue is { } arr)
            customer.AnnualRecurringRevenue = arr;
        if (input.AcquisitionCost is { } cac)
            customer.AcquisitionCost = cac;
        if (input.Csm is { } csm)
            customer.CsmUserId = users[csm.Trim().ToUpperInvariant()];
        if (input.SalesOwner is { } salesOwner)
            customer.SalesOwnerUserId = users[salesOwner.Trim().ToUpperInvariant()];
        if (input.AcquiredAt is { } acquiredAt)
            customer.AcquiredAt = acquiredAt.UtcDateTime;
    }

    // ------------------------------------------------------------------------------------------------- contracts

    /// <summary>
    /// Stores contract terms in order, so a renewal may name a contract earlier in the same write. A renewal is term
    /// n + 1 of the contract it renews, which becomes <see cref="ContractStatus.Renewed"/>.
    /// </summary>
    public async Task<WriteSummary> SaveContractsAsync(IReadOnlyList<CustomerRow<ContractInput>> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
            errors.AddRange(CustomerDataValidator.Contract(rows[i].Input, now).Select(e => new RowError(i, e.Field, e.Message)));
        var customers = await CustomerActivity.LoadAsync(db, rows.Select(r => r.Customer), cancellationToken);
        CustomerActivity.RefuseUnknown(rows.Select(r => r.Customer).ToList(), customers, errors);
        RefuseRepeats(rows.Select(r => r.Customer + "\n" + r.Input.Reference), "reference", errors, mode);
        var keepsAcquisition = await CustomerActivity.BeforeRecordedAcquisitionAsync(db,
            rows.Select(r => (r.Customer, r.Input.StartsOn?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))).ToList(), customers, cancellationToken);

        return await WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            var customerIds = valid.Select(i => customers[Customer.Normalize(rows[i].Customer!)].Id).Distinct().ToList();
            var stored = await db.CustomerContracts.Where(c => customerIds.Contains(c.CustomerId)).ToListAsync(cancellationToken);
            var byReference = stored.ToDictionary(c => (c.CustomerId, Customer.Normalize(c.Reference)));
            var activity = new CustomerActivity();
            foreach (var i in valid)
            {
                var input = rows[i].Input;
                var customer = customers[Customer.Normalize(rows[i].Customer!)];
                var key = (customer.Id, Customer.Normalize(input.Reference!));
                CustomerContract? previous = null;
                if (input.Renews is { } renews)
                {
                    if (!byReference.TryGetValue((customer.Id, Customer.Normalize(renews)), out previous))
                    {
                        counts.Refuse(new(i, "renews", $"The customer '{customer.Reference}' has no contract '{renews.Trim()}' to renew."));
                        continue;
                    }
                    var renewedBy = byReference.Values.FirstOrDefault(c => c.RenewsContractId is not null && c.RenewsContractId == previous.Id
                        && !(byReference.TryGetValue(key, out var self) && ReferenceEquals(self, c)));
                    if (renewedBy is not null || previous.Status == ContractStatus.Cancelled)
                    {
                        counts.Refuse(new(i, "renews", renewedBy is not null
                            ? $"The contract '{previous.Reference}' is already renewed by '{renewedBy.Reference}'."
                            : $"The contract '{previous.Reference}' was cancelled; a cancelled contract is not renewed."));
                        continue;
                    }
                }

                if (previous is not null && byReference.TryGetValue(key, out var same) && ReferenceEquals(previous, same))
                {
                    counts.Refuse(new(i, "renews", "A contract cannot renew itself."));
                    continue;
                }
                if (!byReference.TryGetValue(key, out var contract))
                {
                    contract = new CustomerContract { CustomerId = customer.Id, Reference = input.Reference!.Trim(), CreatedAt = now.UtcDateTime };
                    db.CustomerContracts.Add(contract);
                    byReference[key] = contract;
                    counts.Created++;
                }
                var wasNew = db.Entry(contract).State == EntityState.Added;
                contract.StartsOn = input.StartsOn!.Value;
                contract.EndsOn = input.EndsOn!.Value;
                contract.AnnualValue = Math.Round(input.AnnualValue!.Value, 2, MidpointRounding.AwayFromZero);
                contract.RenewalDriver = string.IsNullOrWhiteSpace(input.RenewalDriver) ? null : input.RenewalDriver.Trim();
                var status = CustomerDataValidator.ParseContractStatus(input.Status)!.Value;
                // A term that a later term renews stays renewed, unless it is now posted as cancelled.
                contract.Status = status == ContractStatus.Active && contract.Status == ContractStatus.Renewed ? ContractStatus.Renewed : status;
                if (previous is not null)
                {
                    // Without "renews" a repeat keeps the stored link: a file without that column does not undo renewals.
                    contract.Term = previous.Term + 1;
                    contract.RenewsContractId = previous.Id;
                    previous.Status = ContractStatus.Renewed;
                }
                if (!wasNew)
                {
                    db.ChangeTracker.DetectChanges();
                    if (db.Entry(contract).State == EntityState.Modified)
                        counts.Updated++;
                    else
                        counts.Unchanged++;
                }
                // Saved row by row: a renewal later in the same write needs this term's id.
                await db.SaveChangesAsync(cancellationToken);
                activity.Note(customer, contract.StartsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), acquires: !keepsAcquisition.Contains(i));
            }
            await using var sql = CustomerDataSql.For(db);
            await activity.SaveAsync(db, sql, now.UtcDateTime, cancellationToken);
        }, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------- purchases

    public async Task<WriteSummary> SaveTransactionsAsync(IReadOnlyList<CustomerRow<TransactionInput>> rows, WriteMode mode, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new List<RowError>();
        for (var i = 0; i < rows.Count; i++)
            errors.AddRange(CustomerDataValidator.Transaction(rows[i].Input, now).Select(e => new RowError(i, e.Field, e.Message)));
        var customerRefs = rows.Select(r => r.Customer).ToList();
        var customers = await CustomerActivity.LoadAsync(db, customerRefs, cancellationToken);
        CustomerActivity.RefuseUnknown(customerRefs, customers, errors);
        RefuseRepeats(rows.Select(r => r.Customer + "\n" + r.Input.Reference), "reference", errors, mode);
        foreach (var i in await CustomerActivity.BeforeRecordedAcquisitionAsync(db, rows.Select(r => (r.Customer, r.Input.OccurredAt?.UtcDateTime)).ToList(), customers, cancellationToken))
        {
            if (!errors.Any(e => e.Index == i))
                errors.Add(new(i, "occurredAt", CustomerActivity.BeforeAcquisitionMessage(customers[Customer.Normalize(rows[i].Customer!)], rows[i].Input.OccurredAt!.Value.UtcDateTime)));
        }

        return await WriteAsync(rows.Count, errors, mode, async (valid, counts) =>
        {
            var activity = new CustomerActivity();
            await using var sql = CustomerDataSql.For(db);
            foreach (var i in valid)
            {
                var input = rows[i].Input;
                var customer = customers[Customer.Normalize(rows[i].Customer!)];
                var occurredAt = input.OccurredAt!.Value.UtcDateTime;
                counts.Add(await sql.UpsertTransactionAsync(customer.Id, input.Reference!.Trim(), occurredAt, input.AmountRounded(), now.UtcDateTime, cancellationToken));
                activity.Note(customer, occurredAt);
            }
            await activity.SaveAsync(db, sql, now.UtcDateTime, cancellationToken);
        }, cancellationToken);
    }

    // ------------------------------------------------------------------------------------------------- shared

    /// <summary>
    /// Runs <paramref name="write"/> over the rows without errors in one transaction (behind SQLite's write gate). Under
    /// <see cref="WriteMode.AllOrNothing"/> any error, found before or while writing, writes nothing; a lost race on a
    /// unique key is retried once, when the other writer's row is there to update.
    /// </summary>
    internal async Task<WriteSummary> WriteAsync(int rowCount, List<RowError> errors, WriteMode mode, Func<IReadOnlyList<int>, WriteCounts, Task> write,
        CancellationToken cancellationToken)
    {
        if (mode == WriteMode.AllOrNothing && errors.Count > 0)
            return WriteSummary.Refused(Sorted(errors));
        var refused = errors.Select(e => e.Index).ToHashSet();
        var valid = Enumerable.Range(0, rowCount).Where(i => !refused.Contains(i)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var counts = new WriteCounts();
            using var gate = await writeGate.EnterAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                await write(valid, counts);
                if (counts.Errors.Count > 0 && mode == WriteMode.AllOrNothing)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                    return WriteSummary.Refused(Sorted([.. errors, .. counts.Errors]));
                }
                await transaction.CommitAsync(cancellationToken);
                return new WriteSummary(counts.Created, counts.Updated, counts.Unchanged, Sorted([.. errors, .. counts.Errors]));
            }
            catch (DbUpdateException conflict) when (conflict.IsConflict() && attempt == 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Under all-or-nothing the same key twice in one call is a mistake; in a CSV the later row replaces the earlier one.</summary>
    internal static void RefuseRepeats(IEnumerable<string?> keys, string field, List<RowError> errors, WriteMode mode)
    {
        if (mode != WriteMode.AllOrNothing)
            return;
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var key in keys)
        {
            if (key is not null && !first.TryAdd(Customer.Normalize(key), index))
                errors.Add(new(index, field, $"The same {field} as item {first[Customer.Normalize(key)]}; each may appear once per call."));
            index++;
        }
    }

    private static List<RowError> Sorted(IEnumerable<RowError> errors) => [.. errors.OrderBy(e => e.Index)];
}

/// <summary>The counters of one write, and the rows refused while writing.</summary>
internal sealed class WriteCounts
{
    public int Created;
    public int Updated;
    public int Unchanged;
    public readonly List<RowError> Errors = [];

    public void Refuse(RowError error) => Errors.Add(error);

    public void Add(UpsertOutcome outcome)
    {
        switch (outcome)
        {
            case UpsertOutcome.Created: Created++; break;
            case UpsertOutcome.Updated: Updated++; break;
            default: Unchanged++; break;
        }
    }
}

internal static class TransactionInputExtensions
{
    /// <summary>The amount as the column keeps it (two decimals), so a repeat compares equal to what is stored.</summary>
    public static decimal AmountRounded(this TransactionInput input) => Math.Round(input.Amount!.Value, 2, MidpointRounding.AwayFromZero);
}
