using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Web;

/// <summary>
/// One app over one SQLite file for the web page tests, with 120 ordinary items (pairs share a timestamp, so
/// keyset ties are exercised) plus a hostile-markup item and a Chinese item. Tests that change state use their own users.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const int OrdinaryItems = 120;
    public const int TotalItems = OrdinaryItems + 2;
    public const string ScriptVerbatim = "<script>alert(\"pwned\")</script>\n    indented line\n\n&amp; kept as typed";
    public const string ChineseVerbatim = "导出报表太慢了，\n  希望能支持按月份筛选。";

    public static readonly DateTime Newest = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    public VocAppFactory App { get; } = new();
    public int CustomerId { get; private set; }
    public int OtherCustomerId { get; private set; }
    public long ScriptItemId { get; private set; }
    public long ChineseItemId { get; private set; }

    public static string ChannelOf(int i) => TestData.Channels[i % TestData.Channels.Count].Key;
    public static FeedbackStatus StatusOf(int i) => i % 4 == 0 ? FeedbackStatus.InProgress : FeedbackStatus.New;
    public static bool MentionsExport(int i) => i % 10 == 0;

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        CustomerId = (await WebTestSupport.AddCustomerAsync(App, "CRM-1001", "Acme Logistics")).Id;
        OtherCustomerId = (await WebTestSupport.AddCustomerAsync(App, "CRM-2002", "华东制造有限公司")).Id;

        var specs = Enumerable.Range(0, OrdinaryItems).Select(i => new FeedbackItemSpec(
            ChannelOf(i), $"ext-{i}", i % 3 == 0 ? OtherCustomerId : CustomerId,
            MentionsExport(i) ? $"Item {i}: the EXPORT is slow" : $"Item {i}: dashboards are fine",
            Newest.AddMinutes(-(i / 2)), Status: StatusOf(i))).ToList();
        await WebTestSupport.AddFeedbackAsync(App, specs);

        ScriptItemId = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec(
            "support", "ext-script", CustomerId, ScriptVerbatim, Newest.AddDays(-10),
            MetadataJson: "{\"ticket\":\"<b>T-1</b>\",\"tags\":[\"a\",\"b\"]}"));
        ChineseItemId = await WebTestSupport.AddFeedbackAsync(App, new FeedbackItemSpec(
            "cs-interview", "ext-zh", OtherCustomerId, ChineseVerbatim, Newest.AddDays(-11), Language: "zh",
            MetadataJson: "{\"来源\":\"访谈\"}"));
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
