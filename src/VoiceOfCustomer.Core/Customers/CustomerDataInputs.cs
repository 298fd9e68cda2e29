namespace VoiceOfCustomer.Customers;

/// <summary>
/// A customer as the API's <c>POST /api/customers</c> and the customers CSV give it. Everything is optional here so that
/// validation, not the deserialiser, names what is missing; a field left out (or null) keeps its stored value.
/// </summary>
public sealed record CustomerInput
{
    public string? Reference { get; init; }

    /// <summary>Required when the reference is new.</summary>
    public string? Name { get; init; }
    public string? Industry { get; init; }
    public string? Region { get; init; }

    /// <summary><c>trial</c>, <c>self-serve</c>, <c>standard</c> or <c>enterprise</c>.</summary>
    public string? Plan { get; init; }
    public int? Sites { get; init; }
    public bool? InCoBuildProgramme { get; init; }
    public decimal? AnnualRecurringRevenue { get; init; }
    public decimal? AcquisitionCost { get; init; }

    /// <summary>The CSM's e-mail address (a user of the app).</summary>
    public string? Csm { get; init; }

    /// <summary>The sales owner's e-mail address (a user of the app).</summary>
    public string? SalesOwner { get; init; }

    /// <summary>When the customer was won; when left out, the first purchase or contract start sets it.</summary>
    public DateTimeOffset? AcquiredAt { get; init; }
}

/// <summary>One term of a customer's contract (<c>POST /api/customers/{reference}/contracts</c>, the contracts CSV).</summary>
public sealed record ContractInput
{
    public string? Reference { get; init; }
    public DateOnly? StartsOn { get; init; }
    public DateOnly? EndsOn { get; init; }
    public decimal? AnnualValue { get; init; }

    /// <summary>The reference of the customer's contract this one renews: this becomes its next term, that one <c>renewed</c>.</summary>
    public string? Renews { get; init; }

    /// <summary><c>active</c> (the default) or <c>cancelled</c>; <c>renewed</c> is set by the renewing contract.</summary>
    public string? Status { get; init; }

    /// <summary>What decided the renewal: <c>price</c>, <c>value</c>, <c>relationship</c>, … (free text, 40 characters).</summary>
    public string? RenewalDriver { get; init; }
}

/// <summary>A purchase (<c>POST /api/customers/{reference}/transactions</c>, the transactions CSV).</summary>
public sealed record TransactionInput
{
    public string? Reference { get; init; }
    public DateTimeOffset? OccurredAt { get; init; }
    public decimal? Amount { get; init; }
}

/// <summary>A customer's value of a behaviour metric for a period (<c>POST /api/customers/{reference}/metrics</c>, the metrics CSV).</summary>
public sealed record MeasurementInput
{
    /// <summary>The metric's key, e.g. <c>feature-adoption-rate</c>.</summary>
    public string? Metric { get; init; }

    /// <summary><c>2026Q3</c> or <c>2026-09</c>.</summary>
    public string? Period { get; init; }
    public double? Value { get; init; }
}

/// <summary>A row of a CSV (or of an API call under one customer's path): the customer it belongs to and the row.</summary>
public sealed record CustomerRow<T>(string? Customer, T Input);

/// <summary>Whether one bad row sinks the whole write (the API's arrays) or only itself (a CSV batch).</summary>
public enum WriteMode
{
    AllOrNothing,
    SkipInvalid,
}

/// <summary>A refused row: its position in the write, the field at fault (as in the API's JSON, or <c>customer</c>) and why.</summary>
public sealed record RowError(int Index, string Field, string Message);

/// <summary>What a write did. With errors under <see cref="WriteMode.AllOrNothing"/> nothing was written.</summary>
public sealed record WriteSummary(int Created, int Updated, int Unchanged, IReadOnlyList<RowError> Errors)
{
    public static WriteSummary Refused(IReadOnlyList<RowError> errors) => new(0, 0, 0, errors);

    public int Stored => Created + Updated;
}
