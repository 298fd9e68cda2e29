using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.Workflows;

/// <summary>The workflow runtime's view of the app's users: the members of a role, and people by e-mail address.</summary>
public sealed class IdentityWorkflowDirectory(TimeProvider time) : IWorkflowDirectory
{
    public IReadOnlySet<string> Roles { get; } = Identity.Roles.All.ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyList<TaskPerson>> UsersInRoleAsync(DbContext db, string role, CancellationToken cancellationToken)
    {
        var voc = (VocDbContext)db;
        var normalized = role.ToUpperInvariant();
        var members = await (from user in voc.Users.AsNoTracking()
                             join link in voc.UserRoles on user.Id equals link.UserId
                             join r in voc.Roles on link.RoleId equals r.Id
                             where r.NormalizedName == normalized && user.Email != null
                             orderby user.Email
                             select new { user.Email, user.DisplayName, user.Id, user.PreferredLanguage, user.LockoutEnd }).ToListAsync(cancellationToken);
        // A locked-out (deactivated) user is asked nothing. SQLite cannot compare DateTimeOffset values, so this is checked here.
        var now = time.GetUtcNow();
        return [.. members.Where(m => m.LockoutEnd is null || m.LockoutEnd < now).Select(m => new TaskPerson(m.Email!, m.DisplayName, m.Id, m.PreferredLanguage))];
    }

    public async Task<IReadOnlyList<TaskPerson>> ByEmailAsync(DbContext db, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
            return [];
        var voc = (VocDbContext)db;
        var normalized = emails.Select(e => e.Trim().ToUpperInvariant()).Distinct().ToList();
        var users = await voc.Users.AsNoTracking().Where(u => u.NormalizedEmail != null && normalized.Contains(u.NormalizedEmail))
            .Select(u => new TaskPerson(u.Email!, u.DisplayName, u.Id, u.PreferredLanguage)).ToListAsync(cancellationToken);
        var known = users.Select(u => u.Email.ToUpperInvariant()).ToHashSet();
        // Someone without an account (a customer contact) answers through the link in their mail.
        return [.. users, .. emails.Select(e => e.Trim()).DistinctBy(e => e.ToUpperInvariant()).Where(e => !known.Contains(e.ToUpperInvariant()))
            .Select(e => new TaskPerson(e, null, null, null))];
    }
}
