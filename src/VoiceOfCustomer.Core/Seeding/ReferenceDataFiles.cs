using System.Text.Json;
using System.Text.RegularExpressions;
using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Seeding;

/// <summary>The validated content of the seed folder: what every installation starts with.</summary>
public sealed record ReferenceData(
    IReadOnlyList<ChannelSeed> Channels,
    IReadOnlyList<SegmentSeed> Segments,
    IReadOnlyList<MetricSeed> BusinessMetrics,
    IReadOnlyList<DomainSeed> OwningDomains,
    IReadOnlyList<GapSeed> CapabilityGaps,
    IReadOnlyList<TagSeed> Tags,
    IReadOnlyList<CalendarSeed> Calendars)
{
    /// <summary>From behaviour-metrics.json (optional): what segment rules (<c>metric:</c>) and success paths name.</summary>
    public IReadOnlyList<BehaviourMetricSeed> BehaviourMetrics { get; init; } = [];
}

public sealed record ChannelSeed(string Key, string Name, string? NameZh, Touchpoint Touchpoint);

/// <param name="RuleJson">The <c>when</c> condition tree, validated and compacted; null: the segment matches no one.</param>
/// <param name="SuccessPath">Key success factors per lifecycle stage, materialised as behaviour targets each quarter.</param>
public sealed record SegmentSeed(string Key, string Name, string? NameZh, string? Description, string? Rule,
    TimeSpan AttributionTarget, double RoadmapWeight, string? CalendarKey, string? RuleJson = null, IReadOnlyList<SuccessFactorSeed>? SuccessPath = null);

/// <summary>One key success factor of a segment's success path: for customers at <see cref="Stage"/>, move the metric from baseline to target.</summary>
public sealed record SuccessFactorSeed(LifecycleStage Stage, string MetricKey, double Baseline, double Target, string? OwnerEmail);

public sealed record BehaviourMetricSeed(string Key, string Name, string? NameZh, string? Description, MetricUnit Unit,
    GoodDirection GoodDirection, MetricAggregation Aggregation, bool IsExternal);

public sealed record MetricSeed(string Key, string Name, string? NameZh, string? Description, string? DefaultUnit, MetricPolarity Polarity);

public sealed record DomainSeed(string Key, string Name, string? NameZh, string? Description, string? OwnerName, string OwnerEmail);

public sealed record GapSeed(string Key, string Name, string? NameZh, string? Description, string OwningDomainKey, CapabilityGapStatus Status);

public sealed record TagSeed(string Key, string Name, string? NameZh, string? Description);

public sealed record CalendarSeed(string Key, string Name, string TimeZoneId, IReadOnlyList<Sla.WorkingHours> Hours, IReadOnlyList<DateOnly> Holidays);

/// <summary>A seed file is missing, is not valid JSON, or has an entry that breaks a rule; the message names file and entry.</summary>
public sealed class SeedFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads and validates channels.json, segments.json, taxonomy.json and (optional) calendars.json and behaviour-metrics.json. Every problem found is reported at
/// once, each naming its file and entry, so an admin editing the files fixes them in one pass.
/// </summary>
public static partial class ReferenceDataFiles
{
    public const string Channels = "channels.json";
    public const string Segments = "segments.json";
    public const string Taxonomy = "taxonomy.json";
    public const string Calendars = "calendars.json";
    public const string BehaviourMetrics = "behaviour-metrics.json";

    /// <summary>The lifecycle stages a success path has factors for, as segments.json writes them.</summary>
    public static readonly IReadOnlyList<LifecycleStage> SuccessPathStages =
        [LifecycleStage.Prospect, LifecycleStage.New, LifecycleStage.Active, LifecycleStage.ChurnRisk, LifecycleStage.WinBack];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();

