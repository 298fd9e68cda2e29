using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Localization;

public sealed class LocalizedFeedbackTests(LocalizationFixture fixture) : IClassFixture<LocalizationFixture>
{
    private async Task<HttpClient> SignInAsync(string? preferredLanguage)
    {
        var email = await fixture.CreateUserAsync(preferredLanguage, Roles.ProductManager);
        var client = WebTestSupport.Client(fixture.App);
        await WebTestSupport.PostLoginAsync(client, email, WebTestSupport.Password);
        return client;
    }

    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task Chinese_search_text_finds_the_Chinese_verbatim(string ui)
    {
        var client = await SignInAsync(ui);
        var ids = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?q=" + Uri.EscapeDataString("补货")));
        Assert.Equal([fixture.ChineseItemId], ids);
    }

    [Theory]
    [InlineData("Replenishment")]
    [InlineData("replenishment")]
    [InlineData("REPLENISHMENT ALERTS")]
    public async Task English_search_text_finds_the_English_verbatim_case_insensitively(string q)
    {
        var client = await SignInAsync("zh-CN");
        var ids = WebTestSupport.RowIds(await client.GetStringAsync("/feedback?q=" + Uri.EscapeDataString(q)));
        Assert.Equal([fixture.EnglishItemId], ids);
    }

    [Fact]
    public async Task Chinese_verbatim_round_trips_on_the_Chinese_detail_page()
    {
        var client = await SignInAsync("zh-CN");
        var html = await client.GetStringAsync($"/feedback/{fixture.ChineseItemId}");
        Assert.Contains("<html lang=\"zh-CN\">", html);
        Assert.Equal(LocalizationFixture.ChineseVerbatim, WebTestSupport.VerbatimText(html));
        Assert.Contains("lang=\"zh\"", html);
        Assert.Contains(">原话</h2>", html);
        Assert.Contains("华南物流", html);
    }

    [Fact]
    public async Task Feedback_list_is_in_Chinese()
    {
        var client = await SignInAsync("zh-CN");
        var html = await client.GetStringAsync("/feedback?status=nope");
        Assert.Contains("<h1>反馈</h1>", html);
        Assert.Contains("应用筛选", html);
        Assert.Contains("“nope”不是有效的状态；已忽略状态筛选。", html);
    }
}
