using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Users;

public enum UserState
{
    /// <summary>Invited, has not set a password yet.</summary>
    Invited,
    Active,
    /// <summary>Locked for a while after too many wrong passwords.</summary>
    LockedOut,
    Deactivated,
}

public sealed record UserSummary(
    string Id, string Email, string? DisplayName, string? PreferredLanguage, string? Role, UserState State,
    DateTimeOffset? LockedUntil, DateTime? LastSignInAt)
{
    public string Name => DisplayName ?? Email;
}

public sealed record UserPage(IReadOnlyList<UserSummary> Users, int Page, int PageCount, int Total);

public sealed class InviteInput
{
    public string? Email { get; set; }
    public string? DisplayName { get; set; }
    public string? Role { get; set; }
    public string? Language { get; set; }
}

public enum UserAdminOutcome
{
    Saved,
    Invalid,
    NotFound,
}

/// <summary>What an action did; <see cref="Errors"/> name the form field (<c>email</c>, <c>role</c>, <c>state</c>, <c>password</c>) in English, for the localizer.</summary>
public sealed record UserAdminResult(UserAdminOutcome Outcome, IReadOnlyList<FieldError> Errors, string? UserId = null)
{
    public static readonly UserAdminResult NotFound = new(UserAdminOutcome.NotFound, []);
    public static UserAdminResult Saved(string userId) => new(UserAdminOutcome.Saved, [], userId);
    public static UserAdminResult Invalid(params FieldError[] errors) => new(UserAdminOutcome.Invalid, errors);
}

/// <summary>
/// Deactivation is Identity's lockout with no end (<see cref="DateTimeOffset.MaxValue"/>) plus a new security stamp, so
/// the account can neither sign in nor keep an open session, with no column of its own. The last sign-in is a row in
/// Identity's user-token table, for the same reason.
/// </summary>
public static class UserStates
{
    public const string TokenProvider = "VoiceOfCustomer";
    public const string LastSignInToken = "LastSignInAt";

    public static bool IsDeactivated(bool lockoutEnabled, DateTimeOffset? lockoutEnd) =>
        lockoutEnabled && lockoutEnd is { Year: 9999 }; // PostgreSQL keeps microseconds, so MaxValue may come back a tick short

    public static bool IsDeactivated(AppUser user) => IsDeactivated(user.LockoutEnabled, user.LockoutEnd);

    public static UserState StateOf(bool hasPassword, bool lockoutEnabled, DateTimeOffset? lockoutEnd, DateTimeOffset now) =>
        IsDeactivated(lockoutEnabled, lockoutEnd) ? UserState.Deactivated
        : !hasPassword ? UserState.Invited
        : lockoutEnabled && lockoutEnd > now ? UserState.LockedOut
        : UserState.Active;

    /// <summary>Remembers when <paramref name="userId"/> signed in; a lost race with a parallel sign-in is not worth failing one for.</summary>
    public static async Task RecordSignInAsync(VocDbContext db, string userId, DateTime at, ILogger logger, CancellationToken cancellationToken = default)
    {
        var value = at.ToString("O", CultureInfo.InvariantCulture);
        try
        {
            var updated = await db.UserTokens
                .Where(t => t.UserId == userId && t.LoginProvider == TokenProvider && t.Name == LastSignInToken)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, value), cancellationToken);
            if (updated == 0)
            {
                db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = TokenProvider, Name = LastSignInToken, Value = value });
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        catch (DbUpdateException exception) when (exception.IsConflict())
        {
            // A parallel sign-in inserted the row a moment before: its time is as good as ours.
            logger.LogDebug("The sign-in of user {UserId} was recorded by a parallel sign-in.", userId);
        }
        catch (DbUpdateException exception)
        {
            logger.LogWarning(exception, "The sign-in of user {UserId} was not recorded.", userId);
        }
    }
}

