using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Customers;

/// <summary>Every customers endpoint: writes, reads, the bad-input rules with the field (and index) named, idempotency, all-or-nothing arrays, scopes.</summary>
public class CustomersApiTests : CustomersApiTestBase
{
    [Fact]
    public async Task A_customer_is_created_then_updated_by_reference_and_read_back()
    {
        var created = await PostAsync("/api/customers", new
        {
            reference = "ACME-001", name = "Acme", industry = "Retail", region = "APAC", plan = "Enterprise", sites = 12,
            inCoBuildProgramme = true, annualRecurringRevenue = 2_500_000.50m, acquisitionCost = 40_000m, csm = OwnerEmail.ToUpperInvariant(),
            acquiredAt = "2024-03-01T00:00:00Z",
        });
        AssertCounts(await JsonAsync(created, HttpStatusCode.Created), 1, 0, 0);
        Assert.Equal("/api/customers/ACME-001", created.Headers.Location?.OriginalString);

        AssertCounts(await JsonAsync(await PostAsync("/api/customers", new { reference = "acme-001", region = "EMEA" }), HttpStatusCode.OK), 0, 1, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/customers", new { reference = "ACME-001", region = "EMEA" }), HttpStatusCode.OK), 0, 0, 1);

        var customer = await JsonAsync(await Client.GetAsync("/api/customers/acme-001"), HttpStatusCode.OK);
        Assert.Equal("Acme", customer.GetProperty("name").GetString());
        Assert.Equal("EMEA", customer.GetProperty("region").GetString());
        Assert.Equal("enterprise", customer.GetProperty("plan").GetString());
        Assert.Equal(2_500_000.50m, customer.GetProperty("annualRecurringRevenue").GetDecimal());
        Assert.Equal(OwnerEmail, customer.GetProperty("csm").GetString());
        Assert.Equal("prospect", customer.GetProperty("lifecycleStage").GetString());
        Assert.Equal(1, await App.WithDbAsync(db => db.Customers.CountAsync()));
    }

    [Fact]
    public async Task A_batch_of_customers_is_all_or_nothing_and_names_the_index()
    {
        var refused = await PostAsync("/api/customers", new object[]
        {
            new { reference = "C-1", name = "One" },
            new { reference = "C-2", name = "Two", plan = "gold", csm = "nobody@example.test" },
            new { reference = "C-3" },
        });
        var problem = await JsonAsync(refused, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].plan", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("[1].csm", out _), errors.ToString());
        Assert.Equal(0, await App.WithDbAsync(db => db.Customers.CountAsync()));

        // [2] has no name and is new: refused while writing, and the whole batch still writes nothing.
        Assert.Contains("name is required", await FieldErrorAsync(await PostAsync("/api/customers", new object[]
        {
            new { reference = "C-1", name = "One" }, new { reference = "C-3" },
        }), "[1].name"));
        Assert.Equal(0, await App.WithDbAsync(db => db.Customers.CountAsync()));

        AssertCounts(await JsonAsync(await PostAsync("/api/customers", new object[]
        {
            new { reference = "C-1", name = "One" }, new { reference = "C-2", name = "Two" },
        }), HttpStatusCode.Created), 2, 0, 0);
    }

    [Fact]
    public async Task The_customer_list_filters_sorts_and_pages()
    {
        await PostAsync("/api/customers", new object[]
        {
            new { reference = "A", name = "Alpha", annualRecurringRevenue = 10m },
            new { reference = "B", name = "Beta", annualRecurringRevenue = 30m },
            new { reference = "C", name = "Gamma" },
        });
        var page = await JsonAsync(await Client.GetAsync("/api/customers?sort=-arr&limit=2"), HttpStatusCode.OK);
        Assert.Equal(["B", "A"], page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("reference").GetString()));
        Assert.Equal(2, page.GetProperty("nextPage").GetInt32());
        var last = await JsonAsync(await Client.GetAsync("/api/customers?sort=-arr&limit=2&page=2"), HttpStatusCode.OK);
        Assert.Equal(["C"], last.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("reference").GetString()));
        Assert.False(last.TryGetProperty("nextPage", out var next) && next.ValueKind != System.Text.Json.JsonValueKind.Null);

