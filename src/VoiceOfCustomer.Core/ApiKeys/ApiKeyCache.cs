using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.ApiKeys;

/// <summary>API keys, bound from the <c>ApiKeys</c> section.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>
    /// How long an instance trusts a key it has checked without reading the database again. A key revoked by this
    /// process is dropped at once; one revoked elsewhere (another web instance, <c>voc apikey revoke</c>) keeps working
    /// here for at most this long. Zero checks the database on every call.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Remembers checked tokens (by hash) for <see cref="ApiKeyOptions.CacheDuration"/> so that a busy integration does not
/// cost a database read per request. <see cref="ApiKeyService.RevokeAsync"/> drops the revoked key here.
/// </summary>
public sealed class ApiKeyCache(IOptions<ApiKeyOptions> options, TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset Expires)> _entries = new();
    private long _revocations;

    public async Task<ApiKey?> GetOrLoadAsync(string token, Func<Task<ApiKey?>> load)
    {
        var lifetime = options.Value.CacheDuration;
        if (lifetime <= TimeSpan.Zero)
            return await load();
        var hash = ApiKeyService.Hash(token);
        if (_entries.TryGetValue(hash, out var entry) && entry.Expires > time.GetUtcNow())
            return entry.Key;

        var revocationsBefore = Interlocked.Read(ref _revocations);
        var key = await load();
        // A key revoked while it was being read may have been read as still valid: answer this call, remember nothing.
        if (Interlocked.Read(ref _revocations) != revocationsBefore)
            return key;
        if (_entries.Count > MaxEntries)
            _entries.Clear();
        _entries[hash] = (key, time.GetUtcNow() + lifetime);
        return key;
    }

    /// <summary>Forgets the key whose token hashes to <paramref name="hash"/> (see <see cref="ApiKey.Hash"/>).</summary>
    public void Forget(string hash)
    {
        Interlocked.Increment(ref _revocations);
        _entries.TryRemove(hash, out _);
    }
}
