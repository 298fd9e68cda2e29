using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary><c>voc user create/list</c> against a temp SQLite database, then signing in to the web app as that user.</summary>
[Collection(ProcessStateCollection.Name)]
public sealed class UserCommandTests : IDisposable
{
    private readonly VocAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    private Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(_app, null, args);

    [Fact]
    public async Task Creates_a_user_in_a_role_who_can_sign_in_and_lists_it()
    {
        var (exit, output, error) = await RunAsync("user", "create", "--email", "ann@example.test", "--role", "csm", "--password", "Correct-horse-1", "--name", "Ann Lee");
        Assert.True(exit == 0, error);
        Assert.Contains("Created CSM user ann@example.test", output);

        await using (var scope = _app.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync("ann@example.test");
            Assert.NotNull(user);
            Assert.Equal("Ann Lee", user.DisplayName);
            Assert.Equal([Roles.Csm], await users.GetRolesAsync(user));
        }
        using var client = WebTestSupport.Client(_app);
        Assert.Equal(HttpStatusCode.Redirect, (await WebTestSupport.PostLoginAsync(client, "ann@example.test", "Correct-horse-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/import")).StatusCode);

        var listed = await RunAsync("user", "list");
        Assert.Equal(0, listed.Exit);
        Assert.Contains("ann@example.test\tCSM\tAnn Lee", listed.Out);
    }

    [Theory]
    [InlineData("Boss", "Correct-horse-1", "unknown role 'Boss'")]
    [InlineData("Admin", "short", "at least 8 characters")]
    [InlineData("Admin", "alllowercase1", "uppercase")]
    public async Task Bad_role_or_weak_password_exits_2_with_the_reasons_and_creates_nobody(string role, string password, string message)
    {
        var (exit, _, error) = await RunAsync("user", "create", "--email", "bob@example.test", "--role", role, "--password", password);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
        await using var scope = _app.Scope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync("bob@example.test"));
    }

    [Fact]
    public async Task Duplicate_email_exits_2()
    {
        Assert.Equal(0, (await RunAsync("user", "create", "--email", "dup@example.test", "--role", "PM", "--password", "Correct-horse-1")).Exit);
        var (exit, _, error) = await RunAsync("user", "create", "--email", "dup@example.test", "--role", "Leadership", "--password", "Correct-horse-1");
        Assert.Equal(2, exit);
        Assert.Contains("is already taken", error);
    }
}
