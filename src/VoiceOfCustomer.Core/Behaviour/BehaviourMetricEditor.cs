using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Behaviour;

/// <summary>A metric as an Admin defines it (key, definition and names) or renames it (names, description, archived).</summary>
public sealed record BehaviourMetricInput(string? Key, string? Name, string? NameZh, string? Description, string? Unit, string? GoodDirection,
    string? Aggregation, bool IsExternal, bool IsArchived = false);

/// <summary>
/// The Admin's own behaviour metrics. A metric's key and definition are fixed once it exists (measurements, targets and
/// segment rules read it); its names, description and archiving may change. Errors name the form field.
/// </summary>
public sealed partial class BehaviourMetricEditor(VocDbContext db)
{
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    public async Task<(BehaviourMetric? Metric, IReadOnlyList<FieldError> Errors)> AddAsync(BehaviourMetricInput input, CancellationToken cancellationToken = default)
    {
        var errors = Names(input);
        var key = input.Key?.Trim() ?? "";
        if (key.Length is 0 or > BehaviourMetric.KeyMaxLength || !KeyPattern().IsMatch(key))
            errors.Add(new FieldError("key", "The key is lower-case letters, digits and single hyphens, at most 64 characters, e.g. store-visits."));
        else if (await db.BehaviourMetrics.AnyAsync(m => m.Key == key, cancellationToken))
            errors.Add(new FieldError("key", "Another metric has this key."));
        var unit = Parse<MetricUnit>(input.Unit, "unit", "Choose a unit.", errors);
        var direction = Parse<GoodDirection>(input.GoodDirection, "goodDirection", "Choose which direction is good.", errors);
        var aggregation = Parse<MetricAggregation>(input.Aggregation, "aggregation", "Choose how customers' values add up to a segment's.", errors);
        if (errors.Count > 0)
            return (null, errors);
        var metric = new BehaviourMetric
        {
            Key = key, Name = input.Name!.Trim(), NameZh = Blank(input.NameZh), Description = Blank(input.Description),
            Unit = unit!.Value, GoodDirection = direction!.Value, Aggregation = aggregation!.Value, IsExternal = input.IsExternal,
        };
        db.BehaviourMetrics.Add(metric);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException error) when (error.IsConflict())
        {
            return (null, [new FieldError("key", "Another metric has this key.")]);
        }
        return (metric, []);
    }

    /// <summary>Null metric and no errors: no metric has the key.</summary>
    public async Task<(BehaviourMetric? Metric, IReadOnlyList<FieldError> Errors)> UpdateAsync(string key, BehaviourMetricInput input, CancellationToken cancellationToken = default)
    {
        var metric = await db.BehaviourMetrics.SingleOrDefaultAsync(m => m.Key == key, cancellationToken);
        if (metric is null)
            return (null, []);
        var errors = Names(input);
        if (errors.Count > 0)
            return (metric, errors);
        metric.Name = input.Name!.Trim();
        metric.NameZh = Blank(input.NameZh);
        metric.Description = Blank(input.Description);
        metric.IsArchived = input.IsArchived;
        await db.SaveChangesAsync(cancellationToken);
        return (metric, []);
    }

    private static List<FieldError> Names(BehaviourMetricInput input)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200)
            errors.Add(new FieldError("name", "The name is required, at most 200 characters."));
        if (input.NameZh?.Trim().Length > 200)
            errors.Add(new FieldError("nameZh", "The Chinese name is at most 200 characters."));
        if (input.Description?.Trim().Length > 1000)
            errors.Add(new FieldError("description", "The description is at most 1,000 characters."));
        return errors;
    }

    private static T? Parse<T>(string? value, string field, string message, List<FieldError> errors) where T : struct, Enum
    {
        if (value is not null && !value.Any(char.IsDigit) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            return parsed;
        errors.Add(new FieldError(field, message));
        return null;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
