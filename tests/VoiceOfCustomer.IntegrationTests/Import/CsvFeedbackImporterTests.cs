using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.Intake;
using static VoiceOfCustomer.IntegrationTests.Import.ImportTestFiles;

namespace VoiceOfCustomer.IntegrationTests.Import;

public sealed class CsvFeedbackImporterTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static TestDatabase Create(string provider) => TestDatabase.Create(provider);

    private static async Task<VocAppFactory> StartAsync(TestDatabase? database = null, IDictionary<string, string?>? settings = null)
    {
        var app = new VocAppFactory(database ?? TestDatabase.CreateSqlite(), settings);
        await app.EnsureChannelsAsync();
        return app;
    }

    private static Task<ImportReport> ImportAsync(VocAppFactory app, Stream csv, string? channel = "support", IReadOnlyDictionary<string, string>? map = null, Guid? jobId = null) =>
        app.Services.GetRequiredService<CsvFeedbackImporter>().ImportAsync(csv, new ImportRequest { ChannelKey = channel, FileName = "test.csv", ColumnMap = map, JobId = jobId });

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_import_exactly_and_a_second_run_only_finds_duplicates(string provider)
    {
        using var app = await StartAsync(Create(provider));

        var first = await ImportAsync(app, Stream(HappyCsv));
        Assert.Equal((3, 3, 0, 0), (first.RowsRead, first.Imported, first.Duplicates, first.Rejected));

        var items = await app.WithDbAsync(db => db.FeedbackItems.Include(f => f.Contact).Include(f => f.Customer).Include(f => f.Channel)
            .OrderBy(f => f.ExternalId).ToListAsync());
        Assert.Equal(["H-1", "H-2", "H-3"], items.Select(i => i.ExternalId));
        Assert.Equal("补货预测没有读取实时促销数据，导致门店首日缺货。", items[0].Verbatim);
        Assert.Equal("zh", items[0].Language);
        Assert.Equal(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc), items[0].ReceivedAt);
        Assert.Equal("""{"priority":"high"}""", items[0].MetadataJson?.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("wang@acme.example", items[0].Contact!.Email);
        Assert.Equal(ContactRole.Buyer, items[0].Contact!.Role);
        Assert.Equal("support", items[0].Channel!.Key);
        Assert.Equal("Exports are slow, and the \"Excel\" button\nbreaks on Mondays.", items[1].Verbatim);
        Assert.Equal(new DateTime(2026, 3, 4, 4, 0, 0, DateTimeKind.Utc), items[1].ReceivedAt); // +02:00 converted
        Assert.Equal("en", items[1].Language);
        Assert.Equal(items[0].CustomerId, items[1].CustomerId);
        Assert.Equal(new DateTime(2026, 3, 5, 10, 0, 0, DateTimeKind.Utc), items[2].ReceivedAt); // no offset: UTC
        Assert.Equal(LifecycleStage.Prospect, items[2].Customer!.LifecycleStage);

        var second = await ImportAsync(app, Stream(HappyCsv));
        Assert.Equal((3, 0, 3, 0), (second.RowsRead, second.Imported, second.Duplicates, second.Rejected));
        Assert.Equal(3, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
        Assert.Equal(2, await app.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rows_without_an_external_id_get_a_derived_one_so_re_import_is_still_idempotent(string provider)
    {
        using var app = await StartAsync(Create(provider));
        const string csv = "customer,verbatim,receivedAt\nACME-1,First,2026-01-01T00:00:00Z\nACME-1,Second,2026-01-01T00:00:00Z\n";

        Assert.Equal(2, (await ImportAsync(app, Stream(csv))).Imported);
        var again = await ImportAsync(app, Stream(csv));

        Assert.Equal((0, 2), (again.Imported, again.Duplicates));
        Assert.All(await app.WithDbAsync(db => db.FeedbackItems.Select(f => f.ExternalId).ToListAsync()), id => Assert.StartsWith("sha256:", id));
    }

    [Fact]
    public async Task A_wrong_header_fails_before_anything_is_written_and_names_the_columns()
    {
        using var app = await StartAsync();
        var job = await app.Services.GetRequiredService<ImportJobStore>().CreateAsync("bad.csv", "support", null, null);
        const string csv = "externalId,client,text,colour\nX-1,ACME,hello,red\n";

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream(csv), jobId: job.Id));

        Assert.Contains("unknown column 'client'", error.Message);
        Assert.Contains("unknown column 'colour'", error.Message);
        Assert.Contains("'verbatim' is missing", error.Message);
        Assert.Contains("'customer' is missing", error.Message);
        Assert.Equal(0, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Customers.CountAsync()));
        var stored = await app.WithDbAsync(db => db.ImportJobs.SingleAsync());
        Assert.Equal(ImportJobStatus.Failed, stored.Status);
        Assert.Equal(error.Message, stored.Error);
    }

    [Fact]
    public async Task Duplicate_columns_and_unknown_channels_are_wrong_input_too()
    {
        using var app = await StartAsync();

        var duplicate = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream("customer,verbatim,Verbatim\na,b,c\n")));
        Assert.Contains("duplicate column 'Verbatim'", duplicate.Message);
        var alias = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream("customer,verbatim,contact.email,contactEmail\na,b,c,d\n")));
        Assert.Contains("both feed 'contact.email'", alias.Message);
        var channel = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream("customer,verbatim\na,b\n"), channel: "nope"));
        Assert.Contains("Unknown channel 'nope'", channel.Message);
        var empty = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream("")));
        Assert.Contains("empty", empty.Message);
        Assert.Equal(0, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
    }

    [Fact]
    public async Task Bad_rows_are_rejected_with_their_line_and_field_while_the_others_import()
    {
        using var app = await StartAsync();
        var future = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var text = $"""
            externalId,customer,verbatim,receivedAt
            R-1,ACME,"fine, and spans
            two lines",2026-01-01T00:00:00Z
            R-2,ACME,ragged row,2026-01-01T00:00:00Z,extra
            R-3,ACME,bad date,yesterday
            R-4,ACME,,2026-01-01T00:00:00Z
            R-5,ACME,{new string('x', FeedbackItem.VerbatimMaxLength + 1)},2026-01-01T00:00:00Z
            R-6,ACME,from the future,{future}
            R-7,ACME,"bad ""quoting"" here"x,2026-01-01T00:00:00Z

            """;
        var badUtf8 = Concat(Utf8("R-8,ACME,caf"), [0xC3, 0x28], Utf8(" au lait,2026-01-01T00:00:00Z\n"));
        var tail = Utf8("R-9,ACME,最后一行,2026-01-02T00:00:00Z\n");
        var csv = new MemoryStream(Concat(Utf8(text), badUtf8, tail));

        var report = await ImportAsync(app, csv);

        Assert.Equal((9, 2, 7), (report.RowsRead, report.Imported, report.Rejected));
        Assert.Equal(
            [(4, "row"), (5, "receivedAt"), (6, "verbatim"), (7, "verbatim"), (8, "receivedAt"), (9, "row"), (10, "verbatim")],
            report.Rejections.Select(r => (r.LineNumber, r.Field)));
        Assert.Contains("yesterday", report.Rejections[1].Reason);
        Assert.Contains("UTF-8", report.Rejections[6].Reason);
        Assert.Equal(["R-1", "R-9"], await app.WithDbAsync(db => db.FeedbackItems.OrderBy(f => f.ExternalId).Select(f => f.ExternalId).ToListAsync()));
    }

    [Fact]
    public async Task Columns_can_be_renamed_or_ignored_and_headers_match_ignoring_case_after_a_BOM()
    {
        using var app = await StartAsync();
        var csv = new MemoryStream(Concat([0xEF, 0xBB, 0xBF], Utf8("Ticket,Account,Text,VERBATIM_LANG,contactEmail,Notes\nT-1,ACME,Hello there,en,ann@acme.example,internal\n")));
        var map = new Dictionary<string, string> { ["ticket"] = "externalId", ["account"] = "customer", ["text"] = "verbatim", ["verbatim_lang"] = "language", ["notes"] = "-" };

        var report = await ImportAsync(app, csv, map: map);

        Assert.Equal(1, report.Imported);
        var item = await app.WithDbAsync(db => db.FeedbackItems.Include(f => f.Contact).SingleAsync());
        Assert.Equal(("T-1", "Hello there", "ann@acme.example"), (item.ExternalId, item.Verbatim, item.Contact!.Email));

        var unused = await Assert.ThrowsAsync<ImportRejectedException>(() => ImportAsync(app, Stream("customer,verbatim\na,b\n"), map: new Dictionary<string, string> { ["ticket"] = "externalId" }));
        Assert.Contains("'ticket', which is not in the header", unused.Message);
    }

    [Fact]
    public async Task A_channel_column_overrides_the_default_per_row()
    {
        using var app = await StartAsync();
        const string csv = "externalId,customer,verbatim,channel\nC-1,ACME,one,survey\nC-2,ACME,two,\nC-3,ACME,three,nowhere\n";

        var report = await ImportAsync(app, Stream(csv), channel: "support");

        Assert.Equal((2, 1), (report.Imported, report.Rejected));
        Assert.Equal((4, "channel"), (report.Rejections[0].LineNumber, report.Rejections[0].Field));
        var channels = await app.WithDbAsync(db => db.FeedbackItems.OrderBy(f => f.ExternalId).Select(f => f.Channel!.Key).ToListAsync());
        Assert.Equal(["survey", "support"], channels);
    }

    [Fact]
    public async Task A_job_records_progress_and_rejections_and_the_stored_rejections_are_capped()
    {
        using var app = await StartAsync(settings: new Dictionary<string, string?> { ["Import:MaxStoredRejections"] = "3", ["Import:BatchSize"] = "2" });
        var jobs = app.Services.GetRequiredService<ImportJobStore>();
        var job = await jobs.CreateAsync("mixed.csv", "support", null, null);
        var csv = new StringBuilder("externalId,customer,verbatim\n");
        for (var i = 1; i <= 10; i++)
            csv.Append(i % 2 == 0 ? $"J-{i},ACME,\n" : $"J-{i},ACME,voice {i}\n");
        var progress = new List<ImportProgress>();

        var report = await app.Services.GetRequiredService<CsvFeedbackImporter>().ImportAsync(Stream(csv.ToString()),
            new ImportRequest { ChannelKey = "support", FileName = "mixed.csv", JobId = job.Id }, new SynchronousProgress<ImportProgress>(progress.Add));

        Assert.Equal((5, 5, 3), (report.Imported, report.Rejected, report.Rejections.Count));
        Assert.True(progress.Count >= 5);
        Assert.Equal(100, progress[^1].Percent);
        var stored = await app.WithDbAsync(db => db.ImportJobs.Include(j => j.Rejections).SingleAsync());
        Assert.Equal((ImportJobStatus.Succeeded, 10, 5, 0, 5), (stored.Status, stored.RowsRead, stored.Imported, stored.Duplicates, stored.Rejected));
        Assert.Equal([3, 5, 7], stored.Rejections.OrderBy(r => r.LineNumber).Select(r => r.LineNumber));
        Assert.NotNull(stored.FinishedAt);
    }
}
