using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// The sign-in form tells nothing about which accounts exist or are locked, neither in its words nor in how long it
/// takes to answer, and one client address cannot try passwords without end (the sign-in rate limit).
/// </summary>
public sealed partial class SignInProtectionTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private const string OneMessage = "The email or password is incorrect. After too many failed attempts an account is locked for a while: try again later or ask an administrator.";

    [Fact]
    public async Task Unknown_email_wrong_password_locked_account_and_invited_user_get_one_message()
    {
        var wrong = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Csm);
        var locked = await WebTestSupport.CreateUserAsync(fixture.App, Roles.Csm);
        var invited = await InviteAsync(fixture.App);
        using var client = WebTestSupport.Client(fixture.App);
        var token = await TokenAsync(client);

        for (var failure = 1; failure <= 5; failure++)
            Assert.Equal(OneMessage, await MessageAsync(client, token, locked, "Wrong-password-1"));
        var messages = new Dictionary<string, string?>
        {
            ["unknown e-mail"] = await MessageAsync(client, token, "nobody@example.test", "Wrong-password-1"),
            ["wrong password"] = await MessageAsync(client, token, wrong, "Wrong-password-1"),
            ["locked, wrong password"] = await MessageAsync(client, token, locked, "Wrong-password-1"),
            // Locked: even the right password gets the same answer (else guessing could go on through the lockout).
            ["locked, right password"] = await MessageAsync(client, token, locked, WebTestSupport.Password),
            ["invited, no password yet"] = await MessageAsync(client, token, invited, "Wrong-password-1"),
        };
        Assert.All(messages, m => Assert.True(m.Value == OneMessage, $"{m.Key}: \"{m.Value}\""));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/feedback")).StatusCode);
    }

    [Fact]
    public async Task The_41st_attempt_from_one_client_within_the_window_is_refused_with_retry_after_in_both_languages()
    {
        using var app = new VocAppFactory(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["SignInRateLimit:PermitLimit"] = "40",
            ["SignInRateLimit:Window"] = "00:10:00",
        })
        {
            TestServices = services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>(),
        };
        using var first = WebTestSupport.Client(app);
        first.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, "198.51.100.7");
        var token = await TokenAsync(first);

        // The probe's pattern: 40 attempts against different e-mails, all answered.
        for (var attempt = 1; attempt <= 40; attempt++)
        {
            using var answered = await PostAsync(first, token, $"probe-{attempt}@example.test", "Whatever-1");
            Assert.True(answered.StatusCode == HttpStatusCode.OK, $"Attempt {attempt} got {(int)answered.StatusCode}.");
        }

        using var refused = await PostAsync(first, token, "probe-41@example.test", "Whatever-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.TryParse(SecurityHeaderRules.Header(refused, "Retry-After"), out var seconds) && seconds is > 0 and <= 600,
            $"Retry-After is \"{SecurityHeaderRules.Header(refused, "Retry-After")}\".");
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Too many attempts", html);
        Assert.Contains($"You can try again in {(seconds + 59) / 60} minutes.", html);
        Assert.Empty(await SecurityHeaderRules.ProblemsAsync(refused));

        using var chinese = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = LoginForm(token, "probe-42@example.test", "Whatever-1") };
        chinese.Headers.Add("Accept-Language", "zh-CN");
        using var refusedInChinese = await first.SendAsync(chinese);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedInChinese.StatusCode);
        Assert.Contains("尝试次数过多", await refusedInChinese.Content.ReadAsStringAsync());

        // The set-password form checks a secret too, so it shares the budget; the sign-in page itself stays open.
        using var setPassword = await first.PostAsync("/account/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["User"] = "00000000-0000-0000-0000-000000000001", ["Token"] = "guess", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.TooManyRequests, setPassword.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/account/login")).StatusCode);

        // Another client address is not affected.
        using var second = WebTestSupport.Client(app);
        second.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, "198.51.100.8");
        using var other = await PostAsync(second, await TokenAsync(second), "someone@example.test", "Whatever-1");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    internal static async Task<string> TokenAsync(HttpClient client) =>
        WebTestSupport.AntiforgeryToken(await client.GetStringAsync("/account/login"));

    private static FormUrlEncodedContent LoginForm(string token, string email, string password) => new(new Dictionary<string, string>
    {
        ["Email"] = email,
        ["Password"] = password,
        ["__RequestVerificationToken"] = token,
    });

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string token, string email, string password) =>
        client.PostAsync("/account/login", LoginForm(token, email, password));

    private static async Task<string?> MessageAsync(HttpClient client, string token, string email, string password)
    {
        using var response = await PostAsync(client, token, email, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = LoginError().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;
    }

    /// <summary>A user an Admin invited who has not set a password yet.</summary>
    private static async Task<string> InviteAsync(VocAppFactory app)
    {
        await using var scope = app.Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var email = $"invited-{Guid.NewGuid():N}@example.test";
        Assert.True((await users.CreateAsync(new AppUser { UserName = email, Email = email })).Succeeded);
        return email;
    }

    [GeneratedRegex("<div class=\"alert alert-error\" role=\"alert\" id=\"login-error\">\\s*<p>(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex LoginError();

    /// <summary>The in-memory test server has no client address; this one is taken from a header, so a test can be two clients.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Client-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header], out var address))
                    context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Timing, alone: the collection runs after the parallel tests, so only the machine's own load, not the suite's,
/// slows the tries, and that alike for the three kinds (they are interleaved).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SignInTimingCollection
{
    public const string Name = "sign-in timing";
}

[Collection(SignInTimingCollection.Name)]
public sealed class SignInTimingTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly VocAppFactory _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>
    /// The answer's time does not tell an unknown e-mail from a wrong password or a locked account: the medians of
    /// 20 tries each (interleaved, after a warm-up, so a busy machine slows all three alike) are within 20 % of each other.
    /// </summary>
    [Fact]
    public async Task Unknown_email_wrong_password_and_locked_account_take_the_same_time()
    {
        const int tries = 20;
        // One wrong try per account and run (at most three), so none of them locks; the locked one stays locked.
        var wrong = new List<string>();
        for (var i = 0; i < tries + 2; i++)
            wrong.Add(await WebTestSupport.CreateUserAsync(_app, Roles.ProductManager));
        var locked = await WebTestSupport.CreateUserAsync(_app, Roles.ProductManager);
        await using (var scope = _app.Scope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = await users.FindByEmailAsync(locked);
            Assert.True((await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
        }
        using var client = WebTestSupport.Client(_app);
        var token = await SignInProtectionTests.TokenAsync(client);

        // A busy machine (two cores shared by a whole team) can spoil one run of 20; a real leak (a hash for one kind and
        // none for another, a factor of ten or more) shows in every run. So up to three runs, each account still unlocked.
        var runs = new List<string>();
        for (var run = 0; run < 3; run++)
        {
            var medians = await MediansAsync(client, token, tries, wrong, locked, run);
            var summary = string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:0.0} ms"));
            output.WriteLine("Median sign-in answer times: " + summary);
            if (medians.Values.Min() >= 0.8 * medians.Values.Max())
                return;
            runs.Add(summary);
        }
        Assert.Fail("Median sign-in answer times differ by more than 20 % in every run:\n" + string.Join("\n", runs));
    }

    /// <summary>The median time of <paramref name="tries"/> answers of each kind, interleaved, after two rounds of warm-up.</summary>
    private static async Task<Dictionary<string, double>> MediansAsync(HttpClient client, string token, int tries, List<string> wrong, string locked, int run)
    {
        var times = new Dictionary<string, List<double>> { ["unknown"] = [], ["wrong"] = [], ["locked"] = [] };
        for (var i = -2; i < tries; i++)
        {
            var emails = new Dictionary<string, string> { ["unknown"] = $"nobody-{run}-{i + 2}@example.test", ["wrong"] = wrong[i + 2], ["locked"] = locked };
            // Each kind takes each place in the round in turn, so none is always the one after the same other.
            foreach (var kind in times.Keys.Skip((i + 3) % 3).Concat(times.Keys.Take((i + 3) % 3)).ToList())
            {
                var ms = await TimeAsync(client, token, emails[kind]);
                if (i >= 0)
                    times[kind].Add(ms);
            }
        }
        return times.ToDictionary(t => t.Key, t => Median(t.Value));
    }

    private static async Task<double> TimeAsync(HttpClient client, string token, string email)
    {
        var watch = Stopwatch.StartNew();
        using var response = await SignInProtectionTests.PostAsync(client, token, email, "Wrong-password-1");
        await response.Content.ReadAsStringAsync();
        watch.Stop();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
