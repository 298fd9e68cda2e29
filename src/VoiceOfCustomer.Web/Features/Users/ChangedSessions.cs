using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Web.Features.Users;

/// <summary>
/// Users whose role or state an Admin changed in this process: their sessions are checked against the database on
/// their next request instead of within <see cref="UsersOptions.SessionCheckInterval"/>, so a deactivation or a
/// demotion takes effect at once here. Other instances do not hear of it and keep the interval as their bound.
/// </summary>
public sealed class ChangedSessions(IOptions<UsersOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _changedAt = new();

    public void MarkChanged(string userId)
    {
        var now = time.GetUtcNow();
        _changedAt[userId] = now;
        // After one interval the regular check has caught every session older than the change; the entry is spent.
        foreach (var (id, at) in _changedAt)
            if (now - at > options.Value.SessionCheckInterval)
                _changedAt.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, at));
    }

    /// <summary>Wraps Identity's security-stamp check: a session signed in before a change is checked now.</summary>
    public Task ValidatePrincipalAsync(CookieValidatePrincipalContext context, Func<CookieValidatePrincipalContext, Task> stampCheck)
    {
        var userId = context.Principal?.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        if (userId is not null && _changedAt.TryGetValue(userId, out var changedAt) && context.Properties.IssuedUtc <= changedAt)
            // No issue time makes Identity's validator check the stamp and roles regardless of the interval.
            context.Properties.IssuedUtc = null;
        return stampCheck(context);
    }
}
