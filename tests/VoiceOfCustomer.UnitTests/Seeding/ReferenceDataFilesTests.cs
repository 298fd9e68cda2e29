using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;

namespace VoiceOfCustomer.UnitTests.Seeding;

public sealed class ReferenceDataFilesTests
{
    [Fact]
    public void The_shipped_seed_files_are_valid_and_bilingual()
    {
        var data = ReferenceDataFiles.Load(new SeedOptions().ResolveDirectory());

        Assert.Equal(["community", "cs-interview", "presales", "support", "survey"], data.Channels.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Equal(Enum.GetValues<Touchpoint>().Order(), data.Channels.Select(c => c.Touchpoint).Order());
        Assert.Equal(TimeSpan.FromHours(24), data.Segments.Single(s => s.Key == "strategic-cobuild").AttributionTarget);
        Assert.Equal(3, data.Segments.Single(s => s.Key == "strategic-cobuild").RoadmapWeight);
        Assert.True(data.BusinessMetrics.Count >= 10);
        Assert.True(data.CapabilityGaps.Count >= 10);
        Assert.NotEmpty(data.Tags);
        Assert.All(data.OwningDomains, d => Assert.EndsWith("@example.com", d.OwnerEmail, StringComparison.Ordinal));
        var names = data.Channels.Select(c => (c.Name, c.NameZh)).Concat(data.Segments.Select(s => (s.Name, s.NameZh)))
            .Concat(data.BusinessMetrics.Select(m => (m.Name, m.NameZh))).Concat(data.OwningDomains.Select(d => (d.Name, d.NameZh)))
            .Concat(data.CapabilityGaps.Select(g => (g.Name, g.NameZh))).Concat(data.Tags.Select(t => (t.Name, t.NameZh)));
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(n.NameZh), $"'{n.Name}' has no Chinese name"));
    }

    [Fact]
    public void Invalid_entries_are_all_reported_with_file_and_entry()
    {
        var folder = Directory.CreateTempSubdirectory("voc-seed-");
        try
        {
            var source = new SeedOptions().ResolveDirectory();
            File.Copy(Path.Combine(source, ReferenceDataFiles.Segments), Path.Combine(folder.FullName, ReferenceDataFiles.Segments));
            File.WriteAllText(Path.Combine(folder.FullName, ReferenceDataFiles.Channels), """
                { "channels": [ { "key": "support", "name": "Support", "touchpoint": "Fax" }, { "key": "Bad Key", "name": "x", "touchpoint": "Survey" } ] }
                """);
            File.WriteAllText(Path.Combine(folder.FullName, ReferenceDataFiles.Taxonomy), """
                {
                  "owningDomains": [ { "key": "ops", "name": "Ops", "ownerEmail": "ops@example.com" } ],
                  "capabilityGaps": [ { "key": "gap-one", "name": "Gap", "owningDomain": "nobody" } ],
                  "tags": [ { "key": "dup", "name": "A" }, { "key": "dup", "name": "B" } ]
                }
                """);

            var error = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.FullName));

            Assert.Contains("channels.json: channels[0] 'support': touchpoint 'Fax'", error.Message, StringComparison.Ordinal);
            Assert.Contains("channels.json: channels[1] 'Bad Key': key is required", error.Message, StringComparison.Ordinal);
            Assert.Contains("taxonomy.json: capabilityGaps[0] 'gap-one': owningDomain 'nobody'", error.Message, StringComparison.Ordinal);
            Assert.Contains("taxonomy.json: tags[1] 'dup': key is used by an earlier entry", error.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(folder.FullName, ReferenceDataFiles.Channels), "{ \"channels\": [ { \"key\": ");
            var json = Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.FullName));
            Assert.StartsWith("channels.json: not valid JSON", json.Message, StringComparison.Ordinal);

            File.Delete(Path.Combine(folder.FullName, ReferenceDataFiles.Channels));
            Assert.Contains("is missing", Assert.Throws<SeedFileException>(() => ReferenceDataFiles.Load(folder.FullName)).Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
