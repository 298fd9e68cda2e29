using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.Web.Features.Shared;

/// <summary>
/// A chart as data: the page renders it into a canvas through Chart.js (restored from npm at build time), and the
/// table beside it carries the same figures for screen readers and for readers without JavaScript.
/// </summary>
/// <param name="Id">The canvas id, unique on the page.</param>
/// <param name="Kind"><c>bar</c> or <c>line</c>.</param>
/// <param name="Title">Said by screen readers and shown above the chart.</param>
/// <param name="Labels">One per point along the x axis (e.g. ISO week labels).</param>
/// <param name="Series">The data series, one value per label each.</param>
/// <param name="YMax">The top of the y axis (100 for percentages); null lets the library choose.</param>
/// <param name="YSuffix">Appended to the y-axis ticks and tooltips (e.g. " %").</param>
/// <param name="XTitle">The x axis's title; null for none.</param>
public sealed record ChartSpec(string Id, string Kind, string Title, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series,
    double? YMax = null, string YSuffix = "", string? XTitle = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The JSON the page script reads; the default encoder escapes &lt; and &gt;, so it is safe inside a script element.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <param name="Name">The series' name in the legend and tooltips.</param>
/// <param name="Values">One per label; null is a gap (no data that week), never drawn as zero.</param>
/// <param name="Colour">A CSS colour for the series.</param>
/// <param name="PointColours">A colour per point (per bar), or null for the series' colour everywhere.</param>
/// <param name="Notes">Tooltip text per point (e.g. "3 met, 1 breached"); null for none.</param>
/// <param name="Dashed">Draws a line series dashed, so series differ by more than colour.</param>
/// <param name="Type">A series drawn differently from the chart's kind (a <c>line</c> over bars); null for the chart's own.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values, string Colour,
    IReadOnlyList<string>? PointColours = null, IReadOnlyList<string>? Notes = null, bool Dashed = false, string? Type = null);
