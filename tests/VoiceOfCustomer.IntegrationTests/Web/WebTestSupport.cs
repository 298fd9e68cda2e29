using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Web;

/// <summary>Users, sign-in through the real form, and a known set of feedback for the web page tests.</summary>
public static partial class WebTestSupport
{
    public const string Password = "Correct-horse-1";

    public static async Task<string> CreateUserAsync(VocAppFactory app, string role, string? displayName = null)
    {
        await using var scope = app.Scope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(role))
            Assert.True((await roles.CreateAsync(new IdentityRole(role))).Succeeded);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var user = new AppUser { UserName = email, Email = email, DisplayName = displayName };
        var created = await users.CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        return email;
    }

    /// <summary>The data of chart <paramref name="id"/> (the JSON its page hands to Chart.js).</summary>
    public static System.Text.Json.JsonElement ChartData(string html, string id)
    {
        var marker = $"<script type=\"application/json\" data-chart-for=\"{id}\">";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"The page has no chart \"{id}\".");
        start += marker.Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        return System.Text.Json.JsonDocument.Parse(html[start..end]).RootElement.Clone();
    }

    public static HttpClient Client(VocAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static string AntiforgeryToken(string html)
    {
        var match = TokenInput().Match(html);
        Assert.True(match.Success, "The page has no anti-forgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>The header a signed-in caller sends the antiforgery token in, on every API call that changes data.</summary>
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>The token a signed-in page carries (every page has one in its forms), as a script on it would send it.</summary>
    public static async Task<string> PageAntiforgeryTokenAsync(HttpClient client) =>
        AntiforgeryToken(await client.GetStringAsync("/account/settings"));

    /// <summary>Posts the sign-in form as a browser would: GET the page (cookie + token), then POST it.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var page = await client.GetStringAsync("/account/login");
        var fields = new Dictionary<string, string>
        {
            ["Email"] = email,
            ["Password"] = password,
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        };
        if (returnUrl is not null)
            fields["ReturnUrl"] = returnUrl;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    public static async Task<HttpClient> SignedInClientAsync(VocAppFactory app, string role, string? displayName = null)
    {
        var email = await CreateUserAsync(app, role, displayName);
        var client = Client(app);
        var response = await PostLoginAsync(client, email, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Signed in, and sending the page's antiforgery token in its header on every call, as a script on the app's pages does.</summary>
    public static async Task<HttpClient> SignedInApiClientAsync(VocAppFactory app, string role)
    {
        var client = await SignedInClientAsync(app, role);
        client.DefaultRequestHeaders.Add(AntiforgeryHeader, await PageAntiforgeryTokenAsync(client));
        return client;
    }

    /// <summary>The feedback ids of the rows on a list page, in page order.</summary>
    public static List<long> RowIds(string html) =>
        RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public static string? NextLink(string html)
    {
        var match = NextAnchor().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    public static async Task<Customer> AddCustomerAsync(VocAppFactory app, string reference, string name) =>
        await app.WithDbAsync(async db =>
        {
            var customer = new Customer
            {
                Reference = reference,
                ReferenceNormalized = Customer.Normalize(reference),
                Name = name,
                LifecycleStage = LifecycleStage.Active,
                LifetimeValue = 125000m,
                CreatedAt = DateTime.UtcNow,
            };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            return customer;
        });

    public static async Task<long> AddFeedbackAsync(VocAppFactory app, FeedbackItemSpec spec) =>
        (await AddFeedbackAsync(app, [spec]))[0];

    public static async Task<List<long>> AddFeedbackAsync(VocAppFactory app, IReadOnlyList<FeedbackItemSpec> specs) =>
        await app.WithDbAsync(async db =>
        {
            var channels = await db.Channels.ToDictionaryAsync(c => c.Key);
            var items = specs.Select(s => new FeedbackItem
            {
                ChannelId = channels[s.Channel].Id,
                ExternalId = s.ExternalId,
                CustomerId = s.CustomerId,
                ContactId = s.ContactId,
                Verbatim = s.Verbatim,
                ReceivedAt = s.ReceivedAt,
                IngestedAt = s.ReceivedAt.AddMinutes(1),
                Language = s.Language,
                Status = s.Status,
                MetadataJson = s.MetadataJson,
                AttributionDueAt = s.ReceivedAt.AddDays(3),
            }).ToList();
            db.FeedbackItems.AddRange(items);
            await db.SaveChangesAsync();
            return items.Select(i => i.Id).ToList();
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<tr data-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    /// <summary>The detail page's verbatim as a browser's DOM holds it (entities decoded).</summary>
    public static string VerbatimText(string html)
    {
        var match = VerbatimElement().Match(html);
        Assert.True(match.Success, "The page has no verbatim element.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("<blockquote class=\"verbatim\"[^>]*>(.*?)</blockquote>", RegexOptions.Singleline)]
    private static partial Regex VerbatimElement();

    [GeneratedRegex("<a [^>]*id=\"next-page\" href=\"([^\"]+)\"")]
    private static partial Regex NextAnchor();
}

public sealed record FeedbackItemSpec(
    string Channel, string ExternalId, int CustomerId, string Verbatim, DateTime ReceivedAt,
    string Language = "en", FeedbackStatus Status = FeedbackStatus.New, string? MetadataJson = null, int? ContactId = null);
