using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.UnitTests.SegmentRules;

public sealed class SegmentRuleTests
{
    private static readonly RuleMetric[] Metrics = [new("core-module-usage", false), new("nps", true)];

    [Fact]
    public void A_nested_rule_parses_into_groups_and_conditions_with_canonical_values()
    {
        var (rule, errors) = SegmentRule.Parse("""
            {"all": [
              {"coordinate": "coBuild", "op": "=", "value": true},
              {"any": [{"coordinate": "stage", "op": "in", "value": ["churn-risk", "WinBack"]}, {"coordinate": "metric:core-module-usage", "op": ">=", "value": 70}]},
              {"coordinate": "ltvToCac", "op": "isSet", "value": false},
              {"coordinate": "arr", "op": "between", "value": [100000, 500000]}
            ]}
            """, Metrics);

        Assert.Empty(errors);
        var all = Assert.IsType<RuleGroup>(rule);
        Assert.True(all.All);
        Assert.Equal(4, all.Children.Count);
        var any = Assert.IsType<RuleGroup>(all.Children[1]);
        var stage = Assert.IsType<RuleCondition>(any.Children[0]);
        Assert.Equal(RuleOperator.In, stage.Op);
        Assert.Equal(["churnRisk", "winBack"], stage.Values.Cast<string>());
        var metric = Assert.IsType<RuleCondition>(any.Children[1]);
        Assert.Equal(("core-module-usage", 70.0), (metric.MetricKey, (double)metric.Values[0]));
        Assert.Equal(false, Assert.IsType<RuleCondition>(all.Children[2]).Values[0]);
        Assert.Equal(["core-module-usage"], SegmentRule.MetricKeys(rule!));
    }

    public static TheoryData<string, string, string> BadRules => new()
    {
        { """{"coordinate": "revenue", "op": ">", "value": 1}""", "when.coordinate", "'revenue' is not a coordinate" },
        { """{"coordinate": "arr", "op": "gt", "value": 1}""", "when.op", "'gt' is not an operator" },
        { """{"coordinate": "arr", "op": ">", "value": "2M"}""", "when.value", "arr is a number" },
        { """{"all": [{"coordinate": "plan", "op": "=", "value": "gold"}]}""", "when.all[0].value", "'gold' is not a plan" },
        { """{"any": [{"coordinate": "metric:store-visits", "op": ">", "value": 3}]}""", "when.any[0].coordinate", "'store-visits' is not a behaviour metric's key" },
        { """{"coordinate": "metric:nps", "op": ">", "value": 30}""", "when.coordinate", "'nps' is an external metric" },
        { """{"coordinate": "industry", "op": ">", "value": "Retail"}""", "when.op", "'>' does not apply to industry" },
        { """{"coordinate": "coBuild", "op": "=", "value": "yes"}""", "when.value", "coBuild is yes or no" },
        { """{"coordinate": "sites", "op": "=", "value": 2.5}""", "when.value", "sites counts whole numbers" },
        { """{"coordinate": "arr", "op": "between", "value": [500, 100]}""", "when.value", "the low value comes first" },
        { """{"coordinate": "arr", "op": "between", "value": [1]}""", "when.value", "two values" },
        { """{"coordinate": "region", "op": "in", "value": []}""", "when.value", "1 to 100 values" },
        { """{"any": []}""", "when.any", "an empty \"any\"" },
        { """{"all": [], "any": []}""", "when", "either \"all\" or \"any\"" },
        { """{"coordinate": "arr", "op": ">", "value": 1, "unit": "k"}""", "when.unit", "only \"coordinate\", \"op\" and \"value\"" },
        { """{"coordinate": "arr", "op": ">"}""", "when.value", "is required" },
        { """[1, 2]""", "when", "must be an object" },
        { """{"coordinate": "arr", "op": ">", """, "when", "not valid JSON" },
        { """{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": [{"all": []}]}]}]}]}]}]}]}]}""", "when.all[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0]", "nested more than 8 deep" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void A_bad_rule_is_refused_naming_its_path(string json, string path, string message)
    {
        var (rule, errors) = SegmentRule.Parse(json, Metrics);
        Assert.Null(rule);
        var error = Assert.Single(errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_rule_is_reported_at_once()
    {
        var (_, errors) = SegmentRule.Parse("""{"all": [{"coordinate": "x", "op": "=", "value": 1}, {"coordinate": "arr", "op": "?", "value": 1}]}""", Metrics);
        Assert.Equal(["when.all[0].coordinate", "when.all[1].op"], errors.Select(e => e.Path));
    }

    [Fact]
    public void The_quarter_is_read_in_the_organisation_time_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var lateOnTheLastDayOfSeptember = new DateTime(2026, 9, 30, 20, 0, 0, DateTimeKind.Utc);
        Assert.Equal("2026Q3", SuccessPaths.QuarterOf(lateOnTheLastDayOfSeptember, TimeZoneInfo.Utc));
        Assert.Equal("2026Q4", SuccessPaths.QuarterOf(lateOnTheLastDayOfSeptember, shanghai));
    }
}
