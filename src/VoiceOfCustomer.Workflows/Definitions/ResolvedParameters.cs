using System.Globalization;
using System.Text.Json;

namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>
/// The parameter values an instance runs with: the definition's defaults, overridden by configuration at the
/// moment the instance started. Stored with the instance as JSON so later configuration changes do not move
/// its milestones.
/// </summary>
public sealed class ResolvedParameters
{
    private readonly Dictionary<string, double> _shares;
    private readonly Dictionary<string, TimeSpan> _durations;

    public ResolvedParameters(IReadOnlyDictionary<string, double> shares, IReadOnlyDictionary<string, TimeSpan> durations)
    {
        _shares = new(shares, StringComparer.Ordinal);
        _durations = new(durations, StringComparer.Ordinal);
    }

    public double ShareOf(ValueReference value) =>
        value.Parameter is { } name ? _shares.TryGetValue(name, out var share) ? share : throw Missing(name)
        : value.Share ?? throw new InvalidOperationException("The value is not a share.");

    public TimeSpan DurationOf(ValueReference value) =>
        value.Parameter is { } name ? _durations.TryGetValue(name, out var duration) ? duration : throw Missing(name)
        : value.Duration ?? throw new InvalidOperationException("The value is not a duration.");

    public string ToJson()
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, share) in _shares)
            values[name] = share.ToString("R", CultureInfo.InvariantCulture);
        foreach (var (name, duration) in _durations)
            values[name] = duration.ToString("c", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(values);
    }

    /// <summary>Reads <see cref="ToJson"/> back, typing each value by the definition's parameter declarations.</summary>
    public static ResolvedParameters FromJson(string json, WorkflowDefinition definition)
    {
        var values = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
        var shares = new Dictionary<string, double>();
        var durations = new Dictionary<string, TimeSpan>();
        foreach (var (name, parameter) in definition.Parameters)
        {
            if (!values.TryGetValue(name, out var text))
                continue;
            if (parameter.Type == WorkflowParameterType.Share)
                shares[name] = double.Parse(text, CultureInfo.InvariantCulture);
            else
                durations[name] = TimeSpan.ParseExact(text, "c", CultureInfo.InvariantCulture);
        }
        return new ResolvedParameters(shares, durations);
    }

    private static InvalidOperationException Missing(string name) => new($"Parameter '{name}' has no value.");
}
