using System.Net;
using System.Text.RegularExpressions;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>The coding queue, the coding form and the taxonomy admin in Simplified Chinese.</summary>
public sealed class CodingTaxonomyChineseTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
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
        Assert.Contains("等待归因的条目，截止时间最近的在前。", queue);
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
}
