using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Intake;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Security;

/// <summary>
/// One Production app for the probe's bad-input cases (issue 15, items 1, 2, 4, 5 and 6): the shipped
/// <c>helpdesk</c> webhook source (appsettings.json) plus one source per Unix-time unit.
/// </summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Intake:Webhooks:Sources:unixdesk:Channel"] = "support",
        ["Intake:Webhooks:Sources:unixdesk:ReceivedAtFormat"] = "unix-seconds",
        ["Intake:Webhooks:Sources:unixdesk:Fields:externalId"] = "id",
        ["Intake:Webhooks:Sources:unixdesk:Fields:customer"] = "org",
        ["Intake:Webhooks:Sources:unixdesk:Fields:verbatim"] = "text",
        ["Intake:Webhooks:Sources:unixdesk:Fields:receivedAt"] = "created_at",
        ["Intake:Webhooks:Sources:msdesk:Channel"] = "support",
        ["Intake:Webhooks:Sources:msdesk:ReceivedAtFormat"] = "unix-milliseconds",
        ["Intake:Webhooks:Sources:msdesk:Fields:externalId"] = "id",
        ["Intake:Webhooks:Sources:msdesk:Fields:customer"] = "org",
        ["Intake:Webhooks:Sources:msdesk:Fields:verbatim"] = "text",
        ["Intake:Webhooks:Sources:msdesk:Fields:receivedAt"] = "created_at",
    };

    public VocAppFactory App { get; } = new(TestDatabase.CreateSqlite(), Settings) { Environment = "Production" };
    public HttpClient Api { get; private set; } = null!;
    public int CustomerId { get; private set; }

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        Api = App.CreateApiClient(await App.CreateApiKeyAsync("intake", "read", "coding"));
        CustomerId = (await WebTestSupport.AddCustomerAsync(App, "ACME-001", "Acme Retail")).Id;
    }

    public Task DisposeAsync()
    {
        Api.Dispose();
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class BadInputRegressionTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    private HttpClient Api => fixture.Api;

    private static ByteArrayContent JsonBytes(byte[] body) =>
        new(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } };

    private static ByteArrayContent JsonBytes(string body) => JsonBytes(Encoding.UTF8.GetBytes(body));

    /// <summary><paramref name="json"/> as UTF-8 with its first <c>#</c> replaced by a byte that is never UTF-8 (0xFF).</summary>
    private static byte[] WithInvalidUtf8(string json)
    {
        var parts = json.Split('#', 2);
        return [.. Encoding.UTF8.GetBytes(parts[0]), 0xFF, .. Encoding.UTF8.GetBytes(parts[1])];
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A 400 whose <c>errors</c> name <paramref name="field"/>; returns its first message.</summary>
    private static async Task<string> FieldErrorAsync(HttpResponseMessage response, string field) =>
        (await IntakeApiTestBase.AssertFieldErrorAsync(response, field)).GetProperty("errors").GetProperty(field)[0].GetString()!;

    private Task<bool> StoredAsync(string externalId) => fixture.App.WithDbAsync(db => db.FeedbackItems.AnyAsync(f => f.ExternalId == externalId));

    // ---- 1. Invalid UTF-8 and lone surrogates ------------------------------------------------------------

    private static string Ticket(string externalId, string description, string priority = "high", string createdAt = "\"2026-01-05T08:00:00Z\"") =>
        $$"""{ "ticket": { "id": "{{externalId}}", "created_at": {{createdAt}}, "priority": "{{priority}}", "organization": { "external_id": "ACME-001" }, "description": "{{description}}" } }""";

    [Fact]
    public async Task Webhook_with_invalid_utf8_in_a_mapped_string_is_400_naming_the_field()
    {
        var id = Unique("W");
        var body = WithInvalidUtf8(Ticket(id, "x#")); // "description": "x\xff", as the probe sent it

        var message = await FieldErrorAsync(await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(body)), "verbatim");

        Assert.Contains("UTF-8", message, StringComparison.Ordinal);
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_with_a_lone_surrogate_in_a_mapped_string_is_400_naming_the_field()
    {
        var id = Unique("W");
        await FieldErrorAsync(await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(Ticket(id, "x\\ud800"))), "verbatim");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_with_a_bad_string_in_a_metadata_path_is_400_naming_metadata()
    {
        var id = Unique("W");
        await FieldErrorAsync(await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(Ticket(id, "fine", priority: "\\udc00"))), "metadata");
        var other = Unique("W");
        await FieldErrorAsync(await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(WithInvalidUtf8(Ticket(other, "fine", priority: "#")))), "metadata");
        Assert.False(await StoredAsync(id));
        Assert.False(await StoredAsync(other));
    }

    [Fact]
    public async Task Json_intake_refuses_bad_strings_in_metadata_and_names_it()
    {
        var id = Unique("J");
        var json = $$"""{ "channel": "support", "externalId": "{{id}}", "customer": "ACME-001", "verbatim": "fine", "metadata": { "note": "\udfff" } }""";
        await FieldErrorAsync(await Api.PostAsync("/api/feedback", JsonBytes(json)), "metadata");

        await FieldErrorAsync(await Api.PostAsync("/api/feedback", JsonBytes(WithInvalidUtf8(json.Replace("\\udfff", "#", StringComparison.Ordinal)))), "metadata");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Json_intake_and_batch_name_the_field_of_invalid_utf8_and_lone_surrogates()
    {
        var id = Unique("J");
        var single = WithInvalidUtf8($$"""{ "channel": "support", "externalId": "{{id}}", "customer": "ACME-001", "verbatim": "x#" }""");
        await FieldErrorAsync(await Api.PostAsync("/api/feedback", JsonBytes(single)), "verbatim");

        var batch = $$"""{ "items": [ { "channel": "support", "externalId": "{{id}}-1", "customer": "ACME-001", "verbatim": "x\ud800" },""" +
            $$""" { "channel": "support", "externalId": "{{id}}-2", "customer": "ACME-001", "verbatim": "fine" } ] }""";
        var response = await Api.PostAsync("/api/feedback/batch", JsonBytes(batch));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items");
        Assert.Equal("invalid", items[0].GetProperty("status").GetString());
        Assert.True(items[0].GetProperty("errors").TryGetProperty("verbatim", out _), body);
        Assert.Equal("created", items[1].GetProperty("status").GetString());
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task A_NUL_character_in_a_text_field_is_400_naming_it()
    {
        var id = Unique("J");
        var json = $$"""{ "channel": "support", "externalId": "{{id}}", "customer": "ACME-001", "verbatim": "a\u0000b" }""";
        var message = await FieldErrorAsync(await Api.PostAsync("/api/feedback", JsonBytes(json)), "verbatim");
        Assert.Contains("U+0000", message, StringComparison.Ordinal);
        await FieldErrorAsync(await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(Ticket(Unique("W"), "a\\u0000b"))), "verbatim");
        Assert.False(await StoredAsync(id));
    }

    // ---- 2. Dates a user types -----------------------------------------------------------------------------

    [Theory]
    [InlineData("/sla?to=9999-12-31")]
    [InlineData("/sla?from=9999-12-30&to=9999-12-31")]
    [InlineData("/sla?from=0001-01-01&to=0001-01-02")]
    [InlineData("/sla/escalations?to=9999-12-31")]
    [InlineData("/sla/escalations?from=0001-01-01")]
    [InlineData("/feedback?to=9999-12-31")]
    [InlineData("/feedback?from=0001-01-01")]
    public async Task A_date_out_of_range_on_a_page_is_a_message_naming_the_field_not_a_500(string url)
    {
        using var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Leadership);

        var response = await client.GetAsync(url);

        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        Assert.Contains("between 1900-01-01 and 2999-12-31", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_out_of_range_message_reads_in_Chinese()
    {
        using var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.ProductManager);
        client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        Assert.Contains("不在 1900-01-01 至 2999-12-31 之间", WebUtility.HtmlDecode(await client.GetStringAsync("/sla?to=9999-12-31")), StringComparison.Ordinal);
        Assert.Contains("不在 1900-01-01 至 2999-12-31 之间", WebUtility.HtmlDecode(await client.GetStringAsync("/feedback?from=0001-01-01")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weeks", "to=9999-12-31", "to")]
    [InlineData("csms", "from=0001-01-01", "from")]
    [InlineData("segments", "from=yesterday", "from")]
    public async Task A_bad_date_on_an_sla_export_is_400_problem_details_naming_it(string table, string query, string field)
    {
        using var client = await WebTestSupport.SignedInClientAsync(fixture.App, Roles.Leadership);
        await FieldErrorAsync(await client.GetAsync($"/sla/export/{table}?{query}"), field);
    }

    [Theory]
    [InlineData("to=9999-12-31T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    public async Task An_api_list_date_out_of_range_is_400_naming_it(string query, string field)
    {
        var message = await FieldErrorAsync(await Api.GetAsync("/api/feedback?" + query), field);
        Assert.Contains("between 1900-01-01 and 2999-12-31", message, StringComparison.Ordinal);
    }

    // ---- 4. Webhook timestamps: the unit is the source's, and dates must be plausible ------------------------------

    private Task<HttpResponseMessage> DeliverUnixAsync(string source, string id, string createdAt) =>
        Api.PostAsync($"/api/webhooks/{source}", JsonBytes($$"""{ "id": "{{id}}", "org": "ACME-001", "text": "Export is slow.", "created_at": {{createdAt}} }"""));

    private async Task<DateTime> ReceivedAtAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("receivedAt").GetDateTime().ToUniversalTime();
    }

    [Fact]
    public async Task Year_9999_in_unix_seconds_is_400_naming_receivedAt_never_1978()
    {
        var id = Unique("U");
        var message = await FieldErrorAsync(await DeliverUnixAsync("unixdesk", id, "253402300799"), "receivedAt");
        Assert.Contains("future", message, StringComparison.Ordinal);
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Each_source_reads_its_own_unit()
    {
        var expected = new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc);
        Assert.Equal(expected, await ReceivedAtAsync(await DeliverUnixAsync("unixdesk", Unique("U"), "1700000000")));
        Assert.Equal(expected, await ReceivedAtAsync(await DeliverUnixAsync("msdesk", Unique("M"), "1700000000000")));
        // Milliseconds read as seconds would be the year 55,800: refused, not misread.
        await FieldErrorAsync(await DeliverUnixAsync("unixdesk", Unique("U"), "1700000000000"), "receivedAt");
    }

    [Fact]
    public async Task A_time_before_the_window_is_400_naming_receivedAt()
    {
        var id = Unique("M");
        // 253402300799 ms is 1978-01-11, the date the probe's value was stored as.
        var message = await FieldErrorAsync(await DeliverUnixAsync("msdesk", id, "253402300799"), "receivedAt");
        Assert.Contains("2000-01-01", message, StringComparison.Ordinal);
        Assert.False(await StoredAsync(id));

        await FieldErrorAsync(await Api.PostAsJsonAsync("/api/feedback", new
        {
            channel = "support", externalId = Unique("J"), customer = "ACME-001", verbatim = "Old.", receivedAt = "1978-01-11T00:00:00Z",
        }), "receivedAt");
    }

    [Fact]
    public async Task An_iso_8601_source_refuses_a_number_and_says_which_setting_reads_it()
    {
        var id = Unique("W");
        var message = await FieldErrorAsync(
            await Api.PostAsync("/api/webhooks/helpdesk", JsonBytes(Ticket(id, "Export is slow.", createdAt: "253402300799"))), "receivedAt");
        Assert.Contains("ReceivedAtFormat", message, StringComparison.Ordinal);
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task A_csv_row_before_the_window_is_rejected_naming_receivedAt()
    {
        var csv = "externalId,customer,verbatim,receivedAt\nC-1978,ACME-001,Old voice,1978-01-11T00:00:00Z\nC-2026,ACME-001,New voice,2026-01-05T08:00:00Z\n";
        await using var scope = fixture.App.Scope();
        var report = await scope.ServiceProvider.GetRequiredService<CsvFeedbackImporter>().ImportAsync(
            new MemoryStream(Encoding.UTF8.GetBytes(csv)), new ImportRequest { ChannelKey = "support", FileName = "old.csv" });

        Assert.Equal((1, 1), (report.Imported, report.Rejected));
        Assert.False(await StoredAsync("C-1978"));
        Assert.True(await StoredAsync("C-2026"));
    }

    // ---- 6. Ids are JSON numbers, never numeric strings -----------------------------------------------------------

    [Theory]
    [InlineData("""{ "impact": { "metricId": "3", "direction": "down" }, "submit": false, "version": 0 }""", "impact.metricId")]
    [InlineData("""{ "rootCause": { "capabilityGapId": "1" }, "submit": false, "version": 0 }""", "rootCause.capabilityGapId")]
    [InlineData("""{ "owningDomainId": "1", "submit": false, "version": 0 }""", "owningDomainId")]
    [InlineData("""{ "tags": [ "1" ], "submit": false, "version": 0 }""", "tags[0]")]
    [InlineData("""{ "valueDimension": "pain", "submit": false, "version": "0" }""", "version")]
    [InlineData("""{ "impact": { "magnitude": "4.5" }, "submit": false, "version": 0 }""", "impact.magnitude")]
    public async Task A_number_sent_as_a_string_is_400_naming_the_field(string json, string field)
    {
        var item = await WebTestSupport.AddFeedbackAsync(fixture.App, new FeedbackItemSpec("support", Unique("A"), fixture.CustomerId, "Slow.", DateTime.UtcNow.AddHours(-1)));

        var message = await FieldErrorAsync(await Api.PostAsync($"/api/feedback/{item}/attribution", JsonBytes(json)), field);

        Assert.Contains("expected", message, StringComparison.Ordinal);
        Assert.Null(await fixture.App.WithDbAsync(db => db.Attributions.FirstOrDefaultAsync(a => a.FeedbackItemId == item)));
    }

    [Fact]
    public async Task A_merge_target_sent_as_a_string_is_400_naming_duplicateOf()
    {
        var ids = await WebTestSupport.AddFeedbackAsync(fixture.App,
        [
            new FeedbackItemSpec("support", Unique("A"), fixture.CustomerId, "Slow.", DateTime.UtcNow.AddHours(-1)),
            new FeedbackItemSpec("support", Unique("A"), fixture.CustomerId, "Slow too.", DateTime.UtcNow.AddHours(-1)),
        ]);
        var json = $$"""{ "duplicateOf": "{{ids[1].ToString(CultureInfo.InvariantCulture)}}" }""";

        await FieldErrorAsync(await Api.PostAsync($"/api/feedback/{ids[0]}/merge", JsonBytes(json)), "duplicateOf");
    }
}

/// <summary>
/// The feedback search for U+0000 (issue 15, item 5) on every provider: SQLite's LIKE stopped at the NUL and matched
/// everything; PostgreSQL cannot hold the character at all, and SQL Server's voices came after intake refused it, so
/// nothing matches there (and the server is never sent one).
/// </summary>
public sealed class NulSearchTests
{
    public static TheoryData<string> Providers => TestDatabase.Providers;

    private static async Task<VocAppFactory> StartAsync(string provider)
    {
        var app = new VocAppFactory(TestDatabase.Create(provider)) { Environment = "Production" };
        await app.EnsureChannelsAsync();
        return app;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Searching_for_NUL_finds_only_the_items_that_contain_it(string provider)
    {
        using var app = await StartAsync(provider);
        var customer = (await WebTestSupport.AddCustomerAsync(app, "ACME-001", "Acme Retail")).Id;
        var now = DateTime.UtcNow;
        var plain = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "N-1", customer, "Plain text, Export is slow.", now.AddHours(-2)));
        long? withNul = null;
        if (provider == "Sqlite")
            // Stored before intake refused the character (PostgreSQL never could store it).
            withNul = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "N-2", customer, "Binary\0junk, export", now.AddHours(-1)));
        using var api = app.CreateApiClient(await app.CreateApiKeyAsync("read"));

        var response = await api.GetAsync("/api/feedback?q=%00");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var ids = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(withNul is { } id ? [id] : [], ids);

        // The rest of the search is unchanged: case-insensitive, and a NUL inside the text is matched exactly.
        var export = JsonDocument.Parse(await api.GetStringAsync("/api/feedback?q=EXPORT")).RootElement.GetProperty("items").GetArrayLength();
        Assert.Equal(withNul is null ? 1 : 2, export);
        var around = JsonDocument.Parse(await api.GetStringAsync("/api/feedback?q=BINARY%00JUNK")).RootElement.GetProperty("items").GetArrayLength();
        Assert.Equal(withNul is null ? 0 : 1, around);

        using var web = await WebTestSupport.SignedInClientAsync(app, Roles.Csm);
        var page = await web.GetAsync("/feedback?q=%00");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(withNul is { } shown ? [shown] : [], WebTestSupport.RowIds(await page.Content.ReadAsStringAsync()));
        Assert.DoesNotContain(plain, WebTestSupport.RowIds(await page.Content.ReadAsStringAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_NUL_in_any_other_typed_value_is_never_a_500(string provider)
    {
        using var app = await StartAsync(provider);
        using var api = app.CreateApiClient(await app.CreateApiKeyAsync("read"));
        using var web = await WebTestSupport.SignedInClientAsync(app, Roles.Admin);

        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("api language", await api.GetAsync("/api/feedback?language=%00&channel=sup%00port")),
            ("api queue", await api.GetAsync("/api/coding/queue?owner=%00&language=%00")),
            ("breached page", await web.GetAsync("/sla/breached?owner=%00")),
            ("feedback page", await web.GetAsync("/feedback?customer=%00&lang=%00")),
            ("sign-in", await WebTestSupport.PostLoginAsync(WebTestSupport.Client(app), "a\0@example.test", "x")),
        };

        foreach (var (what, response) in answers)
        {
            // PostgreSQL refuses the character: a 400 problem (or the page's own message); SQLite finds nothing.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.Redirect,
                $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.BadRequest && what.StartsWith("api", StringComparison.Ordinal))
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_NUL_in_a_voice_is_400_on_every_provider(string provider)
    {
        using var app = await StartAsync(provider);
        using var api = app.CreateApiClient(await app.CreateApiKeyAsync("intake"));

        var response = await api.PostAsync("/api/feedback", new StringContent(
            """{ "channel": "support", "externalId": "N-1", "customer": "ACME\u0000-001", "verbatim": "a\u0000b", "contact": { "name": "A\u0000" } }""",
            Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("verbatim", out _), body);
        Assert.True(errors.TryGetProperty("customer", out _), body);
        Assert.True(errors.TryGetProperty("contact.name", out _), body);
        Assert.Equal(0, await app.WithDbAsync(db => db.FeedbackItems.CountAsync()));
    }
}
