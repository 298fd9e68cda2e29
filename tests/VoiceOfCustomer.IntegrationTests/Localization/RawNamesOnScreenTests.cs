using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>
/// The main pages, rendered in Chinese and in English, show labels and names: never an enum value's name (one that is
/// not also a plain English word, such as "New" or "Metric") nor a channel's key, and in Chinese no English label either.
/// </summary>
public sealed partial class RawNamesOnScreenTests(ScreensFixture fixture) : IClassFixture<ScreensFixture>
{
    private IEnumerable<string> Pages()
    {
        var from = DateOnly.FromDateTime(fixture.Now.AddDays(-14)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = DateOnly.FromDateTime(fixture.Now).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return
        [
            "/feedback", $"/feedback/{fixture.CodedId}", "/customers", "/customers/ZH-SCREENS", $"/feedback/{fixture.AwaitingId}", $"/feedback/{fixture.BreachedId}", $"/feedback/{fixture.DuplicateId}",
            "/coding", $"/coding/{fixture.CodedId}", $"/coding/{fixture.DraftId}", $"/coding/{fixture.AwaitingId}", $"/coding/{fixture.DuplicateId}",
            $"/sla?from={from}&to={to}", "/sla/breached", $"/sla/escalations?from={from}&to={to}", "/sla/calendars", "/sla/calendars/cn-business",
            "/taxonomy/metrics", "/taxonomy/gaps", "/taxonomy/domains", "/taxonomy/tags",
            $"/taxonomy/metrics/{fixture.MetricId}", $"/taxonomy/tags/{fixture.TagId}",
            "/admin/outbox", "/admin/workflows", "/admin/workflows/definitions/attribution-sla", "/admin/workflows/instances", "/admin/suggestions", "/admin/users", "/admin/segments", "/import", $"/import/{fixture.ImportId}", "/account/settings", "/tasks",
        ];
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task Pages_show_labels_and_names_not_enum_names_or_channel_keys(string language)
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        client.DefaultRequestHeaders.Add("Accept-Language", language);
        var forbidden = await ForbiddenAsync(chinese: language == "zh-CN");

        var found = new List<string>();
        foreach (var page in Pages())
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} answered {(int)response.StatusCode}.");
            var text = VisibleText(await response.Content.ReadAsStringAsync(), language);
            found.AddRange(forbidden.Where(f => f.Pattern.IsMatch(text)).Select(f => $"{page}: {f.What} \"{f.Word}\" in …{Around(text, f.Pattern)}…"));
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public async Task The_coded_item_and_its_history_read_in_Chinese()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        var item = await client.GetStringAsync($"/feedback/{fixture.CodedId}");
        Assert.Contains($"<p id=\"coded-gap\">{fixture.GapZh}</p>", item);
        Assert.Contains($"<p id=\"coded-domain\">{fixture.DomainZh}</p>", item);
        Assert.Contains(fixture.MetricZh + " ↓ 下降", item);
        Assert.Contains($"<li>{fixture.TagZh}</li>", item);
        Assert.Contains("<dd id=\"channel-name\">社区帖子</dd>", item);
        Assert.Contains("<dd id=\"touchpoint\">社区帖子</dd>", item);
        Assert.Contains("<dd>大型企业客户</dd>", item);
        Assert.Contains("<dd>流失风险</dd>", item);

        var form = await client.GetStringAsync($"/coding/{fixture.DraftId}");
        Assert.Contains($">{fixture.MetricZh}</option>", form);
        Assert.Contains($">{fixture.GapZh}</option>", form);
        Assert.Contains($">{fixture.DomainZh}</option>", form);
        Assert.Contains($">{fixture.TagZh}</label>", form);

        var coded = await client.GetStringAsync($"/coding/{fixture.CodedId}");
        Assert.Contains($"<dd>{fixture.GapZh}</dd>", coded);
        Assert.Contains($"<dd>{fixture.DomainZh}</dd>", coded);
        Assert.Contains("<dd>痛点</dd>", coded);
        Assert.Contains($"<span class=\"change-field\">能力缺口:</span> — → {fixture.GapZh}", coded);
        Assert.Contains("<span class=\"change-field\">价值维度:</span> — → 痛点", coded);
        Assert.Contains("<span class=\"change-field\">负责人:</span> — → 王芳", coded);
        Assert.Contains("<span class=\"change-field\">编码状态:</span> 草稿 → 已提交", coded);

        var awaiting = await client.GetStringAsync($"/coding/{fixture.AwaitingId}");
        Assert.Contains("<span class=\"change-field\">状态:</span> 新建 → 等待客户", awaiting);
    }