    public static ReferenceData Load(string directory)
    {
        var errors = new List<string>();
        var channelsFile = Read<ChannelsFile>(directory, Channels);
        var segmentsFile = Read<SegmentsFile>(directory, Segments);
        var taxonomyFile = Read<TaxonomyFile>(directory, Taxonomy);
        // Optional: an installation without business-hours calendars counts every SLA on the wall clock.
        var calendarsFile = File.Exists(Path.Combine(directory, Calendars)) ? Read<CalendarsFile>(directory, Calendars) : new CalendarsFile();
        // Optional too: without behaviour metrics, no rule may read one and no segment has a success path.
        var metricsFile = File.Exists(Path.Combine(directory, BehaviourMetrics)) ? Read<BehaviourMetricsFile>(directory, BehaviourMetrics) : new BehaviourMetricsFile();

        var behaviourMetrics = new List<BehaviourMetricSeed>();
        foreach (var (entry, label) in Entries(metricsFile.Metrics, BehaviourMetrics, "metrics", errors))
        {
            var unit = ParseEnum<MetricUnit>(entry.Unit, "unit", label, errors);
            var direction = ParseEnum<GoodDirection>(entry.GoodDirection, "goodDirection", label, errors);
            var aggregation = ParseEnum<MetricAggregation>(entry.Aggregation, "aggregation", label, errors);
            if (entry.Description?.Length > 1000)
                errors.Add($"{label}: description is longer than 1000 characters.");
            else if (unit is not null && direction is not null && aggregation is not null)
                behaviourMetrics.Add(new BehaviourMetricSeed(entry.Key!, entry.Name!, entry.NameZh, entry.Description, unit.Value, direction.Value,
                    aggregation.Value, entry.External ?? false));
        }
        var ruleMetrics = behaviourMetrics.Select(m => new RuleMetric(m.Key, m.IsExternal)).ToList();
        var metricKeys = behaviourMetrics.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);

        var calendars = new List<CalendarSeed>();
        foreach (var (entry, label) in Entries(calendarsFile.Calendars, Calendars, "calendars", errors))
        {
            var fieldErrors = new List<FieldError>();
            var hours = Sla.BusinessCalendarFormat.ParseHours(entry.Hours, "hours", fieldErrors);
            var holidays = Sla.BusinessCalendarFormat.ParseHolidays(entry.Holidays, "holidays", fieldErrors);
            if (fieldErrors.Count == 0)
                fieldErrors.AddRange(Sla.BusinessCalendar.Create(entry.Key!, entry.TimeZone ?? "", hours, holidays).Errors);
            if (fieldErrors.Count > 0)
                errors.AddRange(fieldErrors.Select(e => $"{label}: {e.Field}: {e.Message}"));
            else
                calendars.Add(new CalendarSeed(entry.Key!, entry.Name!, entry.TimeZone!, hours, holidays));
        }
        var calendarKeys = calendars.Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var channels = new List<ChannelSeed>();
        foreach (var (entry, label) in Entries(channelsFile.Channels, Channels, "channels", errors))
        {
            if (!Enum.TryParse<Touchpoint>(entry.Touchpoint, ignoreCase: true, out var touchpoint) || !Enum.IsDefined(touchpoint))
            {
                errors.Add($"{label}: touchpoint '{entry.Touchpoint}' is not one of {string.Join(", ", Enum.GetNames<Touchpoint>())}.");
                continue;
            }
            channels.Add(new ChannelSeed(entry.Key!, entry.Name!, entry.NameZh, touchpoint));
        }

        var segments = new List<SegmentSeed>();
        foreach (var (entry, label) in Entries(segmentsFile.Segments, Segments, "segments", errors))
        {
            var hours = entry.AttributionTargetHours ?? DefaultAttributionTargetHours;
            var weight = entry.RoadmapWeight ?? 1.0;
            if (hours is <= 0 or > 8760)
                errors.Add($"{label}: attributionTargetHours must be between 0 (exclusive) and 8760, not {hours}.");
            else if (weight is < 0 or > 100 || double.IsNaN(weight))
                errors.Add($"{label}: roadmapWeight must be between 0 and 100, not {weight}.");
            else if (entry.Rule?.Length > 500)
                errors.Add($"{label}: rule is longer than 500 characters.");
            else if (entry.CalendarKey is not null && !calendarKeys.Contains(entry.CalendarKey))
                errors.Add($"{label}: calendarKey '{entry.CalendarKey}' is not a key in {Calendars}.");
            else
            {
                var before = errors.Count;
                string? ruleJson = null;
                if (entry.When is { } when)
                {
                    var (rule, ruleErrors) = SegmentRule.Parse(when, ruleMetrics);
                    errors.AddRange(ruleErrors.Select(e => $"{label}: {e.Path}: {e.Message}"));
                    if (rule is not null)
                        ruleJson = SegmentRule.Compact(when);
                }
                var successPath = SuccessPath(entry.SuccessPath, label, metricKeys, errors);
                if (errors.Count == before)
                    segments.Add(new SegmentSeed(entry.Key!, entry.Name!, entry.NameZh, entry.Description, entry.Rule,
                        TimeSpan.FromHours(hours), weight, entry.CalendarKey, ruleJson, successPath));
            }
        }

