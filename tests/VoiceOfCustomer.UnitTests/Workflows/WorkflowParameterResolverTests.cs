using Microsoft.Extensions.Configuration;
using VoiceOfCustomer.Workflows.Definitions;
using static VoiceOfCustomer.UnitTests.Workflows.WorkflowTestDefinitions;

namespace VoiceOfCustomer.UnitTests.Workflows;

public sealed class WorkflowParameterResolverTests
{
    private static readonly WorkflowDefinition AttributionSla = new WorkflowDefinitionLoader()
        .LoadDirectory(WorkflowsFolder(), Activities, SubjectTypes).Single(f => f.Definition.Id == "attribution-sla").Definition;

    private static WorkflowParameterResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void Without_configuration_the_file_defaults_apply()
    {
        var resolved = Resolver().Resolve(AttributionSla);
        Assert.Equal(TimeSpan.FromDays(2), resolved.DurationOf(AttributionSla.Clock.Target));
        Assert.Equal([0.75, 1.0, 1.5], AttributionSla.Milestones.Select(m => resolved.ShareOf(m.At)));
    }

    [Fact]
    public void Configuration_overrides_a_parameter_whatever_the_case_of_its_key()
    {
        var resolved = Resolver(("Workflows:AttributionSla:DefaultTarget", "00:00:05"), ("workflows:attributionsla:warningshare", "0.5")).Resolve(AttributionSla);
        Assert.Equal(TimeSpan.FromSeconds(5), resolved.DurationOf(AttributionSla.Clock.Target));
        Assert.Equal(0.5, resolved.ShareOf(AttributionSla.Milestones[0].At));
        Assert.Equal(1.0, resolved.ShareOf(AttributionSla.Milestones[1].At));
        // What an instance stores reads back the same.
        var stored = ResolvedParameters.FromJson(resolved.ToJson(), AttributionSla);
        Assert.Equal(TimeSpan.FromSeconds(5), stored.DurationOf(AttributionSla.Clock.Target));
    }

    [Theory]
    [InlineData("Workflows:AttributionSla:DefaultTarget", "soon", "is not a duration")]
    [InlineData("Workflows:AttributionSla:DefaultTarget", "-00:00:05", "is negative")]
    [InlineData("Workflows:AttributionSla:DefaultTarget", "00:00:00", "longer than zero")]
    [InlineData("Workflows:AttributionSla:WarningShare", "three quarters", "is not a number")]
    [InlineData("Workflows:AttributionSla:WarningShare", "0", "must be a positive share")]
    [InlineData("Workflows:AttributionSla:WarningShare", "1.2", "must keep increasing")]
    public void An_invalid_configured_value_names_its_key(string key, string value, string expected)
    {
        var resolver = Resolver((key, value));
        var error = Assert.Throws<WorkflowDefinitionException>(() => resolver.Resolve(AttributionSla));
        var line = Assert.Single(error.Errors);
        Assert.StartsWith(key, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Throws<WorkflowDefinitionException>(() => resolver.ValidateAll([AttributionSla]));
    }
}
