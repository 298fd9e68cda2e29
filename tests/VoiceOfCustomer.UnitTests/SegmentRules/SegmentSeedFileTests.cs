using System.Text.Json;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.UnitTests.SegmentRules;

public sealed class SegmentSeedFileTests
{
    [Fact]
    public void The_shipped_segments_have_rules_in_first_match_order_and_a_success_path_for_every_stage()
    {
        var data = ReferenceDataFiles.Load(new SeedOptions().ResolveDirectory());

        Assert.Equal(["strategic-cobuild", "prospect-trial", "efficiency-dependent", "price-sensitive", "enterprise", "mid-market", "smb"],
            data.Segments.Select(s => s.Key));
        Assert.All(data.Segments, s =>
        {
            Assert.NotNull(s.RuleJson);
            Assert.NotNull(s.NameZh);
            Assert.Equal(ReferenceDataFiles.SuccessPathStages, s.SuccessPath!.Select(f => f.Stage).Distinct());
        });
        Assert.Equal(["self-service-resolution-rate", "feature-adoption-rate", "renewal-rate", "nps", "repeat-purchase-rate", "core-module-usage", "customisation-level"],
            data.BehaviourMetrics.Select(m => m.Key));
        var mid = JsonDocument.Parse(data.Segments.Single(s => s.Key == "mid-market").RuleJson!).RootElement;
        Assert.Equal("between", mid.GetProperty("op").GetString());
        Assert.Equal(LifecycleStage.ChurnRisk, data.Segments.Single(s => s.Key == "enterprise").SuccessPath!.Single(f => f.MetricKey == "renewal-rate" && f.Baseline == 65).Stage);
    }

    public static TheoryData<string, string> InvalidSegments => new()
    {
        { """{ "key": "a", "name": "A", "when": { "coordinate": "revenue", "op": ">", "value": 1 } }""",
            "segments.json: segments[0] 'a': when.coordinate: 'revenue' is not a coordinate" },
        { """{ "key": "a", "name": "A", "when": { "all": [ { "coordinate": "metric:store-visits", "op": ">", "value": 1 } ] } }""",
            "segments.json: segments[0] 'a': when.all[0].coordinate: 'store-visits' is not a behaviour metric's key" },
        { """{ "key": "a", "name": "A", "when": { "coordinate": "arr", "op": ">=", "value": "2M" } }""",
            "segments.json: segments[0] 'a': when.value: arr is a number" },
        { """{ "key": "a", "name": "A", "successPath": { "active": [ { "metric": "store-visits", "baseline": 1, "target": 2 } ] } }""",
            "segments.json: segments[0] 'a': successPath.active[0].metric: 'store-visits' is not a key in behaviour-metrics.json." },
        { """{ "key": "a", "name": "A", "successPath": { "churned": [] } }""",
            "segments.json: segments[0] 'a': successPath.churned: not a lifecycle stage with a success path" },
        { """{ "key": "a", "name": "A", "successPath": { "new": [ { "metric": "nps", "target": 2 } ] } }""",
            "segments.json: segments[0] 'a': successPath.new[0].baseline: is required, a number." },
        { """{ "key": "a", "name": "A", "successPath": { "new": [ { "metric": "nps", "baseline": 1, "target": 2, "owner": "nobody" } ] } }""",
            "segments.json: segments[0] 'a': successPath.new[0].owner: 'nobody' is not an e-mail address." },
    };

    [Theory]
    [MemberData(nameof(InvalidSegments))]
    public void A_bad_rule_or_success_path_stops_loading_naming_file_segment_and_path(string entry, string expected)
    {
        using var folder = SeedFolder.CopyOfShipped();
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Segments), $$"""{ "segments": [ {{entry}} ] }""");
        var error = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.Path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "key": "m", "name": "M", "unit": "litres", "goodDirection": "up", "aggregation": "mean" }""", "behaviour-metrics.json: metrics[0] 'm': unit 'litres' is not one of percent, count, score, ratio, currency.")]
    [InlineData("""{ "key": "m", "name": "M", "unit": "count", "goodDirection": "sideways", "aggregation": "mean" }""", "behaviour-metrics.json: metrics[0] 'm': goodDirection 'sideways' is not one of up, down.")]
    [InlineData("""{ "key": "m", "name": "M", "unit": "count", "goodDirection": "up" }""", "behaviour-metrics.json: metrics[0] 'm': aggregation '' is not one of mean, sum, median, min, max.")]
    [InlineData("""{ "key": "Bad Key", "name": "M" }""", "behaviour-metrics.json: metrics[0] 'Bad Key': key is required")]
    public void A_bad_behaviour_metric_stops_loading_naming_file_and_entry(string entry, string expected)
    {
        using var folder = SeedFolder.CopyOfShipped();
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.BehaviourMetrics), $$"""{ "metrics": [ {{entry}} ] }""");
        File.WriteAllText(Path.Combine(folder.Path, ReferenceDataFiles.Segments), """{ "segments": [ { "key": "a", "name": "A" } ] }""");
        var error = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.Path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private sealed class SeedFolder : IDisposable
    {
        public required string Path { get; init; }

        public static SeedFolder CopyOfShipped()
        {
            var folder = Directory.CreateTempSubdirectory("voc-seed-");
            foreach (var file in Directory.EnumerateFiles(new SeedOptions().ResolveDirectory(), "*.json"))
                File.Copy(file, System.IO.Path.Combine(folder.FullName, System.IO.Path.GetFileName(file)));
            return new SeedFolder { Path = folder.FullName };
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
