using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// Channels change rarely and are read on every intake request, so they are cached for a short while.
/// Keys match case-insensitively.
/// </summary>
public sealed class ChannelCatalog(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(FrozenDictionary<string, Channel> ByKey, DateTimeOffset LoadedAt);

    public async Task<Channel?> FindAsync(string key, CancellationToken cancellationToken = default)
    {
        var snapshot = await GetAsync(cancellationToken);
        if (snapshot.ByKey.TryGetValue(key.Trim(), out var channel))
            return channel;
        // A channel added a moment ago should not be refused for half a minute.
        snapshot = await ReloadAsync(cancellationToken);
        return snapshot.ByKey.GetValueOrDefault(key.Trim());
    }

    public async Task<IReadOnlyList<string>> KeysAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync(cancellationToken)).ByKey.Values.Select(c => c.Key).Order(StringComparer.Ordinal).ToList();

    public void Invalidate() => _snapshot = null;

    private async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        return snapshot is not null && time.GetUtcNow() - snapshot.LoadedAt < Lifetime ? snapshot : await ReloadAsync(cancellationToken);
    }

    private async Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        var channels = await db.Channels.AsNoTracking().Where(c => !c.IsArchived).ToListAsync(cancellationToken);
        var snapshot = new Snapshot(channels.ToFrozenDictionary(c => c.Key, StringComparer.OrdinalIgnoreCase), time.GetUtcNow());
        _snapshot = snapshot;
        return snapshot;
    }
}
