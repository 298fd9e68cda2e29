using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.ApiKeys;

/// <summary>Issues and checks API keys. A token is <c>voc_</c> + 43 URL-safe characters (256 random bits).</summary>
public sealed class ApiKeyService(VocDbContext db, TimeProvider time, ApiKeyCache cache)
{
    public const string TokenPrefix = "voc_";
    private const int LookupLength = 12;

    public static class Scopes
    {
        public const string Intake = "intake";
        public const string Coding = "coding";
        public const string Read = "read";

        /// <summary>The key's user's workflow tasks: list and answer them (a key made for no user is refused there).</summary>
        public const string Tasks = "tasks";

        /// <summary>Customer data in and out: customers, contracts, purchases, behaviour measurements and targets.</summary>
        public const string Customers = "customers";
        public static readonly IReadOnlyList<string> All = [Intake, Coding, Read, Tasks, Customers];
    }

    public sealed record CreatedKey(ApiKey Key, string Token);

    /// <summary>Creates a key; the returned token is the only copy and cannot be recovered later.</summary>
    /// <param name="userEmail">The user the key acts for (their e-mail address), or null for a key that acts for no one.</param>
    public async Task<CreatedKey> CreateAsync(string name, IEnumerable<string> scopes, string? userEmail = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            throw new ArgumentException("The key name must be 1 to 100 characters.", nameof(name));
        var scopeList = scopes.Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToList();
        var unknown = scopeList.Except(Scopes.All).ToList();
        if (scopeList.Count == 0 || unknown.Count > 0)
            throw new ArgumentException($"Scopes must be one or more of {string.Join(", ", Scopes.All)}" + (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}." : "."), nameof(scopes));
        string? userId = null;
        if (userEmail is not null)
        {
            // Identity's normalizer upper-cases invariantly; so does this lookup.
            var normalized = userEmail.Trim().ToUpperInvariant();
            userId = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ArgumentException($"No user has the e-mail address '{userEmail.Trim()}'; create the user first (voc user create) or check the address.", nameof(userEmail));
        }

        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = name.Trim(),
            Prefix = token[..LookupLength],
            Hash = Hash(token),
            Scopes = string.Join(',', scopeList),
            CreatedAt = time.GetUtcNow().UtcDateTime,
            UserId = userId,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new(key, token);
    }

    /// <summary>The key a token belongs to, or null when it is malformed, unknown or revoked.</summary>
    public async Task<ApiKey?> FindValidAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length < LookupLength + 8 || token.Length > 100)
            return null;
        var prefix = token[..LookupLength];
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null || key.RevokedAt is not null)
            return null;
        var expected = Encoding.ASCII.GetBytes(key.Hash);
        var actual = Encoding.ASCII.GetBytes(Hash(token));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? key : null;
    }

    public async Task<bool> RevokeAsync(int id, CancellationToken cancellationToken = default)
    {
        var key = await db.ApiKeys.FindAsync([id], cancellationToken);
        if (key is null || key.RevokedAt is not null)
            return false;
        key.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        // This process stops accepting it now; other processes within ApiKeyOptions.CacheDuration.
        cache.Forget(key.Hash);
        return true;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