/// <summary>
/// Admins manage people here: invite (no password; a set-password link by mail through the outbox), change the role,
/// deactivate and reactivate, send a reset link. An Admin can neither demote nor deactivate themselves, nor leave the
/// app without an Admin who can sign in; those checks and the change run under one lock, so two Admins demoting
/// each other at once cannot both succeed.
/// </summary>
public sealed class UserAdministration(
    VocDbContext db, UserManager<AppUser> users, DatabaseWriteGate gate, IEmailTemplates templates, IOptions<EmailOptions> email,
    IOptions<UsersOptions> options, TimeProvider time, IStringLocalizer<SharedResource> t, ChangedSessions sessions, ILogger<UserAdministration> logger)
{
    public const int PageSize = 50;
    public const int EmailMaxLength = 254;
    public const int NameMaxLength = 200;
    public const string InvitationTemplate = "user-invitation";
    public const string PasswordResetTemplate = "password-reset";

    // Any constant will do: it only has to be the same for every instance sharing the database.
    private const long AdminChangesLockKey = 0x564F_4341_444D; // "VOCADM"

    /// <summary>
    /// SQL Server's counterpart of the advisory lock: an application lock owned by the transaction, so the commit or
    /// rollback releases it. sp_getapplock answers a negative number rather than raising an error when it cannot take
    /// the lock in time (30 s), hence the THROW: the change must not go on without it.
    /// </summary>
    internal const string SqlServerAdminLockSql = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = N'voc:admin-changes', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000;
        IF @result < 0 THROW 51000, 'Could not take the lock for changes to Admins (sp_getapplock).', 1;
        """;

    private DateTimeOffset Now => time.GetUtcNow();

    public async Task<UserPage> ListAsync(int page, CancellationToken cancellationToken = default)
    {
        var total = await db.Users.CountAsync(cancellationToken);
        var pageCount = Math.Max(1, (total + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pageCount);
        var query = db.Users.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id).Skip((page - 1) * PageSize).Take(PageSize);
        return new UserPage(await SummariesAsync(query, cancellationToken), page, pageCount, total);
    }

    public async Task<UserSummary?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await SummariesAsync(db.Users.Where(u => u.Id == id), cancellationToken)).FirstOrDefault();

    private async Task<List<UserSummary>> SummariesAsync(IQueryable<AppUser> query, CancellationToken cancellationToken)
    {
        var rows = await query.AsNoTracking()
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.PreferredLanguage, HasPassword = u.PasswordHash != null, u.LockoutEnabled, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var roles = await (from link in db.UserRoles
                           join role in db.Roles on link.RoleId equals role.Id
                           where ids.Contains(link.UserId)
                           select new { link.UserId, role.Name })
            .ToListAsync(cancellationToken);
        var signIns = await db.UserTokens
            .Where(token => ids.Contains(token.UserId) && token.LoginProvider == UserStates.TokenProvider && token.Name == UserStates.LastSignInToken)
            .ToDictionaryAsync(token => token.UserId, token => token.Value, cancellationToken);
        var now = Now;
        return rows.Select(r => new UserSummary(
            r.Id, r.Email ?? "", r.DisplayName, r.PreferredLanguage,
            // One role per person; should someone have several, the most powerful is the one shown and changed.
            Roles.All.FirstOrDefault(name => roles.Any(x => x.UserId == r.Id && x.Name == name)),
            UserStates.StateOf(r.HasPassword, r.LockoutEnabled, r.LockoutEnd, now),
            r.LockoutEnabled && r.LockoutEnd > now ? r.LockoutEnd : null,
            signIns.TryGetValue(r.Id, out var at) && DateTime.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                ? DateTime.SpecifyKind(parsed.ToUniversalTime(), DateTimeKind.Utc) : null)).ToList();
    }

    public async Task<UserAdminResult> InviteAsync(InviteInput input, string inviterName, CancellationToken cancellationToken = default)
    {
        var errors = new List<FieldError>();
        var address = input.Email?.Trim() ?? "";
        if (address.Length == 0)
            errors.Add(new FieldError("email", "Enter the e-mail address of the person to invite."));
        else if (address.Length > EmailMaxLength || !System.Net.Mail.MailAddress.TryCreate(address, out var parsed) || parsed.Address != address)
            errors.Add(FieldError.Format("email", "\"{0}\" is not an e-mail address.", address));
        var name = input.DisplayName?.Trim() ?? "";
        if (name.Length == 0)
            errors.Add(new FieldError("displayName", "Enter the person's name as colleagues should see it."));
        else if (name.Length > NameMaxLength)
            errors.Add(FieldError.Format("displayName", "The name is longer than {0} characters.", NameMaxLength));
        var role = RoleNamed(input.Role);
        if (role is null)
            errors.Add(new FieldError("role", "Choose one of the four roles."));
        var language = VocCultures.Normalize(input.Language);
        if (language is null)
            errors.Add(new FieldError("language", "Choose English or Chinese for the invitation and the interface."));
        if (errors.Count > 0)
            return UserAdminResult.Invalid([.. errors]);

        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = new AppUser { UserName = address, Email = address, DisplayName = name, PreferredLanguage = language, LockoutEnabled = true };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
            return UserAdminResult.Invalid([.. created.Errors.Select(e => e.Description).Distinct().Select(d => new FieldError("email", d))]);
        Require(await users.AddToRoleAsync(user, role!));
        await QueueSetPasswordMailAsync(user, InvitationTemplate, role, inviterName, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("{Inviter} invited {UserId} as {Role}.", inviterName, user.Id, role);
        return UserAdminResult.Saved(user.Id);
    }

    public async Task<UserAdminResult> ChangeRoleAsync(string id, string? newRole, string actorId, CancellationToken cancellationToken = default)
    {
        var role = RoleNamed(newRole);
        if (role is null)
            return UserAdminResult.Invalid(new FieldError("role", "Choose one of the four roles."));
        return await UnderAdminLockAsync(id, async user =>
        {
            var current = await users.GetRolesAsync(user);
            if (current.Count == 1 && current[0] == role)
                return UserAdminResult.Saved(user.Id);
            if (current.Contains(Roles.Admin) && role != Roles.Admin)
            {
                if (user.Id == actorId)
                    return UserAdminResult.Invalid(new FieldError("role", "You cannot take away your own Admin role; another Admin can."));
                if (await IsLastAdminAsync(user.Id, cancellationToken))
                    return UserAdminResult.Invalid(new FieldError("role", "This is the last Admin who can sign in: make someone else an Admin first."));
            }
            if (current.Count > 0)
                Require(await users.RemoveFromRolesAsync(user, current));
            Require(await users.AddToRoleAsync(user, role));
            logger.LogInformation("{ActorId} changed the role of {UserId} from {Before} to {Role}.", actorId, user.Id, string.Join(",", current), role);
            return UserAdminResult.Saved(user.Id);
        }, cancellationToken);
    }

    public Task<UserAdminResult> DeactivateAsync(string id, string actorId, CancellationToken cancellationToken = default) =>
        UnderAdminLockAsync(id, async user =>
        {
            if (UserStates.IsDeactivated(user))
                return UserAdminResult.Saved(user.Id);
            if (user.Id == actorId)
                return UserAdminResult.Invalid(new FieldError("state", "You cannot deactivate yourself; another Admin can."));
            if (await users.IsInRoleAsync(user, Roles.Admin) && await IsLastAdminAsync(user.Id, cancellationToken))
                return UserAdminResult.Invalid(new FieldError("state", "This is the last Admin who can sign in: make someone else an Admin first."));
            Require(await users.SetLockoutEnabledAsync(user, true));
            Require(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
            // A new stamp makes the session cookie fail its next check (Users:SessionCheckInterval) and voids mailed links.
            Require(await users.UpdateSecurityStampAsync(user));
            logger.LogInformation("{ActorId} deactivated {UserId}.", actorId, user.Id);
            return UserAdminResult.Saved(user.Id);
        }, cancellationToken);

    public Task<UserAdminResult> ReactivateAsync(string id, string actorId, CancellationToken cancellationToken = default) =>
        UnderAdminLockAsync(id, async user =>
        {
            Require(await users.SetLockoutEndDateAsync(user, null));
            Require(await users.ResetAccessFailedCountAsync(user));
            logger.LogInformation("{ActorId} reactivated {UserId}.", actorId, user.Id);
            return UserAdminResult.Saved(user.Id);
        }, cancellationToken);

    /// <summary>A set-password link by mail: the invitation again for someone who never set a password, else a reset link.</summary>
    public async Task<UserAdminResult> SendPasswordLinkAsync(string id, string actorName, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return UserAdminResult.NotFound;
        if (UserStates.IsDeactivated(user))
            return UserAdminResult.Invalid(new FieldError("password", "This account is deactivated: reactivate it before sending a link."));
        if (string.IsNullOrEmpty(user.Email))
            return UserAdminResult.Invalid(new FieldError("password", "This account has no e-mail address to send a link to."));
        var invitation = !await users.HasPasswordAsync(user);
        var role = (await users.GetRolesAsync(user)).FirstOrDefault();
        await QueueSetPasswordMailAsync(user, invitation ? InvitationTemplate : PasswordResetTemplate, role, actorName, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("{Actor} sent {UserId} a {Template} link.", actorName, user.Id, invitation ? InvitationTemplate : PasswordResetTemplate);
        return UserAdminResult.Saved(user.Id);
    }

    /// <summary>The mail's link carries a password-reset token (see <see cref="SetPasswordTokenProvider"/>), in the recipient's language.</summary>
    private async Task QueueSetPasswordMailAsync(AppUser user, string template, string? role, string senderName, CancellationToken cancellationToken)
    {
        var language = templates.ResolveLanguage(user.PreferredLanguage);
        var chinese = VocCultures.IsChinese(CultureInfo.GetCultureInfo(language));
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var now = Now.UtcDateTime;
        var expires = now + options.Value.SetPasswordLinkLifetime;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recipientName"] = user.DisplayName ?? user.Email!,
            ["inviter"] = senderName,
            ["role"] = role is null ? "" : InLanguage(language, role),
            ["link"] = email.Value.LinkBaseUrl.TrimEnd('/') + SetPasswordController.PathFor(user.Id, token),
            ["expires"] = expires.ToString(chinese ? "yyyy-MM-dd HH:mm 'UTC'" : "d MMM yyyy HH:mm 'UTC'", CultureInfo.GetCultureInfo(chinese ? "zh-CN" : "en-GB")),
        };
        var rendered = templates.Render(template, language, values);
        db.OutboxEmails.Add(OutboxEmail.Queue(rendered, $"{template}:{user.Id}:{now.Ticks}", user.Email!, user.DisplayName, now));
    }

    /// <summary>A string-table entry in <paramref name="language"/>, whatever the request's language (a mail is in its recipient's).</summary>
    private string InLanguage(string language, string key)
    {
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
            return t[key].Value;
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>
    /// Runs a change that may depend on who else is an Admin, one at a time: SQLite through the write gate (one writer anyway),
    /// PostgreSQL under a transaction-scoped advisory lock and SQL Server under a transaction-owned application lock, which
    /// every app instance takes.
    /// </summary>
    private async Task<UserAdminResult> UnderAdminLockAsync(string id, Func<AppUser, Task<UserAdminResult>> change, CancellationToken cancellationToken)
    {
        using var turn = await gate.EnterAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdminChangesLockKey})", cancellationToken);
        else if (db.Database.IsSqlServer())
            await db.Database.ExecuteSqlRawAsync(SqlServerAdminLockSql, cancellationToken);
        var user = await users.FindByIdAsync(id);
        if (user is null)
            return UserAdminResult.NotFound;
        var result = await change(user);
        if (result.Outcome == UserAdminOutcome.Saved)
        {
            await transaction.CommitAsync(cancellationToken);
            // After the commit, or a session checked in between would read the old state and be trusted again.
            sessions.MarkChanged(user.Id);
        }
        return result;
    }

    /// <summary>True when no Admin other than <paramref name="userId"/> has a password and is not deactivated.</summary>
    private async Task<bool> IsLastAdminAsync(string userId, CancellationToken cancellationToken)
    {
        var admins = await (from link in db.UserRoles
                            join role in db.Roles on link.RoleId equals role.Id
                            join user in db.Users on link.UserId equals user.Id
                            where role.Name == Roles.Admin && user.Id != userId && user.PasswordHash != null
                            select new { user.LockoutEnabled, user.LockoutEnd })
            .ToListAsync(cancellationToken);
        return !admins.Any(a => !UserStates.IsDeactivated(a.LockoutEnabled, a.LockoutEnd));
    }

    private static string? RoleNamed(string? name) =>
        Roles.All.FirstOrDefault(r => string.Equals(r, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Identity calls that can only fail on a bug or a lost race (the user and the role were just read).</summary>
    private static void Require(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => $"{e.Code}: {e.Description}")));
    }
}
