using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// The guard against a form that cannot be used (a missing antiforgery token answered every taxonomy form with 400):
/// every <c>&lt;form method="post"&gt;</c> of every view is found in the source, and the journey below submits each of
/// them at least once, in a real browser, as the role that sees it; none may be refused. A new form fails this test
/// until a browser test submits it.
/// </summary>
public sealed partial class EveryFormTests
{
    private const string AdminEmail = "forms-admin@example.test";
    private const string CsmEmail = "forms-csm@example.test";
    private const string PmEmail = "forms-pm@example.test";
    private const string InviteeEmail = "forms-invitee@example.test";

    /// <summary>The forms that other browser tests submit in their own journeys (file: why), so this one need not repeat them.</summary>
    private static readonly IReadOnlyDictionary<string, string> SubmittedElsewhere = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["/admin/workflows/instances/@instance.Id/retry"] = "WorkflowOperationsJourneyTests: needs a faulted flow instance",
        ["/admin/workflows/instances/@instance.Id/cancel"] = "WorkflowOperationsJourneyTests: needs a running flow instance",
        ["/tasks/@Model.Task.Id"] = "TaskJourneyTests: two PMs answer from My tasks, in English and in Chinese",
        ["/task-link/@Model.Token"] = "TaskJourneyTests: an outside reviewer answers through the link in the mail",
        ["/customers/value/refit"] = "CustomerValueJourneyTests: an Admin asks for a refit after reading the fitted models",
        ["/admin/segments/@key"] = "SegmentRulesJourneyTests: an Admin previews and saves a rule, in English and in Chinese",
        ["/admin/behaviour-metrics"] = "SegmentRulesJourneyTests: an Admin adds a behaviour metric",
        ["/admin/behaviour-metrics/@Uri.EscapeDataString(metric.Key)"] = "SegmentRulesJourneyTests: an Admin renames and archives a behaviour metric",
    };

    [Fact]
    public async Task Every_post_form_in_the_views_is_submitted_in_a_browser_and_accepted()
    {
        var forms = PostFormsInViews();
        Assert.True(forms.Count >= 20, $"Only {forms.Count} post forms were found in the views; is the source folder right?");

        using var app = new KestrelAppFactory();
        var baseUrl = app.Start();
        var data = await ArrangeAsync(app);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserSession.LaunchAsync(playwright);
        var posts = new ConcurrentQueue<(string Path, int Status)>();

        async Task<IPage> SignInAsync(string email)
        {
            var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
            context.Response += (_, response) =>
            {
                if (response.Request.Method == "POST" && response.Request.IsNavigationRequest)
                    posts.Enqueue((new Uri(response.Url).AbsolutePath, response.Status));
            };
            return await BrowserSession.SignInAsync(context, email);
        }

        // --- PM: proposes a gap (the Admin accepts it below).
        var pm = await SignInAsync(PmEmail);
        await pm.GotoAsync("/taxonomy/gaps");
        await pm.Locator("form[action='/taxonomy/gaps/propose'] input[name=Name]").FillAsync("Offline mode for store tablets");
        await SubmitAsync(pm, "form[action='/taxonomy/gaps/propose'] button[type=submit]");
        var proposedGapId = await app.WithDbAsync(db => db.CapabilityGaps.Where(g => g.Name == "Offline mode for store tablets").Select(g => g.Id).SingleAsync());

        // --- Admin: taxonomy, calendar, outbox, suggestions, import, settings, language, sign-out.
        var admin = await SignInAsync(AdminEmail);
        await admin.GotoAsync("/taxonomy/tags");
        await admin.Locator("form[action='/taxonomy/tags'] input[name=Name]").FillAsync("Store tablets");
        await SubmitAsync(admin, "form[action='/taxonomy/tags'] button[type=submit]");
        var tagId = await app.WithDbAsync(db => db.Tags.Where(t => t.Name == "Store tablets").Select(t => t.Id).SingleAsync());
        await admin.GotoAsync($"/taxonomy/tags/{tagId}");
        await admin.Locator($"form[action='/taxonomy/tags/{tagId}'] input[name=NameZh]").FillAsync("门店平板");
        await SubmitAsync(admin, $"form[action='/taxonomy/tags/{tagId}'] button[type=submit]");
        await SubmitAsync(admin, "#archive");
        await SubmitAsync(admin, "#unarchive");
        await admin.Locator("#merge-survivor").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await SubmitAsync(admin, $"form[action='/taxonomy/tags/{tagId}/merge'] button[type=submit]");
        await admin.GotoAsync($"/taxonomy/gaps/{proposedGapId}");
        await SubmitAsync(admin, "#accept");

        await admin.GotoAsync("/sla/calendars/cn-business");
        await SubmitAsync(admin, "#calendar-form button[type=submit]");

        await admin.GotoAsync("/admin/outbox");
        await SubmitAsync(admin, $"form[action='/admin/outbox/{data.DeadLetterIds[0]}/retry'] button[type=submit]");
        await SubmitAsync(admin, "#retry-all button[type=submit]");

        await admin.GotoAsync("/admin/suggestions");
        await SubmitAsync(admin, "#retrain-form button[type=submit]");

        await admin.GotoAsync("/import");
        await admin.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "voices.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes("externalId,customer,verbatim,receivedAt,language\nFORM-1,CRM-FORMS,Import through the browser,2026-11-01T08:00:00Z,en\n"),
        });
        await admin.Locator("#channel").SelectOptionAsync("support");
        await SubmitAsync(admin, "form[action='/import'] button[type=submit]");

        // Users: invite (redirects to the new user's page), role, deactivate, reactivate, send the link again.
        await admin.GotoAsync("/admin/users");
        await admin.Locator("#invite-email").FillAsync(InviteeEmail);
        await admin.Locator("#invite-name").FillAsync("Invited CSM");
        await admin.Locator("#invite-role").SelectOptionAsync(Roles.Csm);
        await SubmitAsync(admin, "#invite-form button[type=submit]");
        await admin.Locator("#user-role-select").SelectOptionAsync(Roles.ProductManager);
        await SubmitAsync(admin, "#role-form button[type=submit]");
        await SubmitAsync(admin, "#deactivate-form button[type=submit]");
        await SubmitAsync(admin, "#reactivate-form button[type=submit]");
        // Last: deactivating changed the security stamp, which voids the links sent before it.
        await SubmitAsync(admin, "#password-link-form button[type=submit]");

        await admin.GotoAsync("/account/settings");
        await SubmitAsync(admin, "form[action='/account/settings'] button[type=submit]");
        await SubmitAsync(admin, "form[action='/language'] button[value=zh-CN]");
        await Assertions.Expect(admin.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await SubmitAsync(admin, "form[action='/language'] button[value=en]");
        await SubmitAsync(admin, "form[action='/account/logout'] button[type=submit]");

        // --- CSM: the queue's bulk assign and claim, then every form of the coding page.
        var csm = await SignInAsync(CsmEmail);
        await csm.GotoAsync("/coding");
        await csm.Locator($"#pick-{data.ItemIds[0]}").CheckAsync();
        await csm.Locator("#bulk-csm").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await SubmitAsync(csm, "#bulk-assign button[type=submit]");
        await SubmitAsync(csm, $"form[action='/coding/{data.ItemIds[1]}/claim'] button[type=submit]");

        await csm.GotoAsync($"/coding/{data.ItemIds[0]}");
        await FillEveryLayerAsync(csm);
        await SubmitAsync(csm, "#save-draft");
        await SubmitAsync(csm, "#submit-coding");
        await csm.GotoAsync($"/coding/{data.ItemIds[0]}");
        await csm.Locator("#r-reason").FillAsync("The customer sent new figures.");
        await SubmitAsync(csm, "#reopen");

        await csm.GotoAsync($"/coding/{data.ItemIds[2]}");
        await SubmitAsync(csm, "#claim");
        await csm.Locator("#a-note").FillAsync("Asked which stores are affected.");
        await SubmitAsync(csm, "#awaiting");
        await SubmitAsync(csm, "#reopen");
        await csm.Locator("#m-of").FillAsync(data.ItemIds[1].ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SubmitAsync(csm, "#merge");

        // --- The invited person: the link in the queued invitation opens the set-password form, signed out.
        var invitation = await app.WithDbAsync(db => db.Set<OutboxEmail>().Where(m => m.ToAddress == InviteeEmail)
            .OrderByDescending(m => m.Id).Select(m => m.TextBody).FirstAsync());
        var link = SetPasswordLink().Match(invitation);
        Assert.True(link.Success, "The invitation has no set-password link: " + invitation);
        var invitee = await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();
        invitee.Context.Response += (_, response) =>
        {
            if (response.Request.Method == "POST" && response.Request.IsNavigationRequest)
                posts.Enqueue((new Uri(response.Url).AbsolutePath, response.Status));
        };
        await invitee.GotoAsync(new Uri(link.Value).PathAndQuery);
        await invitee.Locator("#sp-password").FillAsync("A-new-password-9");
        await invitee.Locator("#sp-confirm").FillAsync("A-new-password-9");
        await SubmitAsync(invitee, "#set-password-form button[type=submit]");

        // Every form found in the views was submitted, and none was refused.
        var refused = posts.Where(p => p.Status >= 400).ToList();
        Assert.True(refused.Count == 0, "Refused: " + string.Join(", ", refused.Select(p => $"{p.Path} → {p.Status}")));
        var missing = forms.Where(form => !SubmittedElsewhere.ContainsKey(form.Template) && !posts.Any(p => form.Pattern.IsMatch(p.Path)))
            .Select(form => $"{form.Template} ({form.File})").Distinct().ToList();
        Assert.True(missing.Count == 0, "No browser test submits: " + string.Join(", ", missing));
    }

    /// <summary>Clicks a submit button and waits for the page its post leads to; the post must not be refused.</summary>
    private static async Task SubmitAsync(IPage page, string button)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator(button).First.ClickAsync(),
            r => r.Request.Method == "POST" && r.Request.IsNavigationRequest);
        Assert.True(response.Status < 400, $"{button} posted to {response.Url} and got {response.Status}.");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.DoesNotContain("could not be used", await page.ContentAsync());
    }

    private static async Task FillEveryLayerAsync(IPage page)
    {
        await page.Locator("#c-metric").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#c-dir-down").CheckAsync();
        await page.Locator("#c-magnitude").FillAsync("15");
        await page.Locator("#c-unit").FillAsync("%");
        await page.Locator("#c-gap").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#c-hypothesis").FillAsync("Tablets lose the connection in the stock room.");
        await page.Locator("#c-domain").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("#c-dim-pain").CheckAsync();
        await page.Locator("#c-role-user").CheckAsync();
    }

    internal sealed record PostForm(string File, string Template, Regex Pattern);

    /// <summary>Every <c>&lt;form method="post"&gt;</c> in the views, its action as a pattern (a Razor expression matches one path segment).</summary>
    internal static List<PostForm> PostFormsInViews()
    {
        var features = Path.Combine(RepositoryRoot(), "src", "VoiceOfCustomer.Web", "Features");
        var forms = new List<PostForm>();
        foreach (var file in Directory.EnumerateFiles(features, "*.cshtml", SearchOption.AllDirectories))
        {
            foreach (Match tag in FormTag().Matches(File.ReadAllText(file)))
            {
                if (!PostMethod().IsMatch(tag.Value))
                    continue;
                var relative = Path.GetRelativePath(features, file);
                var action = ActionAttribute().Match(tag.Value);
                Assert.True(action.Success, $"A post form in {relative} has no action attribute: give it one, so the guard can find who submits it.");
                var template = action.Groups[1].Value;
                var pattern = "^" + string.Join("[^/]+", RazorExpression().Split(template).Select(Regex.Escape)) + "$";
                forms.Add(new PostForm(relative, template, new Regex(pattern)));
            }
        }
        return forms;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VoiceOfCustomer.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException("VoiceOfCustomer.sln was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/account/set-password\?[^\s""<>]+")]
    private static partial Regex SetPasswordLink();

    [GeneratedRegex(@"<form\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex(@"\bmethod=""post""", RegexOptions.IgnoreCase)]
    private static partial Regex PostMethod();

    [GeneratedRegex(@"\baction=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ActionAttribute();

    [GeneratedRegex(@"@(?:\([^)]*\)|[A-Za-z_][\w.]*(?:\([^)]*\))?)")]
    private static partial Regex RazorExpression();

    private sealed record Arranged(IReadOnlyList<long> ItemIds, IReadOnlyList<long> DeadLetterIds);

    private static async Task<Arranged> ArrangeAsync(KestrelAppFactory app)
    {
        await BrowserSession.CreateUserAsync(app, AdminEmail, Roles.Admin, "Forms Admin");
        await BrowserSession.CreateUserAsync(app, CsmEmail, Roles.Csm, "Forms CSM");
        await BrowserSession.CreateUserAsync(app, PmEmail, Roles.ProductManager, "Forms PM");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var channel = await db.Channels.SingleAsync(c => c.Key == "support");
        var customer = new Customer { Reference = "CRM-FORMS", ReferenceNormalized = "CRM-FORMS", Name = "Forms Retail", CreatedAt = DateTime.UtcNow };
        db.Add(customer);
        await db.SaveChangesAsync();
        var items = Enumerable.Range(1, 3).Select(i => new FeedbackItem
        {
            ChannelId = channel.Id,
            ExternalId = $"FORMS-{i}",
            CustomerId = customer.Id,
            Verbatim = $"Store tablets drop the connection, report {i}.",
            ReceivedAt = DateTime.UtcNow.AddHours(-i),
            IngestedAt = DateTime.UtcNow,
            Language = "en",
            AttributionDueAt = DateTime.UtcNow.AddHours(48 - i),
        }).ToList();
        db.FeedbackItems.AddRange(items);
        var deadLetters = Enumerable.Range(1, 2).Select(i => new OutboxEmail
        {
            Key = $"forms-test:{i}", ToAddress = $"lead{i}@example.test", Language = "en", Subject = "Breach", TextBody = "Breach",
            HtmlBody = "<p>Breach</p>", Template = "sla-breach", State = OutboxEmailState.DeadLetter, Attempts = 8,
            CreatedAt = DateTime.UtcNow.AddHours(-2), NextAttemptAt = DateTime.UtcNow.AddHours(-1), LastError = "550 mailbox unavailable",
        }).ToList();
        db.Set<OutboxEmail>().AddRange(deadLetters);
        await db.SaveChangesAsync();
        return new([.. items.Select(i => i.Id)], [.. deadLetters.Select(d => d.Id)]);
    }
}
