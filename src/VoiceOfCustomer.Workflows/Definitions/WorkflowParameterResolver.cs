using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>
/// A definition's parameter values: each default from the file, overridden by configuration under the
/// definition's section, e.g. <c>Workflows:AttributionSla:DefaultTarget=00:00:05</c> or
/// <c>Workflows__AttributionSla__WarningShare=0.5</c> (keys are case-insensitive). Read at every call, so an
/// instance starts with the configuration of its moment; the instance stores what it got.
/// </summary>
public sealed class WorkflowParameterResolver(IConfiguration configuration)
{
    /// <exception cref="WorkflowDefinitionException">A configured value is invalid; the message names its key.</exception>
    public ResolvedParameters Resolve(WorkflowDefinition definition)
    {
        var errors = new List<string>();
        var resolved = Resolve(definition, errors);
        if (errors.Count > 0)
            throw new WorkflowDefinitionException($"The configured parameters of workflow '{definition.Id}' are invalid:", errors);
        return resolved;
    }

    /// <summary>Resolves every definition once, so a bad override stops start-up rather than the first instance.</summary>
    public void ValidateAll(IEnumerable<WorkflowDefinition> definitions)
    {
        var errors = new List<string>();
        foreach (var definition in definitions)
            Resolve(definition, errors);
        if (errors.Count > 0)
            throw new WorkflowDefinitionException("The configured workflow parameters are invalid:", errors);
    }

    /// <summary>The configuration key of a parameter: <c>Workflows:AttributionSla:WarningShare</c>.</summary>
    public static string KeyOf(WorkflowDefinition definition, string parameter) =>
        $"{definition.ConfigurationSection}:{char.ToUpperInvariant(parameter[0])}{parameter[1..]}";

    private ResolvedParameters Resolve(WorkflowDefinition definition, List<string> errors)
    {
        var section = configuration.GetSection(definition.ConfigurationSection);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        var durations = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var overridden = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in definition.Parameters)
        {
            var text = section[name];
            var key = KeyOf(definition, name);
            if (string.IsNullOrWhiteSpace(text))
            {
                if (parameter.Type == WorkflowParameterType.Share)
                    shares[name] = parameter.DefaultShare ?? 0;
                else
                    durations[name] = parameter.DefaultDuration ?? TimeSpan.Zero;
                continue;
            }
            overridden.Add(name);
            text = text.Trim();
            if (parameter.Type == WorkflowParameterType.Share)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || !double.IsFinite(share))
                    errors.Add($"{key}: '{text}' is not a number; a share is written like 0.75 (75% of the target).");
                else if (share <= 0)
                    errors.Add($"{key}: {text} must be a positive share (0.75 = 75% of the target).");
                else
                    shares[name] = share;
            }
            else
            {
                if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var duration))
                    errors.Add($"{key}: '{text}' is not a duration; write \"d.hh:mm:ss\" or \"hh:mm:ss\" (e.g. 00:00:05).");
                else if (duration < TimeSpan.Zero)
                    errors.Add($"{key}: '{text}' is negative; a duration must not be negative.");
                else
                    durations[name] = duration;
            }
        }

        if (definition.Clock.Target.Parameter is { } target && durations.TryGetValue(target, out var targetValue) && targetValue <= TimeSpan.Zero)
            errors.Add($"{KeyOf(definition, target)}: the clock's target must be longer than zero.");

        // Overrides must keep the milestones in order: a warning after the breach makes no sense.
        string? previous = null;
        double previousShare = 0;
        foreach (var milestone in definition.Milestones)
        {
            var at = milestone.At;
            double share;
            if (at.Parameter is { } name)
            {
                if (!shares.TryGetValue(name, out share))
                    return new ResolvedParameters(shares, durations); // Already reported as invalid.
            }
            else
                share = at.Share ?? 0;
            if (previous is not null && share <= previousShare)
            {
                var keys = new[] { previous, milestone.Name }
                    .Select(m => definition.Milestones.First(x => x.Name == m).At.Parameter)
                    .Where(p => p is not null && overridden.Contains(p))
                    .Select(p => KeyOf(definition, p!))
                    .ToList();
                errors.Add($"{(keys.Count > 0 ? string.Join(", ", keys) : definition.ConfigurationSection)}: milestone '{milestone.Name}' at " +
                           $"{share.ToString(CultureInfo.InvariantCulture)} is not after '{previous}' at {previousShare.ToString(CultureInfo.InvariantCulture)}; " +
                           "the shares must keep increasing.");
            }
            previous = milestone.Name;
            previousShare = share;
        }
        return new ResolvedParameters(shares, durations);
    }
}
