using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Data;

/// <summary>
/// The other side of "expected conflicts are not errors" (the race tests assert that no Error is logged): a database
/// fault that is not a race is still logged at Error, with its own message, and never answered as if a colleague or a
/// retry had won. A trigger that refuses the insert stands in for a failing disk.
/// </summary>
public abstract class DatabaseFaultLoggingTests
{
    private const string Fault = "the storage is failing";

    protected abstract TestDatabase CreateDatabase();

    [Fact]
    public async Task A_fault_while_storing_a_voice_is_a_500_logged_at_error_with_its_cause_not_a_repeated_conflict()
    {
        using var app = new VocAppFactory(CreateDatabase());
        await app.EnsureChannelsAsync();
        await RefuseInsertsAsync(app, "FeedbackItems");
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("intake"));

        var response = await client.PostAsJsonAsync("/api/feedback", new { channel = "support", externalId = "F-1", customer = "ACME-001", verbatim = "Export times out." });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var errors = app.Logs.Errors();
        Assert.Contains(errors, e => e.Contains(Fault, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("conflicted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fault_while_coding_is_a_500_logged_at_error_not_a_409_about_a_colleague()
    {
        using var app = new VocAppFactory(CreateDatabase());
        await app.EnsureChannelsAsync();
        var customer = await WebTestSupport.AddCustomerAsync(app, "ACME-001", "Acme Retail");
        var itemId = await WebTestSupport.AddFeedbackAsync(app, new FeedbackItemSpec("support", "F-2", customer.Id, "Export times out.", DateTime.UtcNow.AddHours(-1)));
        await RefuseInsertsAsync(app, "Attributions");
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("coding", "read"));

        var response = await client.PostAsJsonAsync($"/api/feedback/{itemId}/attribution", new { rootCause = new { hypothesis = "Probably the forecast." }, version = 0 });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(app.Logs.Errors(), e => e.Contains(Fault, StringComparison.Ordinal));
    }

    private static Task RefuseInsertsAsync(VocAppFactory app, string table)
    {
        // Test-owned table names and text, no user input.
        var sql = app.Database.Provider switch
        {
            DatabaseProvider.Sqlite => $"""CREATE TRIGGER "refuse_{table}" BEFORE INSERT ON "{table}" BEGIN SELECT RAISE(ABORT, '{Fault}'); END;""",
            // A trigger would clash with the OUTPUT clause of EF's inserts on SQL Server; a check named after the fault refuses the row.
            DatabaseProvider.SqlServer => $"""ALTER TABLE [{table}] WITH NOCHECK ADD CONSTRAINT [{Fault}] CHECK (1 = 0);""",
            _ => $"""
                CREATE FUNCTION "refuse_{table}"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{Fault}'; END $$;
                CREATE TRIGGER "refuse_{table}" BEFORE INSERT ON "{table}" FOR EACH ROW EXECUTE FUNCTION "refuse_{table}"();
                """,
        };
        return app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
    }
}

public sealed class DatabaseFaultLoggingSqliteTests : DatabaseFaultLoggingTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlite();
}

public sealed class DatabaseFaultLoggingPostgresTests : DatabaseFaultLoggingTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreatePostgres();
}

[SqlServerTests]
public sealed class DatabaseFaultLoggingSqlServerTests : DatabaseFaultLoggingTests
{
    protected override TestDatabase CreateDatabase() => TestDatabase.CreateSqlServer();
}
