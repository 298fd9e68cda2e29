using System.Globalization;
using System.Text.RegularExpressions;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Reporting;

namespace VoiceOfCustomer.Customers;

/// <summary>
/// The rules every path for customer data (the API, the CSV import) applies to a row before looking anything up:
/// types, ranges, lengths, dates not in the future. What needs the database (unknown customers, users, metrics,
/// segments, a purchase before the customer was won) is <see cref="CustomerDataService"/>'s.
/// </summary>
public static partial class CustomerDataValidator
{
    /// <summary>The largest amount a <c>decimal(18, 2)</c> column holds.</summary>
    public const decimal MaxAmount = 9_999_999_999_999_999.99m;

    /// <summary>How far ahead of the server's clock an instant may be (the sender's clock may run a little fast).</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyList<string> Plans = ["trial", "self-serve", "standard", "enterprise"];

    public static readonly IReadOnlyList<string> ContractStatuses = ["active", "cancelled"];

    public static List<FieldError> Customer(CustomerInput input, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        Reference(errors, "reference", input.Reference, Customers.Customer.ReferenceMaxLength);
        Text(errors, "name", input.Name, Customers.Customer.NameMaxLength);
        if (input.Name is { } name && string.IsNullOrWhiteSpace(name))
            errors.Add(new("name", "The name must not be empty when given."));
        Text(errors, "industry", input.Industry, 100);
        Text(errors, "region", input.Region, 100);
        if (input.Plan is { } plan && ParsePlan(plan) is null)
            errors.Add(new("plan", $"Unknown plan '{plan}'. Use one of: {string.Join(", ", Plans)}."));
        if (input.Sites is < 0)
            errors.Add(new("sites", "The number of sites must not be negative."));
        Amount(errors, "annualRecurringRevenue", input.AnnualRecurringRevenue, required: false);
        Amount(errors, "acquisitionCost", input.AcquisitionCost, required: false);
        UserEmail(errors, "csm", input.Csm);
        UserEmail(errors, "salesOwner", input.SalesOwner);
        if (input.AcquiredAt is { } acquiredAt)
            Instant(errors, "acquiredAt", acquiredAt, now);
        return errors;
    }

    public static List<FieldError> Contract(ContractInput input, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        Reference(errors, "reference", input.Reference, CustomerContract.ReferenceMaxLength);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (input.StartsOn is not { } startsOn)
            errors.Add(new("startsOn", "The start date (startsOn, e.g. 2026-01-01) is required."));
        else if (!DateRangeLimits.Contains(startsOn))
            errors.Add(new("startsOn", $"startsOn must be {DateRangeLimits.Description}."));
        else if (startsOn > today)
            errors.Add(new("startsOn", $"startsOn {startsOn:yyyy-MM-dd} is in the future (today is {today:yyyy-MM-dd}); post a term once it has begun."));
        if (input.EndsOn is not { } endsOn)
            errors.Add(new("endsOn", "The end date (endsOn, e.g. 2026-12-31) is required."));
        else if (!DateRangeLimits.Contains(endsOn))
            errors.Add(new("endsOn", $"endsOn must be {DateRangeLimits.Description}."));
        else if (input.StartsOn is { } start && endsOn <= start)
            errors.Add(new("endsOn", "endsOn must be after startsOn."));
        Amount(errors, "annualValue", input.AnnualValue, required: true);
        if (input.Renews is { } renews)
        {
            Reference(errors, "renews", renews, CustomerContract.ReferenceMaxLength);
            if (string.Equals(renews.Trim(), input.Reference?.Trim(), StringComparison.OrdinalIgnoreCase))
                errors.Add(new("renews", "A contract cannot renew itself."));
        }
        if (input.Status is { } status && ParseContractStatus(status) is null)
            errors.Add(new("status", string.Equals(status.Trim(), "renewed", StringComparison.OrdinalIgnoreCase)
                ? "A contract becomes 'renewed' when another contract renews it (renews); post 'active' or 'cancelled'."
                : $"Unknown status '{status}'. Use one of: {string.Join(", ", ContractStatuses)}."));
        Text(errors, "renewalDriver", input.RenewalDriver, 40);
        return errors;
    }