    [Fact]
    public async Task The_coded_item_and_its_history_read_in_English_with_the_English_names()
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Admin);
        client.DefaultRequestHeaders.Add("Accept-Language", "en");
        var gap = await fixture.App.WithDbAsync(db => db.CapabilityGaps.OrderBy(g => g.Id).Select(g => g.Name).FirstAsync());

        var item = await client.GetStringAsync($"/feedback/{fixture.CodedId}");
        Assert.Contains($"<p id=\"coded-gap\">{gap}</p>", item);
        Assert.Contains("<dd id=\"touchpoint\">Community post</dd>", item);
        Assert.Contains("<dd>Churn risk</dd>", item);

        var awaiting = await client.GetStringAsync($"/coding/{fixture.AwaitingId}");
        Assert.Contains("<span class=\"change-field\">Status:</span> New → Awaiting customer", awaiting);
        var sla = await client.GetStringAsync("/admin/outbox");
        Assert.Contains(">SLA warning <span", sla);
    }

    private sealed record Forbidden(string What, string Word, Regex Pattern);

    /// <summary>
    /// Names of every enum value of the app (Core, Workflows, Web) that differ from their English label, the channels'
    /// keys, and, for Chinese pages, the label table's English labels (a label left untranslated).
    /// </summary>
    private async Task<List<Forbidden>> ForbiddenAsync(bool chinese)
    {
        var assemblies = new[] { typeof(VoiceOfCustomer.Intake.FeedbackItem).Assembly, typeof(VoiceOfCustomer.Workflows.Persistence.OutboxEmail).Assembly, typeof(Labels).Assembly };
        var values = assemblies.SelectMany(a => a.GetTypes()).Where(t => t.IsEnum && t.Namespace?.StartsWith("VoiceOfCustomer", StringComparison.Ordinal) == true)
            .SelectMany(t => Enum.GetValues(t).Cast<Enum>()).ToList();
        Assert.True(values.Count > 80, $"Only {values.Count} enum values were found.");

        var forbidden = values.Where(v => !PlainWord().IsMatch(v.ToString()) && !v.ToString().Equals(Labels.Of(v), StringComparison.OrdinalIgnoreCase))
            .Select(v => v.ToString()).Distinct()
            .Select(name => new Forbidden("enum name", name, Word(name))).ToList();
        var keys = await fixture.App.WithDbAsync(db => db.Channels.Select(c => c.Key).ToListAsync());
        forbidden.AddRange(keys.Select(key => new Forbidden("channel key", key, Word(key))));
        if (chinese)
        {
            // Labels that stay the same in Chinese (LLM, SLA, CSM, PM) are not English left behind.
            var same = new HashSet<string>(["LLM", "CSM", "PM"], StringComparer.Ordinal);
            forbidden.AddRange(Labels.EnumTypes.SelectMany(t => Enum.GetValues(t).Cast<Enum>()).Select(Labels.Of).Distinct()
                .Where(label => !same.Contains(label)).Select(label => new Forbidden("English label", label, Word(label))));
        }
        Assert.Contains(forbidden, f => f.Word == "InProgress");
        Assert.Contains(forbidden, f => f.Word == "cs-interview");
        return forbidden;
    }

    /// <summary>
    /// The page as a reader sees it: text and the title, aria-label, placeholder and alt attributes; scripts, styles,
    /// <c>&lt;code&gt;</c> (identifiers shown on purpose, such as taxonomy keys) and the metadata JSON left out, and on a
    /// Chinese page what is marked <c>lang="en"</c> (an entry's English name beside its Chinese one, the "English" switch).
    /// </summary>
    private static string VisibleText(string html, string language)
    {
        if (language != "en")
            html = MarkedEnglish().Replace(html, " ");
        var attributes = string.Join(" ", ReadableAttribute().Matches(html).Select(m => m.Groups[2].Value));
        var body = Hidden().Replace(html, " ");
        body = Tag().Replace(body, " ");
        return WebUtility.HtmlDecode(body + " " + attributes);
    }

    // Latin letters, digits, '_' and '-' bound a word; Chinese characters do not (\w would count them as letters).
    private static Regex Word(string word) => new($@"(?<![A-Za-z0-9_-]){Regex.Escape(word)}(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant);

    private static string Around(string text, Regex pattern)
    {
        var match = pattern.Match(text);
        var start = Math.Max(0, match.Index - 40);
        return text.Substring(start, Math.Min(text.Length - start, match.Length + 80)).ReplaceLineEndings(" ");
    }

    [GeneratedRegex("""\s(title|aria-label|placeholder|alt)="([^"]*)"\s?""")]
    private static partial Regex ReadableAttribute();

    [GeneratedRegex("""<(script|style|code|pre)\b[^>]*>.*?</\1>""", RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("""<(\w+)\b[^>]*\slang="en"[^>]*>.*?</\1>""", RegexOptions.Singleline)]
    private static partial Regex MarkedEnglish();

    /// <summary>One capitalised word ("Metric", "Leadership"): plain English, not a code name like "InProgress".</summary>
    [GeneratedRegex("^[A-Z][a-z]+$")]
    private static partial Regex PlainWord();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}
