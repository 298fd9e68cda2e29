using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Identity;

/// <summary>What pages and reports show for a person: their display name, else e-mail, else user name, never a bare id if avoidable.</summary>
public static class UserNames
{
    public static string Of(AppUser user) => user.DisplayName ?? user.Email ?? user.UserName ?? user.Id;

    /// <summary>The names of the given users (nulls and repeats ignored); an id with no user is left out.</summary>
    public static async Task<Dictionary<string, string>> ForAsync(VocDbContext db, IEnumerable<string?> ids, CancellationToken cancellationToken = default)
    {
        var wanted = ids.OfType<string>().Distinct().ToList();
        if (wanted.Count == 0)
            return [];
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, Of, cancellationToken);
    }
}
