using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// An Admin's change to a user reaches that user's open session at its next request on the instance that made the
/// change, with the default minute between session checks (<c>Users:SessionCheckInterval</c>, the bound elsewhere).
/// </summary>
public sealed class ChangedSessionTests : IDisposable
{
    private readonly VocAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Deactivating_a_user_ends_the_open_session_at_the_next_request()
    {
        var (admin, csm, page) = await ArrangeAsync();

        var deactivated = await WebTestSupport.SubmitFormAsync(admin, page, page + "/deactivate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, deactivated.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await csm.GetAsync("/api/feedback")).StatusCode);
        var open = await csm.GetAsync("/coding");
        Assert.Equal(HttpStatusCode.Redirect, open.StatusCode);
        Assert.Contains("/account/login", open.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_demotion_takes_effect_at_the_next_request()
    {
        var (admin, csm, page) = await ArrangeAsync();

        var demoted = await WebTestSupport.SubmitFormAsync(admin, page, page + "/role", new Dictionary<string, string> { ["role"] = Roles.ProductManager });
        Assert.Equal(HttpStatusCode.Redirect, demoted.StatusCode);

        var coding = await csm.GetAsync("/coding");
        Assert.Equal(HttpStatusCode.Redirect, coding.StatusCode);
        Assert.Contains("/account/denied", coding.Headers.Location!.ToString());
        // Still signed in, now as a PM.
        Assert.Equal(HttpStatusCode.OK, (await csm.GetAsync("/feedback")).StatusCode);
    }

    /// <summary>A signed-in Admin, a signed-in CSM who has just used a CSM page, and the CSM's page in the users admin.</summary>
    private async Task<(HttpClient Admin, HttpClient Csm, string Page)> ArrangeAsync()
    {
        var admin = await WebTestSupport.SignedInClientAsync(_app, Roles.Admin);
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.Csm);
        var csm = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(csm, email, WebTestSupport.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await csm.GetAsync("/coding")).StatusCode);
        await using var scope = _app.Scope();
        var id = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id;
        return (admin, csm, $"/admin/users/{id}");
    }
}
