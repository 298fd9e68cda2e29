using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using VoiceOfCustomer.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

public sealed partial class StringTableTests
{
    [Fact]
    public void Every_Chinese_entry_keeps_the_placeholders_of_its_English_key()
    {
        var manager = new ResourceManager("VoiceOfCustomer.Web.Resources.SharedResource", typeof(SharedResource).Assembly);
        using var set = manager.GetResourceSet(new CultureInfo("zh-CN"), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        var count = 0;
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            var key = (string)entry.Key;
            var value = Assert.IsType<string>(entry.Value);
            Assert.False(string.IsNullOrWhiteSpace(value), $"\"{key}\" has an empty translation.");
            Assert.Equal(Placeholders(key), Placeholders(value));
            count++;
        }
        Assert.True(count > 150, $"Only {count} entries were found.");
    }

    private static List<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
