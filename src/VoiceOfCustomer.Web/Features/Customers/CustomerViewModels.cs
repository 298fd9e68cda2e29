using VoiceOfCustomer.Behaviour;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Features.Shared;

namespace VoiceOfCustomer.Web.Features.Customers;

public sealed class CustomerListViewModel
{
    public const int PageSize = 50;

    /// <summary>The list counts matches up to this; more reads "more than 10,000".</summary>
    public const int CountCap = 10_000;

    public required CustomerListQuery Query { get; init; }
    public required CustomerSort Sort { get; init; }
    public required bool Descending { get; init; }
    public required IReadOnlyList<CustomerListRow> Rows { get; init; }
    public string? NextCursor { get; init; }
    public bool IsLaterPage { get; init; }

    /// <summary>Matching customers, counted up to <see cref="CountCap"/> + 1, on the first page only.</summary>
    public int? Matching { get; init; }

    /// <summary>No customer is stored at all: the empty state says how to get some in.</summary>
    public bool DatabaseIsEmpty { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }
    public required IReadOnlyList<Segment> Segments { get; init; }
    public required IReadOnlyList<UserOption> Csms { get; init; }
    public required IReadOnlyDictionary<string, string> UserNames { get; init; }

    /// <summary>A column header's link: the other direction when the list is sorted by it, else the column's usual one.</summary>
    public Dictionary<string, string> SortLink(CustomerSort sort) =>
        Query.RouteValues(sort: sort, descending: sort == Sort ? !Descending : CustomerListQuery.DescendingByDefault(sort));

    /// <summary>The arrow beside the sorted column's header (screen readers get <c>aria-sort</c>).</summary>
    public string SortMark(CustomerSort sort) => sort != Sort ? "" : Descending ? " ↓" : " ↑";

    /// <summary><c>aria-sort</c> of a column header.</summary>
    public string? AriaSort(CustomerSort sort) => sort != Sort ? null : Descending ? "descending" : "ascending";
}

public sealed class CustomerDetailViewModel
{
    public required CustomerDetail Detail { get; init; }
    public required IReadOnlyDictionary<string, Segment> SegmentsByKey { get; init; }
    public required IReadOnlyDictionary<string, string> UserNames { get; init; }

    public string? UserName(string? id) => id is null ? null : UserNames.GetValueOrDefault(id);

    /// <summary>The periods the behaviour table shows: the latest <see cref="CustomerQueries.PeriodsShown"/> any metric has, oldest first.</summary>
    public IReadOnlyList<string> Periods => Detail.Behaviour.SelectMany(s => s.Points).DistinctBy(p => p.Period)
        .OrderBy(p => p.PeriodStart).ThenBy(p => p.Period, StringComparer.Ordinal).Select(p => p.Period).TakeLast(CustomerQueries.PeriodsShown).ToList();

    /// <summary>One small line chart per metric, fed by the same points as the table.</summary>
    public static ChartSpec Chart(BehaviourSeries series, string name) => new(
        "behaviour-" + series.Metric.Key, "line", name, series.Points.Select(p => p.Period).ToList(),
        [new ChartSeries(name, series.Points.Select(p => (double?)p.Value).ToList(), "#1f6feb")],
        YMax: series.Metric.Unit == MetricUnit.Percent ? 100 : null, YSuffix: series.Metric.Unit == MetricUnit.Percent ? " %" : "");
}