        var metrics = new List<MetricSeed>();
        foreach (var (entry, label) in Entries(taxonomyFile.BusinessMetrics, Taxonomy, "businessMetrics", errors))
        {
            var polarity = MetricPolarity.HigherIsBetter;
            if (entry.Polarity is not null && (!Enum.TryParse(entry.Polarity, ignoreCase: true, out polarity) || !Enum.IsDefined(polarity)))
                errors.Add($"{label}: polarity '{entry.Polarity}' is not one of {string.Join(", ", Enum.GetNames<MetricPolarity>())}.");
            else if (entry.DefaultUnit?.Length > 32)
                errors.Add($"{label}: defaultUnit is longer than 32 characters.");
            else
                metrics.Add(new MetricSeed(entry.Key!, entry.Name!, entry.NameZh, entry.Description, entry.DefaultUnit, polarity));
        }

        var domains = new List<DomainSeed>();
        foreach (var (entry, label) in Entries(taxonomyFile.OwningDomains, Taxonomy, "owningDomains", errors))
        {
            if (string.IsNullOrWhiteSpace(entry.OwnerEmail) || !entry.OwnerEmail.Contains('@') || entry.OwnerEmail.Length > 254)
                errors.Add($"{label}: ownerEmail is required and must be an e-mail address.");
            else
                domains.Add(new DomainSeed(entry.Key!, entry.Name!, entry.NameZh, entry.Description, entry.OwnerName, entry.OwnerEmail.Trim()));
        }

        var domainKeys = domains.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var gaps = new List<GapSeed>();
        foreach (var (entry, label) in Entries(taxonomyFile.CapabilityGaps, Taxonomy, "capabilityGaps", errors))
        {
            var status = CapabilityGapStatus.Accepted;
            if (string.IsNullOrWhiteSpace(entry.OwningDomain) || !domainKeys.Contains(entry.OwningDomain))
                errors.Add($"{label}: owningDomain '{entry.OwningDomain}' is not a key in owningDomains.");
            else if (entry.Status is not null && (!Enum.TryParse(entry.Status, ignoreCase: true, out status) || !Enum.IsDefined(status)))
                errors.Add($"{label}: status '{entry.Status}' is not one of {string.Join(", ", Enum.GetNames<CapabilityGapStatus>())}.");
            else
                gaps.Add(new GapSeed(entry.Key!, entry.Name!, entry.NameZh, entry.Description, entry.OwningDomain, status));
        }

        var tags = Entries(taxonomyFile.Tags, Taxonomy, "tags", errors)
            .Select(e => new TagSeed(e.Entry.Key!, e.Entry.Name!, e.Entry.NameZh, e.Entry.Description)).ToList();

        if (errors.Count > 0)
            throw new SeedFileException($"The seed files in {directory} are invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        return new ReferenceData(channels, segments, metrics, domains, gaps, tags, calendars) { BehaviourMetrics = behaviourMetrics };
    }

    private static List<SuccessFactorSeed> SuccessPath(Dictionary<string, List<FactorDto?>?>? path, string label, HashSet<string> metricKeys, List<string> errors)
    {
        var factors = new List<SuccessFactorSeed>();
        foreach (var (stageName, list) in path ?? [])
        {
            var stage = SuccessPathStages.Cast<LifecycleStage?>().FirstOrDefault(s => SegmentCoordinates.Camel(s!.Value.ToString()) == stageName);
            if (stage is null)
            {
                errors.Add($"{label}: successPath.{stageName}: not a lifecycle stage with a success path ({string.Join(", ", SuccessPathStages.Select(s => SegmentCoordinates.Camel(s.ToString())))}).");
                continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                var factor = list![i];
                var at = $"{label}: successPath.{stageName}[{i}]";
                if (factor is null)
                    errors.Add($"{at}: is null.");
                else if (string.IsNullOrWhiteSpace(factor.Metric) || !metricKeys.Contains(factor.Metric))
                    errors.Add($"{at}.metric: '{factor.Metric}' is not a key in {BehaviourMetrics}.");
                else if (!seen.Add(factor.Metric))
                    errors.Add($"{at}.metric: '{factor.Metric}' is named twice for this stage.");
                else if (factor.Baseline is not { } baseline || !double.IsFinite(baseline))
                    errors.Add($"{at}.baseline: is required, a number.");
                else if (factor.Target is not { } target || !double.IsFinite(target))
                    errors.Add($"{at}.target: is required, a number.");
                else if (factor.Owner is { } owner && (!owner.Contains('@') || owner.Length > 254))
                    errors.Add($"{at}.owner: '{owner}' is not an e-mail address.");
                else
                    factors.Add(new SuccessFactorSeed(stage.Value, factor.Metric, baseline, target, factor.Owner?.Trim()));
            }
        }
        return factors;
    }

