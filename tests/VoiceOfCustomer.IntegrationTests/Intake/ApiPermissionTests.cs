using System.Net;
using System.Net.Http.Json;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Intake;

/// <summary>A refused API call says what was missing: the role's permission for a signed-in user, the scope for a key.</summary>
public sealed class ApiPermissionTests : IntakeApiTestBase
{
    [Fact]
    public async Task Signed_in_pm_posting_feedback_is_told_which_permission_the_role_lacks()
    {
        using var pm = await WebTestSupport.SignedInClientAsync(App, Roles.ProductManager);

        var problem = await AssertProblemAsync(await pm.PostAsJsonAsync("/api/feedback", Valid()), HttpStatusCode.Forbidden);

        Assert.Equal("Your role (PM) may not submit feedback: intake requires the CSM or Admin role.", problem.GetProperty("detail").GetString());
        Assert.Equal("intake", problem.GetProperty("permission").GetString());
        Assert.Equal(["CSM", "Admin"], problem.GetProperty("requiredRoles").EnumerateArray().Select(r => r.GetString()));
        // No key was sent, so the answer must not speak of one.
        Assert.False(problem.TryGetProperty("field", out _));
        Assert.DoesNotContain("X-Api-Key", problem.ToString());
        Assert.DoesNotContain("API key", problem.ToString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Theory]
    [InlineData("/api/feedback/batch", """{"items":[]}""", "submit feedback: intake")]
    [InlineData("/api/feedback/{item}/attribution", """{"version":0}""", "code feedback: coding")]
    [InlineData("/api/feedback/{item}/merge", "{}", "code feedback: coding")]
    public async Task Every_refused_write_names_the_role_and_the_permission(string path, string body, string permission)
    {
        var item = (await ReadJsonAsync(await PostAsync(Valid()))).GetProperty("id").GetInt64();
        using var leadership = await WebTestSupport.SignedInClientAsync(App, Roles.Leadership);

        var response = await leadership.PostAsync(path.Replace("{item}", item.ToString(System.Globalization.CultureInfo.InvariantCulture)), Json(body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal($"Your role (Leadership) may not {permission} requires the CSM or Admin role.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Key_without_the_scope_keeps_the_key_scope_message()
    {
        using var reader = App.CreateApiClient(await App.CreateApiKeyAsync("read"));

        var problem = await AssertProblemAsync(await reader.PostAsJsonAsync("/api/feedback", Valid()), HttpStatusCode.Forbidden);

        Assert.Equal("Scope missing", problem.GetProperty("title").GetString());
        Assert.StartsWith("The API key does not carry the 'intake' scope", problem.GetProperty("detail").GetString());
        Assert.Equal("X-Api-Key", problem.GetProperty("field").GetString());
        Assert.Equal("intake", problem.GetProperty("permission").GetString());
        Assert.Equal(0, await FeedbackCountAsync());
    }

    [Fact]
    public async Task Signed_in_csm_may_post_feedback_with_the_session_cookie_and_the_page_token()
    {
        using var csm = await WebTestSupport.SignedInApiClientAsync(App, Roles.Csm);
        Assert.Equal(HttpStatusCode.Created, (await csm.PostAsJsonAsync("/api/feedback", Valid())).StatusCode);
    }
}
