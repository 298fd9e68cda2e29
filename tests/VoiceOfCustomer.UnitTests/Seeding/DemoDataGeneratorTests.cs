using System.Text.Json;
using Bogus;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.UnitTests.Seeding;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTime Anchor = new(2026, 6, 30, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DemoCatalog Catalog = DemoCatalog.From(ReferenceDataFiles.Load(new SeedOptions().ResolveDirectory()));
    private static readonly string[] Csms = ["csm-a", "csm-b"];

    private static string Snapshot(int seed, int customers = 120, int feedback = 2_000)
    {
        var generator = new DemoDataGenerator(Catalog, seed, Anchor);
        var list = generator.Customers(customers, Csms);
        return JsonSerializer.Serialize(new { list, feedback = generator.Feedback(list, feedback).ToList() });
    }

    [Fact]
    public void The_same_seed_gives_identical_customers_and_feedback()
    {
        var first = Snapshot(42);
        // Bogus's global seed must not leak in: the generator uses its own randomizers.
        var globalSeed = Randomizer.Seed;
        try
        {
            Randomizer.Seed = new Random(12345);
            Assert.Equal(first, Snapshot(42));
        }
        finally
        {
            Randomizer.Seed = globalSeed;
        }
    }

    [Fact]
    public void A_different_seed_gives_different_data()
    {
        var a = new DemoDataGenerator(Catalog, 1, Anchor);
        var b = new DemoDataGenerator(Catalog, 2, Anchor);
        var customersA = a.Customers(50);
        var customersB = b.Customers(50);
        Assert.NotEqual(customersA.Select(c => c.Name), customersB.Select(c => c.Name));
        Assert.NotEqual(a.Feedback(customersA, 100).Select(f => f.Verbatim), b.Feedback(customersB, 100).Select(f => f.Verbatim));
        Assert.NotEqual(Snapshot(1, 20, 50), Snapshot(2, 20, 50));
    }

    [Fact]
    public void Default_sizes_cover_every_channel_language_stage_segment_and_contact_role()
    {
        var generator = new DemoDataGenerator(Catalog, 42, Anchor);
        var customers = generator.Customers(200, Csms);
        var feedback = generator.Feedback(customers, 5_000).ToList();

        Assert.Equal(Enum.GetValues<LifecycleStage>().Order(), customers.Select(c => c.Stage).Distinct().Order());
        Assert.Equal(Catalog.SegmentKeys.Order(), customers.Select(c => c.SegmentKey!).Distinct().Order());
        Assert.Equal(["en", "zh"], customers.Select(c => c.Language).Distinct().Order());
        Assert.Contains(customers, c => c.Name.Contains("有限公司", StringComparison.Ordinal) || c.Name.EndsWith("集团", StringComparison.Ordinal));
        Assert.Equal([ContactRole.User, ContactRole.Buyer], customers.SelectMany(c => c.Contacts).Select(c => c.Role).Distinct().Order());
        Assert.All(customers, c => Assert.Equal(c.Contacts.Count, c.Contacts.Select(x => x.Email).Distinct().Count()));
        Assert.All(customers.Where(c => c.Stage == LifecycleStage.Prospect), c => Assert.Null(c.CsmUserId));
        Assert.All(customers.Where(c => c.Stage != LifecycleStage.Prospect), c => Assert.Contains(c.CsmUserId, Csms));

        Assert.Equal(Catalog.Channels.Select(c => c.Key).Order(), feedback.Select(f => f.ChannelKey).Distinct().Order());
        Assert.Equal(["en", "zh"], feedback.Select(f => f.Language).Distinct().Order());
        Assert.Contains(feedback, f => f.Language == "zh" && f.Verbatim.Any(ch => ch is >= '\u4e00' and <= '\u9fff'));
        Assert.Equal(Catalog.Gaps.Count, feedback.Select(f => f.GapKey).Distinct().Count());
        Assert.Equal(5_000, feedback.Select(f => f.ExternalId).Distinct().Count());
        Assert.All(feedback, f => Assert.InRange(f.Verbatim.Length, DemoDataGenerator.MinVerbatimLength, DemoDataGenerator.MaxVerbatimLength));
        Assert.DoesNotContain(feedback, f => f.Verbatim.Contains('{'));
        Assert.All(feedback, f => Assert.InRange(f.ReceivedAt, Anchor.AddDays(-181), Anchor));
        var created = customers.ToDictionary(c => c.Reference, c => c.CreatedAt);
        Assert.All(feedback, f => Assert.True(f.ReceivedAt >= created[f.CustomerReference], $"{f.ExternalId} predates its customer"));
        Assert.True(feedback.Count(f => f.ReceivedAt >= Anchor.AddDays(-30)) > feedback.Count(f => f.ReceivedAt < Anchor.AddDays(-150)), "recent weeks should be busier");
        Assert.True(feedback.Max(f => f.Verbatim.Length) > 300, "some voices should be long");
        Assert.True(feedback.Min(f => f.Verbatim.Length) < 100, "some voices should be short");

        var surveys = feedback.Where(f => f.ChannelKey == "survey").ToList();
        Assert.All(surveys, f => Assert.InRange(JsonDocument.Parse(f.MetadataJson!).RootElement.GetProperty("nps").GetInt32(), 0, 10));
        Assert.Contains(feedback, f => f.MetadataJson?.Contains("ticketUrl", StringComparison.Ordinal) == true);
        Assert.Contains(feedback, f => f.MetadataJson is null);
    }

    [Fact]
    public void Economics_follow_the_segment()
    {
        var customers = new DemoDataGenerator(Catalog, 7, Anchor).Customers(300);
        var paying = customers.Where(c => c.AnnualRecurringRevenue is not null).ToList();
        Assert.All(paying, c => Assert.True(c.LifetimeValue > c.AcquisitionCost, $"{c.Reference} has LTV {c.LifetimeValue} below CAC {c.AcquisitionCost}"));
        var strategic = paying.Where(c => c.SegmentKey == "strategic-cobuild").Min(c => c.AnnualRecurringRevenue);
        var smb = paying.Where(c => c.SegmentKey == "smb").Max(c => c.AnnualRecurringRevenue);
        Assert.True(strategic > smb);
        Assert.All(customers.Where(c => c.Stage == LifecycleStage.Prospect), c => Assert.Equal("prospect-trial", c.SegmentKey));
    }

    [Fact]
    public void Even_a_handful_of_customers_covers_every_stage_and_the_first_voices_every_channel()
    {
        var generator = new DemoDataGenerator(Catalog, 3, Anchor);
        var customers = generator.Customers(Enum.GetValues<LifecycleStage>().Length);
        Assert.Equal(Enum.GetValues<LifecycleStage>().Length, customers.Select(c => c.Stage).Distinct().Count());
        var feedback = generator.Feedback(customers, 5).ToList();
        Assert.Equal(Catalog.Channels.Count, feedback.Select(f => f.ChannelKey).Distinct().Count());
    }

    [Fact]
    public void Without_channels_the_generator_says_reference_data_is_missing()
    {
        var empty = new DemoCatalog([], [], [], []);
        var generator = new DemoDataGenerator(empty, 1, Anchor);
        var customers = generator.Customers(3);
        var error = Assert.Throws<InvalidOperationException>(() => generator.Feedback(customers, 1).ToList());
        Assert.Contains("channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gaps_without_templates_get_generic_voices_from_their_names()
    {
        var catalog = new DemoCatalog(["smb"], [new("support", Touchpoint.SupportTicket)],
            [new("custom-gap", "Label printer driver is missing", "缺少标签打印机驱动")], [new("ticket-volume", "Ticket volume", "工单量")]);
        var generator = new DemoDataGenerator(catalog, 5, Anchor);
        var feedback = generator.Feedback(generator.Customers(10), 200).ToList();
        Assert.Contains(feedback, f => f.Verbatim.Contains("Label printer driver is missing", StringComparison.Ordinal));
        Assert.Contains(feedback, f => f.Verbatim.Contains("缺少标签打印机驱动", StringComparison.Ordinal));
    }
}
