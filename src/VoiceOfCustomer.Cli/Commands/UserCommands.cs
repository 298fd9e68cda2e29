using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary><c>voc user create --email E --role R --password P [--name N]</c> and <c>voc user list</c>: the first admin needs no web page.</summary>
public static class UserCommands
{
    public static Command Build()
    {
        var email = new Option<string>("--email") { Description = "Email address; also the sign-in name.", Required = true };
        var role = new Option<string>("--role") { Description = $"One of: {string.Join(", ", Roles.All)}.", Required = true };
        var password = new Option<string>("--password") { Description = "At least 8 characters with upper and lower case letters and a digit.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name, e.g. \"Ann Lee\"." };
        var create = new Command("create", "Create a user in one of the four roles.") { email, role, password, name };
        create.SetAction(async (parse, cancellationToken) =>
        {
            var roleName = Roles.All.FirstOrDefault(r => string.Equals(r, parse.GetValue(role)?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (roleName is null)
            {
                Console.Error.WriteLine($"error: unknown role '{parse.GetValue(role)}'; use one of: {string.Join(", ", Roles.All)}.");
                return 2;
            }

            await using var services = await CliHost.CreateAsync(cancellationToken, AddIdentity);
            await using var scope = services.CreateAsyncScope();
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (!await roles.RoleExistsAsync(roleName) && !Report(await roles.CreateAsync(new IdentityRole(roleName))))
                return 2;

            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var address = parse.GetValue(email)!.Trim();
            var user = new AppUser { UserName = address, Email = address, EmailConfirmed = true, DisplayName = parse.GetValue(name)?.Trim() };
            // Creating the user and granting the role together: a user without a role could sign in and see nothing.
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!Report(await users.CreateAsync(user, parse.GetValue(password)!)) || !Report(await users.AddToRoleAsync(user, roleName)))
                return 2;
            await transaction.CommitAsync(cancellationToken);
            Console.WriteLine($"Created {roleName} user {address} (id {user.Id}).");
            return 0;
        });

        var list = new Command("list", "List users and their roles.");
        list.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliHost.CreateAsync(cancellationToken, AddIdentity);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var rows = await (from u in db.Users
                              orderby u.Email
                              select new
                              {
                                  u.Email,
                                  u.DisplayName,
                                  Roles = (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == u.Id select r.Name).ToList(),
                              }).ToListAsync(cancellationToken);
            foreach (var row in rows)
                Console.WriteLine($"{row.Email}\t{string.Join(",", row.Roles.Order())}\t{row.DisplayName}");
            Console.Error.WriteLine($"{rows.Count} user(s).");
            return 0;
        });

        return new Command("user", "Manage users who sign in to the web app.") { create, list };
    }

    /// <summary>The CLI host has no Identity; the password and e-mail rules must be the web app's (WebApplicationSetup).</summary>
    private static void AddIdentity(IServiceCollection services) =>
        services.AddIdentityCore<AppUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<VocDbContext>();

    private static bool Report(IdentityResult result)
    {
        foreach (var error in result.Errors)
            Console.Error.WriteLine($"error: {error.Description}");
        return result.Succeeded;
    }
}
