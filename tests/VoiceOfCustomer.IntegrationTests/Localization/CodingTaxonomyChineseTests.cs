using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Features.Taxonomy;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>The coding queue, the coding form and the taxonomy admin in Simplified Chinese, and a guard that none of their strings lacks a translation.</summary>
public sealed partial class CodingTaxonomyChineseTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
{
    private async Task<HttpClient> ChineseClientAsync(string role)
    {
        var client = await WebTestSupport.SignedInClientAsync(fixture.App, role);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        return client;
    }

    [Fact]
    public async Task Csm_sees_the_coding_queue_and_form_in_Chinese()
    {
        var client = await ChineseClientAsync(Roles.Csm);

        var queue = await client.GetStringAsync("/coding");
        Assert.Contains("<html lang=\"zh-CN\">", queue);
        Assert.Contains("<h1>编码队列</h1>", queue);
        Assert.Contains("等待归因的条目，截止时间最近的在前。时间均为 UTC。", queue);
        Assert.Contains(">截止时间</th>", queue);
        Assert.Contains(">应用筛选</button>", queue);
        Assert.Contains(">认领</button>", queue);
        Assert.DoesNotContain("Coding queue", queue);

        var form = await client.GetStringAsync($"/coding/{fixture.ChineseItemId}");
        Assert.Contains($"<h1>编码条目 #{fixture.ChineseItemId}</h1>", form);
        Assert.Contains("<legend>1. 业务影响</legend>", form);
        Assert.Contains("<legend>2. 根因假设</legend>", form);
        Assert.Contains(">能力缺口</label>", form);
        Assert.Contains(">价值维度</span>", form);
        Assert.Contains(">痛点</label>", form);
        Assert.Contains(">愿景</label>", form);
        Assert.Contains(">采购方</label>", form);
        Assert.Contains(">上升</label>", form);
        Assert.Contains(">保存草稿</button>", form);
        Assert.Contains(">提交</button>", form);
        Assert.DoesNotContain("Business impact", form);
    }

    [Fact]
    public async Task Csm_gets_coding_validation_messages_in_Chinese()
    {
        var client = await ChineseClientAsync(Roles.Csm);
        var url = $"/coding/{fixture.EnglishItemId}";
        var page = await client.GetStringAsync(url);
        var response = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["Version"] = Regex.Match(page, "name=\"Version\" value=\"([^\"]*)\"").Groups[1].Value,
            ["Action"] = "submit",
        }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("未保存任何内容。请修正以下问题：", html);
        Assert.Contains("请选择需要回应的团队。", html);
    }

    [Fact]
    public async Task Messages_that_carry_an_item_number_are_translated_with_the_number_filled_in()
    {
        var client = await ChineseClientAsync(Roles.Csm);
        var url = $"/coding/{fixture.EnglishItemId}";
        var page = await client.GetStringAsync(url);
        var response = await client.PostAsync($"{url}/merge", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebTestSupport.AntiforgeryToken(page),
            ["duplicateOf"] = "987654",
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var html = await client.GetStringAsync(response.Headers.Location);
        Assert.Contains("不存在条目 #987654。", html);
        Assert.DoesNotContain("There is no item", html);
    }

    [Fact]
    public async Task Admin_sees_the_taxonomy_page_in_Chinese()
    {
        var client = await ChineseClientAsync(Roles.Admin);
        var html = await client.GetStringAsync("/taxonomy/metrics");
        Assert.Contains("<h1>分类体系: 业务指标</h1>", html);
        Assert.Contains(">中文名称</th>", html);
        Assert.Contains(">默认单位</th>", html);
        Assert.Contains(">添加条目</h2>", html);
        Assert.Contains(">越高越好</option>", html);
        Assert.Contains(">能力缺口</a>", html);
        Assert.DoesNotContain("Add an entry", html);
    }

    /// <summary>Where the views hand the localizer a value instead of a literal, these are all the values it can be.</summary>
    private static IEnumerable<string> DynamicKeys() =>
        Enum.GetNames<FeedbackStatus>()
            .Concat(Enum.GetNames<LifecycleStage>())
            .Concat(Enum.GetNames<ContactRole>())
            .Concat(CodingPageViewModel.ValueDimensions.Select(d => d.Label))
            .Concat(new decimal?[] { null, 1m, 100_000m, 500_000m }.Select(CodingPageViewModel.ValueTier))
            .Concat(new[] { "draft", "submit", "assign", "reopen", "awaiting-customer", "merge" }.Select(CodingPageViewModel.ActionLabel))
            .Concat(typeof(TaxonomyActions).GetFields().Select(f => TaxonomyKinds.ActionLabel((string)f.GetValue(null)!)))
            .Concat(TaxonomyKinds.All.Select(TaxonomyKinds.Title))
            .Concat(Enum.GetValues<VoiceOfCustomer.Workflows.Persistence.OutboxEmailState>().Select(VoiceOfCustomer.Web.Features.Outbox.OutboxPageViewModel.StateLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionField>().Select(SuggestionPanel.FieldLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionSource>().Select(SuggestionPanel.SourceLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.AbstainReason>().Select(SuggestionPanel.AbstainLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Sla.SlaEscalationLevel>().Select(VoiceOfCustomer.Web.Features.Sla.SlaDisplay.LevelLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionField>().Select(VoiceOfCustomer.Web.Features.Suggestions.SuggestionDisplay.FieldLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionSource>().Select(VoiceOfCustomer.Web.Features.Suggestions.SuggestionDisplay.SourceLabel))
            // The calendar form's labels and hints, and the calendar rules' messages, which reach the localizer as values.
            .Concat(["Name", "Time zone", "IANA id such as Asia/Shanghai or Europe/Berlin.",
                "Unknown time zone '{0}'; use an IANA id such as 'Asia/Shanghai' or 'Europe/Berlin'.", "A working interval must end after it starts ({0} {1}–{2}).",
                "Working intervals on {0} overlap.", "A calendar needs at least one working interval a week.", "The calendar needs a key.",
                "The calendar needs a name of at most 200 characters.", "Line {0} ('{1}') is not a working interval such as Mon 09:00-12:00.",
                "Line {0} ('{1}') is not a date such as 2026-10-01.", "From", "To"]);

    [Fact]
    public void Every_string_of_the_coding_taxonomy_SLA_and_suggestion_pages_has_a_Chinese_entry()
    {
        var manager = new ResourceManager("VoiceOfCustomer.Web.Resources.SharedResource", typeof(SharedResource).Assembly);
        using var set = manager.GetResourceSet(new CultureInfo("zh-CN"), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        // Lookups are case-sensitive (a key differing only in case cannot be added), so compare exactly.
        var table = set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key).ToHashSet(StringComparer.Ordinal);

        var features = Path.Combine(Root(), "src", "VoiceOfCustomer.Web", "Features");
        var files = new[] { "Coding", "Taxonomy", "Outbox", "Sla", "Suggestions" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(features, dir), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);

        // Literal keys: T["..."] in views, t["..."] in the controllers. Not checked here because they are variables:
        // T[flash], T[flashError], T[error], T[message] show messages the controllers, the form parser and the services
        // make (the fixed ones are in the table; a few carry ids and are English until the services localize them).
        var keys = files
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(keys.Count > 100, $"Only {keys.Count} keys were found; did the pattern break?");
        keys.UnionWith(DynamicKeys());

        var missing = keys.Where(k => !table.Contains(k)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "No zh-CN entry for: " + string.Join(" | ", missing));
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    [GeneratedRegex("""\b[Tt]\["((?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex LiteralKey();
}
