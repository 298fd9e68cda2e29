using VoiceOfCustomer.Workflows.Definitions;
using static VoiceOfCustomer.UnitTests.Workflows.WorkflowTestDefinitions;

namespace VoiceOfCustomer.UnitTests.Workflows;

public sealed class WorkflowDefinitionLoaderTests
{
    private readonly WorkflowDefinitionLoader _loader = new();

    private WorkflowDefinitionException Invalid(string json, string file = "bad.json") =>
        Assert.Throws<WorkflowDefinitionException>(() => _loader.Parse(file, json, Activities, SubjectTypes));

    private static void AssertError(WorkflowDefinitionException error, string expectedStart, string expectedText)
    {
        var line = Assert.Single(error.Errors, e => e.StartsWith(expectedStart, StringComparison.Ordinal));
        Assert.Contains(expectedText, line, StringComparison.Ordinal);
        Assert.Contains(line, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_attribution_SLA_file_in_the_repository_loads_with_its_milestones_signals_and_parameters()
    {
        var files = _loader.LoadDirectory(WorkflowsFolder(), Activities, SubjectTypes);

        var file = Assert.Single(files, f => f.Definition.Id == "attribution-sla");
        Assert.Equal("attribution-sla.json", file.SourceFile);
        Assert.Equal(64, file.ContentHash.Length);
        var definition = file.Definition;
        Assert.Equal("feedback", definition.SubjectType);
        Assert.Equal("Workflows:AttributionSla", definition.ConfigurationSection);
        Assert.Equal(["warning", "breach", "leadership"], definition.Milestones.Select(m => m.Name));
        Assert.Equal("warningShare", definition.Milestones[0].At.Parameter);
        Assert.Equal(TimeSpan.FromDays(2), definition.Parameters["defaultTarget"].DefaultDuration);
        Assert.Equal(0.75, definition.Parameters["warningShare"].DefaultShare);
        Assert.Equal(1.5, definition.Parameters["leadershipShare"].DefaultShare);
        Assert.Equal(ValueReference.ToParameter("defaultTarget"), definition.Clock.Target);
        Assert.True(definition.Clock.SubjectPolicyMayShorten);
        Assert.True(definition.Clock.UseSubjectCalendar);
        Assert.Equal(SignalAction.Start, definition.Signals["feedback.received"]);
        Assert.Equal(SignalAction.Pause, definition.Signals["feedback.awaiting-customer"]);
        Assert.Equal(SignalAction.Complete, definition.Signals["attribution.completed"]);
        var email = definition.Milestones[1].Activities[1];
        Assert.Equal("send-email", email.Activity);
        Assert.Equal("cs-lead", email.Settings["to"]);
        Assert.Equal("sla-breach", email.Settings["template"]);
    }

    [Fact]
    public void The_schema_file_is_not_read_as_a_definition()
    {
        var files = _loader.LoadDirectory(WorkflowsFolder(), Activities, SubjectTypes);
        Assert.DoesNotContain(files, f => f.SourceFile.EndsWith(".schema.json", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(WorkflowsFolder(), WorkflowDefinitionLoader.SchemaFileName)));
    }

    [Fact]
    public void A_valid_definition_parses()
    {
        var definition = _loader.Parse("test.json", Valid, Activities, SubjectTypes);
        Assert.Equal("test-sla", definition.Id);
        Assert.Equal(1.0, definition.Milestones[1].At.Share);
    }

    [Fact]
    public void A_missing_milestones_field_names_the_file_line_and_field()
    {
        var json = Valid[..Valid.IndexOf(",\n  \"milestones\"", StringComparison.Ordinal)] + "\n}";
        AssertError(Invalid(json), "bad.json, line 1, milestones:", "is required");
    }

    [Fact]
    public void A_field_of_the_wrong_type_names_its_line_and_path()
    {
        var error = Invalid(Valid.Replace("\"clock\": { \"target\": \"$target\" }", "\"clock\": { \"target\": \"$target\", \"useSubjectCalendar\": \"yes\" }"));
        AssertError(error, "bad.json, line 9, clock.useSubjectCalendar:", "must be true or false");
    }

    [Fact]
    public void An_unknown_field_is_refused()
    {
        AssertError(Invalid(Valid.Replace("\"name\": \"Test SLA\",", "\"name\": \"Test SLA\", \"nmae\": \"x\",")), "bad.json, line 3, nmae:", "not a known field");
    }

    [Fact]
    public void An_id_that_is_not_kebab_case_is_refused()
    {
        AssertError(Invalid(Valid.Replace("\"test-sla\"", "\"Test SLA\"")), "bad.json, line 2, id:", "kebab-case");
    }

    [Fact]
    public void An_unknown_activity_names_the_known_ones()
    {
        var error = Invalid(Valid.Replace("\"activity\": \"record-escalation\"", "\"activity\": \"page-someone\""));
        AssertError(error, "bad.json, line 20, milestones[1].activities[0].activity:", "unknown activity 'page-someone'; known: record-escalation, send-email");
    }

    [Fact]
    public void A_setting_the_activity_refuses_is_named()
    {
        var error = Invalid(Valid.Replace(", \"template\": \"sla-warning\"", ""));
        AssertError(error, "bad.json, line 15, milestones[0].activities[0].template:", "is required by send-email");
    }

    [Fact]
    public void An_unknown_subject_type_is_refused()
    {
        AssertError(Invalid(Valid.Replace("\"subject\": \"feedback\"", "\"subject\": \"release\"")), "bad.json, line 4, subject:", "unknown subject type 'release'; known: feedback");
    }

    [Theory]
    [InlineData("-1.00:00:00", "is negative")]
    [InlineData("two days", "is not a duration")]
    public void A_negative_or_unparsable_duration_names_the_parameter(string value, string expected)
    {
        AssertError(Invalid(Valid.Replace("\"1.00:00:00\"", $"\"{value}\"")), "bad.json, line 6, parameters.target.default:", expected);
    }

    [Fact]
    public void A_negative_literal_target_is_refused()
    {
        AssertError(Invalid(Valid.Replace("\"target\": \"$target\"", "\"target\": \"-02:00:00\"")), "bad.json, line 9, clock.target:", "is negative");
    }

    [Theory]
    [InlineData("0", "positive share")]
    [InlineData("-0.5", "positive share")]
    public void A_share_that_is_not_positive_is_refused(string value, string expected)
    {
        AssertError(Invalid(Valid.Replace("\"at\": 1.0", $"\"at\": {value}")), "bad.json, line 19, milestones[1].at:", expected);
    }

    [Fact]
    public void A_reference_to_an_undeclared_parameter_names_the_declared_ones()
    {
        var error = Invalid(Valid.Replace("\"at\": \"$warningShare\"", "\"at\": \"$warnShare\""));
        AssertError(error, "bad.json, line 14, milestones[0].at:", "$warnShare is not a declared parameter; declared: target, warningShare");
    }

    [Fact]
    public void A_share_parameter_where_a_duration_is_needed_is_refused()
    {
        AssertError(Invalid(Valid.Replace("\"target\": \"$target\"", "\"target\": \"$warningShare\"")), "bad.json, line 9, clock.target:", "is a share parameter; a duration is needed here");
    }

    [Fact]
    public void Milestones_whose_shares_do_not_increase_are_refused()
    {
        var error = Invalid(Valid.Replace("\"at\": 1.0", "\"at\": 0.5"));
        AssertError(error, "bad.json, line 19, milestones[1].at:", "is not after the previous milestone 'warning' at 0.5");
    }

    [Fact]
    public void Duplicate_milestone_names_are_refused()
    {
        AssertError(Invalid(Valid.Replace("\"name\": \"breach\"", "\"name\": \"warning\"")), "bad.json, line 18, milestones[1].name:", "earlier milestone");
    }

    [Fact]
    public void An_unknown_signal_action_names_the_allowed_ones()
    {
        var error = Invalid(Valid.Replace("\"attribution.completed\": \"complete\"", "\"attribution.completed\": \"finish\""));
        AssertError(error, "bad.json, line 10, signals['attribution.completed']:", "must be one of start, pause, resume, complete");
    }

    [Fact]
    public void Malformed_JSON_names_the_line()
    {
        var error = Invalid(Valid.Replace("\"subject\": \"feedback\",", "\"subject\": \"feedback\""));
        Assert.StartsWith("bad.json, line 5,", Assert.Single(error.Errors), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_at_once()
    {
        var json = Valid.Replace("\"1.00:00:00\"", "\"-1.00:00:00\"").Replace("\"activity\": \"record-escalation\"", "\"activity\": \"page-someone\"");
        Assert.Equal(2, Invalid(json).Errors.Count);
    }

    [Fact]
    public void Two_files_with_the_same_id_are_refused_naming_both()
    {
        var folder = Directory.CreateTempSubdirectory("voc-workflows-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "a.json"), Valid);
            File.WriteAllText(Path.Combine(folder.FullName, "b.json"), Valid);
            File.WriteAllText(Path.Combine(folder.FullName, "workflow.schema.json"), "not even json");
            var error = Assert.Throws<WorkflowDefinitionException>(() => _loader.LoadDirectory(folder.FullName, Activities, SubjectTypes));
            var line = Assert.Single(error.Errors);
            Assert.StartsWith($"{folder.Name}/b.json, line 2, id:", line, StringComparison.Ordinal);
            Assert.Contains($"also the id of {folder.Name}/a.json", line, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Without_registered_activities_or_subject_types_those_checks_are_skipped()
    {
        var json = Valid.Replace("\"activity\": \"record-escalation\"", "\"activity\": \"page-someone\"").Replace("\"subject\": \"feedback\"", "\"subject\": \"release\"");
        var definition = _loader.Parse("test.json", json);
        Assert.Equal("page-someone", definition.Milestones[1].Activities[0].Activity);
    }
}
