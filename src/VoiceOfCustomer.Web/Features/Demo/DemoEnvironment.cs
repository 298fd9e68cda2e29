using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.Web;

/// <summary>
/// Start-up data, after migrations. Every environment: the reference data from the seed files (intake needs
/// channels) and the four roles. Development only: an empty database gets the demo organisation and one demo
/// user per role, and the demo sign-ins are printed at each start. Testing and Production never get demo data, and
/// neither does a database holding anything the demo did not write (a customer, a voice, a user): the start logs a
/// warning saying what it found instead.
/// </summary>
public static class DemoEnvironment
{
    public sealed record DemoUser(string Email, string DisplayName, string Role, string? PreferredLanguage);

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("admin@voc.local", "Alex Admin", Roles.Admin, "en"),
        new("csm@voc.local", "Casey CSM", Roles.Csm, "en"),
        new("csm2@voc.local", "陈静 (CSM)", Roles.Csm, "zh-CN"),
        new("pm@voc.local", "Pat Product", Roles.ProductManager, "en"),
        new("lead@voc.local", "Lee Leadership", Roles.Leadership, "en"),
    ];

    public static async Task PrepareAsync(WebApplication app, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoEnvironment).FullName!);
        await services.GetRequiredService<ReferenceDataSeeder>().SeedAsync();
        await services.GetRequiredService<Sla.BusinessCalendarRegistry>().LoadAsync(services.GetRequiredService<VocDbContext>());
        services.GetRequiredService<ChannelCatalog>().Invalidate();
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole>>());
        if (!app.Environment.IsDevelopment())
            return;

        var options = services.GetRequiredService<IOptions<SeedOptions>>().Value;
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var db = services.GetRequiredService<VocDbContext>();
        if (await FindRealDataAsync(db) is { } real)
        {
            logger.LogWarning("Development start without demo data: {Found}. Demo users and the demo organisation go only into an empty database "
                + "(or one holding nothing but the demo's); give the demo a database of its own, e.g. ConnectionStrings__Default=\"Data Source=data/demo.db\"", real);
        }
        else if (!await db.Customers.AnyAsync())
        {
            // Users first, so the demo customers get the demo CSMs.
            await EnsureDemoUsersAsync(users, options.DemoPassword);
            // The voices span the half year before today; their history runs up to this moment, where the live app takes over.
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            var result = await services.GetRequiredService<DemoDataSeeder>().SeedAsync(
                new DemoSeedRequest(options.Customers, options.Feedback, options.RandomSeed, DateTime.SpecifyKind(now.Date, DateTimeKind.Utc), options.SlaHistory, now),
                new SeedProgressWriter(line => logger.LogInformation("Demo organisation:{Progress}", line)));
            var history = result.History;
            logger.LogInformation("Demo organisation created in {Seconds:F1} s: {Customers} customers, {Contacts} contacts, {Feedback} feedback items; "
                + "{Coded} coded, {Escalations} SLA escalations ({Mails} mails sent), {Open} still open",
                result.Elapsed.TotalSeconds, result.CustomersAdded, result.ContactsAdded, result.FeedbackAdded,
                history?.Coded ?? 0, history?.Escalations ?? 0, history?.Mails ?? 0, history?.StillOpen ?? result.FeedbackAdded);
        }

        if (await users.FindByEmailAsync(Users[0].Email) is not null)
            logger.LogInformation("{Banner}", Banner(app, options.DemoPassword));
    }

    /// <summary>What the demo did not write: customers and voices (<see cref="DemoDataGuard"/>), and people other than the demo users.</summary>
    private static async Task<string?> FindRealDataAsync(VocDbContext db)
    {
        var demoEmails = Users.Select(u => u.Email.ToUpperInvariant()).ToList();
        var people = await db.Users.CountAsync(u => u.NormalizedEmail == null || !demoEmails.Contains(u.NormalizedEmail));
        var data = await DemoDataGuard.FindAsync(db);
        return people == 0 && data is null ? null
            : string.Join("; ", new[] { data?.ToString(), people > 0 ? $"it has {people} user(s) who are not demo users" : null }.Where(part => part is not null));
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
        }
    }

    private static async Task EnsureDemoUsersAsync(UserManager<AppUser> users, string password)
    {
        foreach (var demo in Users)
        {
            if (await users.FindByEmailAsync(demo.Email) is not null)
                continue;
            var user = new AppUser
            {
                UserName = demo.Email, Email = demo.Email, EmailConfirmed = true,
                DisplayName = demo.DisplayName, PreferredLanguage = demo.PreferredLanguage,
            };
            Check(await users.CreateAsync(user, password), demo.Email);
            Check(await users.AddToRoleAsync(user, demo.Role), demo.Email);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create demo {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }

    private static string Banner(WebApplication app, string password)
    {
        // Kestrel's addresses are not known before the app starts; show what is configured, else point at its log line.
        var urls = app.Configuration["urls"] ?? app.Configuration["ASPNETCORE_URLS"];
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("==================== VoiceOfCustomer demo (Development) ====================");
        text.AppendLine(urls is { Length: > 0 } ? $"  Open {urls} and sign in at /account/login" : "  Open the address in 'Now listening on' below and sign in at /account/login");
        text.AppendLine($"  Password for every demo user (unless changed): {password}");
        foreach (var user in Users)
            text.AppendLine($"    {user.Role,-11} {user.Email}");
        text.AppendLine("  Reseed: delete the database file (data/voc.db) and restart, or see docs/seed.md");
        text.Append("=============================================================================");
        return text.ToString();
    }
}
