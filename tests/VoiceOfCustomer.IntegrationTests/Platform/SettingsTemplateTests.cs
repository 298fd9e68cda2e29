using Microsoft.Extensions.Configuration;

namespace VoiceOfCustomer.IntegrationTests.Platform;

/// <summary>appsettings.template.json documents every setting: nothing the app ships may be missing from it.</summary>
public sealed class SettingsTemplateTests
{
    private static string Root() => Infrastructure.Checkout.Root();

    private static HashSet<string> Keys(string file) =>
        new ConfigurationBuilder().AddJsonFile(file).Build().AsEnumerable().Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void Every_shipped_setting_is_documented_in_the_template()
    {
        var root = Root();
        var template = Keys(Path.Combine(root, "appsettings.template.json"));
        var shipped = Keys(Path.Combine(root, "src", "VoiceOfCustomer.Web", "appsettings.json"));
        Assert.NotEmpty(shipped);
        Assert.Empty(shipped.Except(template, StringComparer.OrdinalIgnoreCase).Order());
    }
}