    public static List<FieldError> Transaction(TransactionInput input, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        Reference(errors, "reference", input.Reference, CustomerTransaction.ReferenceMaxLength);
        if (input.OccurredAt is not { } occurredAt)
            errors.Add(new("occurredAt", "The purchase time (occurredAt, ISO 8601) is required."));
        else
            Instant(errors, "occurredAt", occurredAt, now);
        Amount(errors, "amount", input.Amount, required: true);
        return errors;
    }

    /// <summary>A measurement's own fields: the metric named, a period that has begun, a value.</summary>
    public static List<FieldError> Measurement(string? metric, string? period, double? value, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        Key(errors, "metric", metric);
        MeasuredPeriod(errors, "period", period, now);
        if (value is null)
            errors.Add(new("value", "The value is required."));
        else if (!double.IsFinite(value.Value))
            errors.Add(new("value", "The value must be a finite number."));
        return errors;
    }

    /// <summary>A period that is well formed and has begun (a measurement of a later one is refused).</summary>
    public static Period? MeasuredPeriod(List<FieldError> errors, string field, string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new(field, "The period is required: a quarter as 2026Q3 or a month as 2026-09."));
            return null;
        }
        if (!Period.TryParse(text, out var period))
        {
            errors.Add(new(field, Period.FormatMessage(Shorten(text))));
            return null;
        }
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (period.Start > today)
        {
            errors.Add(new(field, $"The period {period.Text} has not begun yet (today is {today:yyyy-MM-dd}); measurements are of periods that have started."));
            return null;
        }
        return period;
    }

    /// <summary>A required slug naming a metric or a segment.</summary>
    public static void Key(List<FieldError> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors.Add(new(field, $"The {field} (its key) is required."));
        else
            Text(errors, field, value, BehaviourMetric.KeyMaxLength);
    }

    public static void Text(List<FieldError> errors, string field, string? value, int maxLength)
    {
        if (value is null)
            return;
        if (value.Contains('\0', StringComparison.Ordinal))
            errors.Add(new(field, $"The {field} must not contain the character U+0000 (NUL)."));
        else if (value.Trim().Length > maxLength)
            errors.Add(new(field, $"The {field} must be at most {maxLength} characters."));
    }

    public static void UserEmail(List<FieldError> errors, string field, string? value)
    {
        if (value is null)
            return;
        if (value.Trim().Length is 0 or > Contact.EmailMaxLength || !Email().IsMatch(value.Trim()))
            errors.Add(new(field, $"The {field} must be a user's e-mail address."));
    }

    public static string? ParsePlan(string? plan) =>
        Plans.FirstOrDefault(p => string.Equals(p, plan?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static ContractStatus? ParseContractStatus(string? status) => status?.Trim().ToLowerInvariant() switch
    {
        null or "" or "active" => ContractStatus.Active,
        "cancelled" or "canceled" => ContractStatus.Cancelled,
        _ => null,
    };

    public static string Money(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static void Reference(List<FieldError> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors.Add(new(field, $"The {field} is required."));
        else
            Text(errors, field, value, maxLength);
    }

    private static void Amount(List<FieldError> errors, string field, decimal? value, bool required)
    {
        if (value is not { } amount)
        {
            if (required)
                errors.Add(new(field, $"The {field} is required."));
        }
        else if (amount < 0)
            errors.Add(new(field, $"The {field} must not be negative ({Money(amount)}); refunds are not purchases."));
        else if (amount > MaxAmount)
            errors.Add(new(field, $"The {field} must be at most {MaxAmount.ToString("N2", CultureInfo.InvariantCulture)}."));
    }

    private static void Instant(List<FieldError> errors, string field, DateTimeOffset value, DateTimeOffset now)
    {
        if (!DateRangeLimits.Contains(value))
            errors.Add(new(field, $"{field} must be {DateRangeLimits.Description} (UTC)."));
        else if (value > now + AllowedClockSkew)
            errors.Add(new(field, $"{field} {value.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the future (now is {now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'})."));
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();
}
