using VoiceOfCustomer.Customers;

namespace VoiceOfCustomer.Segments;

/// <summary>What kind of value a coordinate holds, and so which operators and values a condition on it may use.</summary>
public enum CoordinateKind
{
    /// <summary>A number: every operator; values are JSON numbers.</summary>
    Number,

    /// <summary>Free text (industry, region, renewal driver): <c>=</c>, <c>!=</c>, <c>in</c>, <c>isSet</c>; values are strings, compared exactly.</summary>
    Text,

    /// <summary>One of a fixed list (stage, plan, value tier): like text, but the value must be one of <see cref="SegmentCoordinate.Choices"/>.</summary>
    Choice,

    /// <summary>Yes or no (the co-build programme): <c>=</c>, <c>!=</c>; the value is <c>true</c> or <c>false</c>.</summary>
    Flag,
}

/// <summary>One coordinate a segment rule may name (pages label it in the UI's language: Features/Segments/SegmentRuleText).</summary>
public sealed record SegmentCoordinate(string Name, CoordinateKind Kind, IReadOnlyList<string>? Choices = null, bool WholeNumbers = false);

/// <summary>
/// The documented catalogue of coordinates (docs/segments.md): a customer's value, lifecycle and behaviour as segment rules
/// read them. <c>metric:&lt;key&gt;</c> names a behaviour metric: the customer's latest measured value of it.
/// </summary>
public static class SegmentCoordinates
{
    public const string MetricPrefix = "metric:";

    /// <summary>Plan keys a customer's <see cref="Customer.Plan"/> may hold.</summary>
    public static readonly IReadOnlyList<string> Plans = ["trial", "self-serve", "standard", "enterprise"];

    /// <summary>Stage names as rules write them (camelCase of <see cref="LifecycleStage"/>).</summary>
    public static readonly IReadOnlyList<string> Stages = [.. Enum.GetNames<LifecycleStage>().Select(Camel)];

    public static readonly IReadOnlyList<string> Tiers = [.. Enum.GetNames<ValueTier>().Select(Camel)];

    public static readonly IReadOnlyList<SegmentCoordinate> All =
    [
        new("arr", CoordinateKind.Number),
        new("acquisitionCost", CoordinateKind.Number),
        new("clv", CoordinateKind.Number),
        new("ltvToCac", CoordinateKind.Number),
        new("pAlive", CoordinateKind.Number),
        new("valueTier", CoordinateKind.Choice, Tiers),
        new("stage", CoordinateKind.Choice, Stages),
        new("plan", CoordinateKind.Choice, Plans),
        new("sites", CoordinateKind.Number, WholeNumbers: true),
        new("coBuild", CoordinateKind.Flag),
        new("industry", CoordinateKind.Text),
        new("region", CoordinateKind.Text),
        new("feedbackLast90Days", CoordinateKind.Number, WholeNumbers: true),
        new("communityPostsLast90Days", CoordinateKind.Number, WholeNumbers: true),
        new("tenureMonths", CoordinateKind.Number, WholeNumbers: true),
        new("renewalDriver", CoordinateKind.Text),
    ];

    private static readonly Dictionary<string, SegmentCoordinate> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>A behaviour metric read as a coordinate: always a number.</summary>
    public static SegmentCoordinate Metric(string key) => new(MetricPrefix + key, CoordinateKind.Number);

    public static SegmentCoordinate? Find(string name) => ByName.GetValueOrDefault(name);

    public static string Camel(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];
}
