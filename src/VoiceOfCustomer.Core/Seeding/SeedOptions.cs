using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Seeding;

/// <summary>Where the reference data files live and how big the demo organisation is. Bound from the <c>Seed</c> section.</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    /// <summary>Folder holding channels.json, segments.json and taxonomy.json; null uses <see cref="ResolveDirectory"/>'s default.</summary>
    public string? Directory { get; set; }

    /// <summary>Demo customers created on an empty Development database and by <c>voc seed</c> without <c>--customers</c>.</summary>
    public int Customers { get; set; } = 200;

    /// <summary>Demo feedback items, likewise.</summary>
    public int Feedback { get; set; } = 5_000;

    /// <summary>
    /// The demo voices live through two quarters of the attribution SLA (most coded in time, a month of breaches and
    /// escalations, a recovery, a few still open), so every report and queue has a history; false stores them all
    /// new and uncoded, as if they had all arrived at once.
    /// </summary>
    public bool SlaHistory { get; set; } = true;

    /// <summary>Random seed: the same seed and anchor date always give the same demo data.</summary>
    public int RandomSeed { get; set; } = 42;

    /// <summary>Password of the demo users created in Development. Meets the Identity password rules.</summary>
    public string DemoPassword { get; set; } = "Demo!2345";

    /// <summary>
    /// The configured folder (relative paths under the checkout's root), else <c>seed</c> beside the program,
    /// else the checkout's <c>seed/</c> (tools run from a source tree that did not copy the files).
    /// </summary>
    public string ResolveDirectory()
    {
        if (!string.IsNullOrWhiteSpace(Directory))
            return Path.GetFullPath(Directory, DatabaseServiceCollectionExtensions.DataRoot());
        var beside = Path.Combine(AppContext.BaseDirectory, "seed");
        if (File.Exists(Path.Combine(beside, ReferenceDataFiles.Channels)))
            return beside;
        var inCheckout = Path.Combine(DatabaseServiceCollectionExtensions.DataRoot(), "seed");
        return File.Exists(Path.Combine(inCheckout, ReferenceDataFiles.Channels)) ? inCheckout : beside;
    }
}
