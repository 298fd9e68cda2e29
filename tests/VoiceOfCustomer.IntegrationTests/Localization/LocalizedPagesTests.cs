using System.Net;
using System.Text;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

public sealed class LocalizedPagesTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
{
    private async Task<HttpClient> SignInAsync(string? preferredLanguage, string role = Roles.Csm)
    {
        var email = await fixture.CreateUserAsync(preferredLanguage, role);
        var client = WebTestSupport.Client(fixture.App);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password)).StatusCode);
        return client;
    }

    [Fact]
    public async Task Error_pages_follow_the_browser_language()
    {
        var client = WebTestSupport.Client(fixture.App);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var response = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Contains("页面不存在", html);
        Assert.Contains("错误 404", html);
    }

    [Fact]
    public async Task Channel_shows_its_Chinese_name_only_in_the_Chinese_UI()
    {
        var chinese = await (await SignInAsync("zh-CN")).GetStringAsync($"/feedback/{fixture.EnglishItemId}");
        Assert.Contains("<dd id=\"channel-name\">客服工单</dd>", chinese);
        Assert.DoesNotContain("(support)", chinese);
        Assert.Contains("<td>客服工单</td>", await (await SignInAsync("zh-CN")).GetStringAsync("/feedback"));

        var english = await (await SignInAsync("en")).GetStringAsync($"/feedback/{fixture.EnglishItemId}");
        Assert.DoesNotContain("客服工单", english);
        Assert.Contains(">Verbatim</h2>", english);
    }

    [Fact]
    public async Task Import_page_and_its_messages_are_in_Chinese()
    {
        var client = await SignInAsync("zh-CN");
        var form = await client.GetStringAsync("/import");
        Assert.Contains("从 CSV 导入反馈", form);
        Assert.Contains("<code>column=field</code>", form);

        using var content = new MultipartFormDataContent
        {
            { new StringContent(WebTestSupport.AntiforgeryToken(form)), "__RequestVerificationToken" },
            { new StringContent(""), "Channel" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("customer,verbatim\nA,b\n")), "file", "upload.csv" },
        };
        var response = await client.PostAsync("/import", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("请选择渠道。", await response.Content.ReadAsStringAsync());
    }
}
