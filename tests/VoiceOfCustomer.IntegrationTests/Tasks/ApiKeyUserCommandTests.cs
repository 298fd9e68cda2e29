using System.Net;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Tasks;

/// <summary><c>voc apikey create --user E</c>: the key acts for that user; an unknown address is refused and creates nothing.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class ApiKeyUserCommandTests : IDisposable
{
    private readonly VocAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>The token is the last line on standard output (start-up may log before it).</summary>
    private static string Token(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    [Fact]
    public async Task A_key_created_for_a_user_acts_for_that_user()
    {
        var email = await WebTestSupport.CreateUserAsync(_app, Roles.ProductManager);
        var (exit, output, error) = await CliRunner.RunAsync(_app, null, "apikey", "create", "--name", "pm-phone", "--scopes", "tasks", "--user", email.ToUpperInvariant());
        Assert.True(exit == 0, error);
        Assert.Contains($"acting for {email.ToUpperInvariant()}", error);
        var userId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        Assert.Equal(userId, await _app.WithDbAsync(db => db.ApiKeys.Select(k => k.UserId).SingleAsync()));

        using var api = _app.CreateApiClient(Token(output));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/workflow-tasks/mine")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_is_an_error_and_no_key_is_created()
    {
        var (exit, output, error) = await CliRunner.RunAsync(_app, null, "apikey", "create", "--name", "ghost", "--scopes", "tasks", "--user", "nobody@example.test");
        Assert.Equal(2, exit);
        Assert.DoesNotContain("voc_", output);
        Assert.Contains("error: No user has the e-mail address 'nobody@example.test'", error);
        Assert.Equal(0, await _app.WithDbAsync(db => db.ApiKeys.CountAsync()));
    }

    [Fact]
    public async Task A_key_for_no_one_still_works_where_no_user_is_needed()
    {
        var (exit, output, error) = await CliRunner.RunAsync(_app, null, "apikey", "create", "--name", "helpdesk", "--scopes", "read,tasks");
        Assert.True(exit == 0, error);
        Assert.Null(await _app.WithDbAsync(db => db.ApiKeys.Select(k => k.UserId).SingleAsync()));
        using var api = _app.CreateApiClient(Token(output));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/taxonomy")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/workflow-tasks/mine")).StatusCode);
    }
}
