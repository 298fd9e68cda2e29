using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// A script on a signed-in page calls the API as docs/api.md says: with the session cookie and the page's antiforgery
/// token in the RequestVerificationToken header. Without the header the same call from the same page is refused.
/// </summary>
public sealed class ApiFromPageTests
{
    private const string Email = "csm-script@example.test";

    /// <summary>Posts JSON from the page; sends the token of the page's first form when <c>withToken</c>. Answers the status and the body.</summary>
    private const string PostFromPage = """
        async ([path, json, withToken]) => {
            const headers = { "Content-Type": "application/json" };
            if (withToken)
                headers["RequestVerificationToken"] = document.querySelector("input[name=__RequestVerificationToken]").value;
            const response = await fetch(path, { method: "POST", headers, body: json });
            return { status: response.status, body: await response.text() };
        }
        """;

    [Fact]
    public async Task A_page_script_writes_through_the_api_with_the_page_token_and_is_refused_without_it()
    {
        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        await BrowserSession.CreateUserAsync(app, Email, Roles.Csm, "Script CSM");
        var itemId = await ArrangeItemAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var page = await BrowserSession.SignInAsync(await browser.NewContextAsync(new() { BaseURL = baseUrl }), Email);
        await page.GotoAsync($"/feedback/{itemId}");

        var waiting = await PostAsync(page, $"/api/feedback/{itemId}/awaiting-customer", new { note = "Asked which stores." }, withToken: true);
        Assert.True(waiting.Status == 200, waiting.Body);
        Assert.Equal(FeedbackStatus.AwaitingCustomer, await StatusAsync(app, itemId));

        var forged = await PostAsync(page, $"/api/feedback/{itemId}/reopen", new { reason = "No token." }, withToken: false);
        Assert.Equal(400, forged.Status);
        using (var problem = JsonDocument.Parse(forged.Body))
            Assert.Equal("RequestVerificationToken", problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(FeedbackStatus.AwaitingCustomer, await StatusAsync(app, itemId));

        var reopened = await PostAsync(page, $"/api/feedback/{itemId}/reopen", new { reason = "The customer answered." }, withToken: true);
        Assert.True(reopened.Status == 200, reopened.Body);
        Assert.NotEqual(FeedbackStatus.AwaitingCustomer, await StatusAsync(app, itemId));
    }

    private static async Task<(int Status, string Body)> PostAsync(IPage page, string path, object body, bool withToken)
    {
        var answer = await page.EvaluateAsync<JsonElement>(PostFromPage, new object[] { path, JsonSerializer.Serialize(body), withToken });
        return (answer.GetProperty("status").GetInt32(), answer.GetProperty("body").GetString()!);
    }

    private static Task<FeedbackStatus> StatusAsync(KestrelAppFactory app, long id) =>
        app.WithDbAsync(db => db.FeedbackItems.Where(f => f.Id == id).Select(f => f.Status).SingleAsync());

    private static Task<long> ArrangeItemAsync(KestrelAppFactory app) =>
        app.WithDbAsync(async db =>
        {
            // Start-up loaded the channels from seed/.
            var channel = await db.Channels.SingleAsync(c => c.Key == "support");
            var customer = new Customer { Reference = "CRM-1", ReferenceNormalized = "CRM-1", Name = "Acme", CreatedAt = DateTime.UtcNow };
            db.Add(customer);
            await db.SaveChangesAsync();
            var item = new FeedbackItem
            {
                ChannelId = channel.Id, ExternalId = "T-1", CustomerId = customer.Id, Verbatim = "Exports time out.",
                ReceivedAt = DateTime.UtcNow.AddHours(-1), IngestedAt = DateTime.UtcNow, Language = "en",
            };
            db.FeedbackItems.Add(item);
            await db.SaveChangesAsync();
            return item.Id;
        });
}
