using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Seeding;

/// <summary>
/// Keeps demo data out of a real installation. The demo's rows are recognised by their keys, which the generator
/// writes and nothing else does: customers referenced <c>DEMO-{seed}-{n}</c> and voices with the external id
/// <c>demo-{seed}-{n}</c> (every demo voice and contact belongs to a demo customer). A customer or a
/// voice with any other key is real, and a database holding one gets no demo data (docs/seed.md).
/// </summary>
public static class DemoDataGuard
{
    public const string CustomerReferencePrefix = "DEMO-";
    public const string ExternalIdPrefix = "demo-";

    /// <summary>Counted up to this many; "more than" beyond, so a large real database is not scanned to the end.</summary>
    private const int CountUpTo = 10_000;

    /// <summary>What the demo did not write, or null when the database is empty or holds demo data only.</summary>
    public static async Task<RealData?> FindAsync(VocDbContext db, CancellationToken cancellationToken = default)
    {
        var customers = await db.Customers.AsNoTracking().Where(c => !c.ReferenceNormalized.StartsWith(CustomerReferencePrefix))
            .OrderBy(c => c.Id).Take(CountUpTo + 1).CountAsync(cancellationToken);
        var feedback = await db.FeedbackItems.AsNoTracking().Where(f => !f.ExternalId.StartsWith(ExternalIdPrefix))
            .OrderBy(f => f.Id).Take(CountUpTo + 1).CountAsync(cancellationToken);
        return customers + feedback == 0 ? null : new RealData(customers, feedback);
    }

    public sealed record RealData(int Customers, int Feedback)
    {
        public override string ToString() =>
            $"the database holds {Count(Customers)} customer(s) and {Count(Feedback)} feedback item(s) that the demo did not write";

        private static string Count(int n) => n > CountUpTo ? $"more than {CountUpTo:N0}" : n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The demo seeder refused to write into a database that holds real data; the message says what it found.</summary>
public sealed class DemoDataRefusedException(DemoDataGuard.RealData found)
    : InvalidOperationException($"No demo data written: {found}. Demo data goes only into an empty database or one that holds demo data alone.")
{
    public DemoDataGuard.RealData Found { get; } = found;
}