    private static T? ParseEnum<T>(string? value, string field, string label, List<string> errors) where T : struct, Enum
    {
        if (value is not null && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !value.Any(char.IsDigit))
            return parsed;
        errors.Add($"{label}: {field} '{value}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
        return null;
    }

    /// <summary>Checks the fields every entry shares (key, names, description) and yields the entries that pass, with a label for messages.</summary>
    private static IEnumerable<(T Entry, string Label)> Entries<T>(List<T>? entries, string file, string section, List<string> errors) where T : EntryDto
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var valid = new List<(T, string)>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var entry = entries![i];
            var label = $"{file}: {section}[{i}]" + (string.IsNullOrWhiteSpace(entry?.Key) ? "" : $" '{entry.Key}'");
            if (entry is null)
                errors.Add($"{label}: is null.");
            else if (string.IsNullOrWhiteSpace(entry.Key) || entry.Key.Length > 64 || !KeyPattern().IsMatch(entry.Key))
                errors.Add($"{label}: key is required: lower-case letters, digits and single hyphens, at most 64 characters.");
            else if (!seen.Add(entry.Key))
                errors.Add($"{label}: key is used by an earlier entry.");
            else if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Length > 200)
                errors.Add($"{label}: name is required, at most 200 characters.");
            else if (entry.NameZh?.Length > 200)
                errors.Add($"{label}: nameZh is longer than 200 characters.");
            else if (entry.Description?.Length > 2000)
                errors.Add($"{label}: description is longer than 2000 characters.");
            else
                valid.Add((entry, label));
        }
        return valid;
    }

    private static T Read<T>(string directory, string file) where T : new()
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
            throw new SeedFileException($"Seed file {path} is missing. Set Seed:Directory to the folder holding {Channels}, {Segments} and {Taxonomy}.");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<T>(stream, Json) ?? new T();
        }
        catch (JsonException error)
        {
            throw new SeedFileException($"{file}: not valid JSON at line {error.LineNumber + 1}, path {error.Path}: {error.Message.Split(" Path:")[0]}", error);
        }
    }

    private static readonly double DefaultAttributionTargetHours = global::VoiceOfCustomer.Segments.SegmentPolicy.DefaultAttributionTarget.TotalHours;

    private abstract class EntryDto
    {
        public string? Key { get; set; }
        public string? Name { get; set; }
        public string? NameZh { get; set; }
        public string? Description { get; set; }
    }

    private sealed class ChannelsFile { public List<ChannelDto>? Channels { get; set; } }
    private sealed class ChannelDto : EntryDto { public string? Touchpoint { get; set; } }

    private sealed class SegmentsFile { public List<SegmentDto>? Segments { get; set; } }
    private sealed class SegmentDto : EntryDto
    {
        public string? Rule { get; set; }
        public double? AttributionTargetHours { get; set; }
        public double? RoadmapWeight { get; set; }
        public string? CalendarKey { get; set; }
        public JsonElement? When { get; set; }
        public Dictionary<string, List<FactorDto?>?>? SuccessPath { get; set; }
    }

    private sealed class FactorDto
    {
        public string? Metric { get; set; }
        public double? Baseline { get; set; }
        public double? Target { get; set; }
        public string? Owner { get; set; }
    }

    private sealed class BehaviourMetricsFile { public List<BehaviourMetricDto>? Metrics { get; set; } }
    private sealed class BehaviourMetricDto : EntryDto
    {
        public string? Unit { get; set; }
        public string? GoodDirection { get; set; }
        public string? Aggregation { get; set; }
        public bool? External { get; set; }
    }

    private sealed class CalendarsFile { public List<CalendarDto>? Calendars { get; set; } }
    private sealed class CalendarDto : EntryDto
    {
        public string? TimeZone { get; set; }
        public List<Sla.BusinessCalendarFormat.HoursDto?>? Hours { get; set; }
        public List<string?>? Holidays { get; set; }
    }

    private sealed class TaxonomyFile
    {
        public List<MetricDto>? BusinessMetrics { get; set; }
        public List<DomainDto>? OwningDomains { get; set; }
        public List<GapDto>? CapabilityGaps { get; set; }
        public List<TagDto>? Tags { get; set; }
    }
    private sealed class MetricDto : EntryDto
    {
        public string? DefaultUnit { get; set; }
        public string? Polarity { get; set; }
    }
    private sealed class DomainDto : EntryDto
    {
        public string? OwnerName { get; set; }
        public string? OwnerEmail { get; set; }
    }
    private sealed class GapDto : EntryDto
    {
        public string? OwningDomain { get; set; }
        public string? Status { get; set; }
    }
    private sealed class TagDto : EntryDto;
}