        var prospects = await JsonAsync(await Client.GetAsync("/api/customers?stage=prospect&segment=nowhere"), HttpStatusCode.OK);
        Assert.Empty(prospects.GetProperty("items").EnumerateArray());
        await FieldErrorAsync(await Client.GetAsync("/api/customers?stage=sleeping"), "stage");
        await FieldErrorAsync(await Client.GetAsync("/api/customers?tier=gold"), "tier");
        await FieldErrorAsync(await Client.GetAsync("/api/customers?sort=size"), "sort");
        await FieldErrorAsync(await Client.GetAsync("/api/customers?limit=500"), "limit");
    }

    [Fact]
    public async Task Purchases_are_stored_once_per_reference_and_move_the_activity_and_acquisition_dates()
    {
        await CreateCustomerAsync();
        var first = await PostAsync("/api/customers/ACME-001/transactions", new object[]
        {
            new { reference = "O-1", occurredAt = "2026-01-10T09:00:00Z", amount = 120.50m },
            new { reference = "O-2", occurredAt = "2026-03-05T09:00:00Z", amount = 80m },
        });
        AssertCounts(await JsonAsync(first, HttpStatusCode.Created), 2, 0, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/transactions",
            new { reference = "O-2", occurredAt = "2026-03-05T09:00:00Z", amount = 80m }), HttpStatusCode.OK), 0, 0, 1);
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/transactions",
            new { reference = "O-2", occurredAt = "2026-03-05T09:00:00Z", amount = 95m }), HttpStatusCode.OK), 0, 1, 0);

        var customer = await App.WithDbAsync(db => db.Customers.SingleAsync());
        Assert.Equal(new DateTime(2026, 1, 10, 9, 0, 0, DateTimeKind.Utc), customer.AcquiredAt);
        Assert.Equal(new DateTime(2026, 3, 5, 9, 0, 0, DateTimeKind.Utc), customer.LastActivityAt);

        // The acquisition date was derived from the first purchase, so an earlier purchase moves it.
        await JsonAsync(await PostAsync("/api/customers/ACME-001/transactions", new { reference = "O-0", occurredAt = "2025-12-01T00:00:00Z", amount = 10m }), HttpStatusCode.Created);
        Assert.Equal(new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc), (await App.WithDbAsync(db => db.Customers.SingleAsync())).AcquiredAt);

        var page = await JsonAsync(await Client.GetAsync("/api/customers/ACME-001/transactions?limit=2"), HttpStatusCode.OK);
        Assert.Equal(["O-2", "O-1"], page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("reference").GetString()));
        Assert.Equal(95m, page.GetProperty("items")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(3, await App.WithDbAsync(db => db.CustomerTransactions.CountAsync()));
    }

    [Fact]
    public async Task Bad_purchases_name_the_field_and_the_index_and_write_nothing()
    {
        await CreateCustomerAsync(acquiredAt: new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var response = await PostAsync("/api/customers/ACME-001/transactions", new object[]
        {
            new { reference = "OK-1", occurredAt = "2026-01-10T09:00:00Z", amount = 1m },
            new { reference = "NEG", occurredAt = "2026-01-10T09:00:00Z", amount = -5m },
            new { reference = "FUTURE", occurredAt = "2027-01-01T00:00:00Z", amount = 5m },
            new { reference = "EARLY", occurredAt = "2025-01-01T00:00:00Z", amount = 5m },
            new { reference = "OK-1", occurredAt = "2026-01-11T09:00:00Z", amount = 2m },
        });
        var errors = (await JsonAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("negative", errors.GetProperty("[1].amount")[0].GetString());
        Assert.Contains("future", errors.GetProperty("[2].occurredAt")[0].GetString());
        Assert.Contains("before the customer", errors.GetProperty("[3].occurredAt")[0].GetString());
        Assert.True(errors.TryGetProperty("[4].reference", out _), errors.ToString());
        Assert.False(errors.TryGetProperty("[0].amount", out _));
        Assert.Equal(0, await App.WithDbAsync(db => db.CustomerTransactions.CountAsync()));

        Assert.Contains("required", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/transactions", new { reference = "X" }), "occurredAt"));
        await FieldErrorAsync(await PostRawAsync("/api/customers/ACME-001/transactions", """{"reference":"X","occurredAt":"2026-01-01T00:00:00Z","amount":"12"}"""), "amount");
        await FieldErrorAsync(await PostRawAsync("/api/customers/ACME-001/transactions", """[{"reference":"X"}, 42]"""), "[1]");
        await FieldErrorAsync(await PostRawAsync("/api/customers/ACME-001/transactions", "[]"), "body");

        var unknown = await PostAsync("/api/customers/NOPE/transactions", new { reference = "X", occurredAt = "2026-01-01T00:00:00Z", amount = 1m });
        var notFound = await JsonAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("NOPE", notFound.GetProperty("detail").GetString());
        await JsonAsync(await Client.GetAsync("/api/customers/NOPE"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_renewal_is_the_next_term_and_marks_the_previous_one_renewed()
    {
        await CreateCustomerAsync();
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/contracts", new object[]
        {
            new { reference = "K-2025", startsOn = "2025-01-01", endsOn = "2025-12-31", annualValue = 100_000m },
            new { reference = "K-2026", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 110_000m, renews = "K-2025", renewalDriver = "price" },
        }), HttpStatusCode.Created), 2, 0, 0);
        var contracts = await JsonAsync(await Client.GetAsync("/api/customers/ACME-001/contracts"), HttpStatusCode.OK);
        Assert.Equal("renewed", contracts[0].GetProperty("status").GetString());
        Assert.Equal(2, contracts[1].GetProperty("term").GetInt32());
        Assert.Equal("K-2025", contracts[1].GetProperty("renews").GetString());
        var customer = await App.WithDbAsync(db => db.Customers.SingleAsync());
        Assert.Equal(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), customer.AcquiredAt);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), customer.LastActivityAt);

        // Re-posting changes nothing; a second renewal of the same term and a cancelled status are told apart.
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-2026", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 110_000m, renews = "K-2025", renewalDriver = "price" }), HttpStatusCode.OK), 0, 0, 1);
        Assert.Contains("already renewed", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-OTHER", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 1m, renews = "K-2025" }), "renews"));
        await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-X", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 1m, renews = "K-MISSING" }), "renews");
        await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-X", startsOn = "2026-01-01", endsOn = "2025-12-31", annualValue = 1m }), "endsOn");
        await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-X", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 1m, status = "renewed" }), "status");
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/contracts",
            new { reference = "K-2026", startsOn = "2026-01-01", endsOn = "2026-12-31", annualValue = 110_000m, status = "cancelled" }), HttpStatusCode.OK), 0, 1, 0);
        Assert.Equal(2, await App.WithDbAsync(db => db.CustomerContracts.CountAsync()));
    }

    [Fact]
    public async Task Measurements_are_per_customer_and_period_and_external_metrics_per_segment()
    {
        await CreateCustomerAsync();
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/metrics", new object[]
        {
            new { metric = "test-adoption", period = "2026Q3", value = 41.5 },
            new { metric = "test-adoption", period = "2026-10", value = 44 },
        }), HttpStatusCode.Created), 2, 0, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/customers/ACME-001/metrics", new { metric = "TEST-ADOPTION", period = "2026q3", value = 43 }), HttpStatusCode.OK), 0, 1, 0);
        var page = await JsonAsync(await Client.GetAsync("/api/customers/ACME-001/metrics?metric=test-adoption"), HttpStatusCode.OK);
        Assert.Equal(["2026-10", "2026Q3"], page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("period").GetString()));
        Assert.Equal(43, page.GetProperty("items")[1].GetProperty("value").GetDouble());
        Assert.Equal(new DateTime(2026, 10, 31, 0, 0, 0, DateTimeKind.Utc), (await App.WithDbAsync(db => db.Customers.SingleAsync())).LastActivityAt);

        Assert.Contains("Unknown metric", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/metrics", new { metric = "nope", period = "2026Q3", value = 1 }), "metric"));
        Assert.Contains("not begun", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/metrics", new { metric = "test-adoption", period = "2027Q1", value = 1 }), "period"));
        Assert.Contains("2026Q3", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/metrics", new { metric = "test-adoption", period = "Q3-2026", value = 1 }), "period"));
        Assert.Contains("per segment", await FieldErrorAsync(await PostAsync("/api/customers/ACME-001/metrics", new { metric = "test-nps", period = "2026Q3", value = 1 }), "metric"));

        AssertCounts(await JsonAsync(await PostAsync("/api/behaviour-measurements", new { metric = "test-nps", segment = "test-segment", period = "2026Q3", value = 38 }), HttpStatusCode.Created), 1, 0, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/behaviour-measurements", new { metric = "test-nps", segment = "test-segment", period = "2026Q3", value = 40 }), HttpStatusCode.OK), 0, 1, 0);
        Assert.Contains("measured per customer", await FieldErrorAsync(await PostAsync("/api/behaviour-measurements", new { metric = "test-adoption", segment = "test-segment", period = "2026Q3", value = 1 }), "metric"));
        await FieldErrorAsync(await PostAsync("/api/behaviour-measurements", new { metric = "test-nps", segment = "nowhere", period = "2026Q3", value = 1 }), "segment");
        Assert.Equal(3, await App.WithDbAsync(db => db.BehaviourMeasurements.CountAsync()));
    }

    [Fact]
    public async Task Targets_are_upserted_per_segment_metric_quarter_and_stage()
    {
        var target = new { metric = "test-adoption", segment = "test-segment", quarter = "2027Q1", baseline = 40, target = 55, owner = OwnerEmail, stage = "active", note = "Self-service first" };
        AssertCounts(await JsonAsync(await PostAsync("/api/behaviour-targets", target), HttpStatusCode.Created), 1, 0, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/behaviour-targets", target with { target = 60 }), HttpStatusCode.OK), 0, 1, 0);
        AssertCounts(await JsonAsync(await PostAsync("/api/behaviour-targets", target with { stage = (string)null! }), HttpStatusCode.Created), 1, 0, 0);

        var listed = await JsonAsync(await Client.GetAsync("/api/behaviour-targets?segment=test-segment&quarter=2027q1"), HttpStatusCode.OK);
        Assert.Equal(2, listed.GetArrayLength());
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("target").GetDouble() == 60 && t.GetProperty("owner").GetString() == OwnerEmail);

        await FieldErrorAsync(await PostAsync("/api/behaviour-targets", new { metric = "test-adoption", segment = "test-segment", quarter = "2027Q1", baseline = 1, target = 2 }), "owner");
        await FieldErrorAsync(await PostAsync("/api/behaviour-targets", new { metric = "test-adoption", segment = "test-segment", quarter = "2027Q1", target = 2, owner = OwnerEmail }), "baseline");
        await FieldErrorAsync(await PostAsync("/api/behaviour-targets", target with { owner = "ghost@example.test" }), "owner");
        await FieldErrorAsync(await PostAsync("/api/behaviour-targets", target with { segment = "nowhere" }), "segment");
        await FieldErrorAsync(await PostAsync("/api/behaviour-targets", target with { quarter = "2027-01" }), "quarter");
        await FieldErrorAsync(await Client.GetAsync("/api/behaviour-targets?quarter=2027"), "quarter");
        Assert.Equal(2, await App.WithDbAsync(db => db.BehaviourTargets.CountAsync()));
    }

    [Fact]
    public async Task A_key_without_the_customers_scope_is_refused_and_a_CSM_may_only_read()
    {
        using var other = App.CreateApiClient(await App.CreateApiKeyAsync("intake", "read"));
        var refused = await JsonAsync(await other.PostAsJsonAsync("/api/customers", new { reference = "X", name = "X" }), HttpStatusCode.Forbidden);
        Assert.Equal("customers", refused.GetProperty("permission").GetString());
        await JsonAsync(await other.GetAsync("/api/customers"), HttpStatusCode.Forbidden);
        await JsonAsync(await other.GetAsync("/api/behaviour-targets"), HttpStatusCode.Forbidden);

        using var csm = await WebTestSupport.SignedInApiClientAsync(App, "CSM");
        await JsonAsync(await csm.GetAsync("/api/customers"), HttpStatusCode.OK);
        var csmWrite = await JsonAsync(await csm.PostAsJsonAsync("/api/customers", new { reference = "X", name = "X" }), HttpStatusCode.Forbidden);
        Assert.Contains("Admin", csmWrite.GetProperty("detail").GetString());

        using var admin = await WebTestSupport.SignedInApiClientAsync(App, "Admin");
        await JsonAsync(await admin.PostAsJsonAsync("/api/customers", new { reference = "X", name = "X" }), HttpStatusCode.Created);
    }
}

public sealed class CustomersApiPostgresTests : CustomersApiTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}
