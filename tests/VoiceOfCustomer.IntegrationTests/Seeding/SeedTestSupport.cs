using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.IntegrationTests.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Seeding;

/// <summary>The app as a developer runs it: environment Development, so start-up seeds the demo organisation.</summary>
public sealed class DevelopmentAppFactory(TestDatabase database, IDictionary<string, string?>? settings = null) : VocAppFactory(database, settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}

internal static class SeedTestSupport
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    public static TestDatabase Create(string provider) => provider == "Postgres" ? TestDatabase.CreatePostgres() : TestDatabase.CreateSqlite();

    /// <summary>A context on the test database without a web host, for checking what a CLI process wrote.</summary>
    public static VocDbContext Context(TestDatabase database) =>
        new(DatabaseServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<VocDbContext>(), database.Provider, database.ConnectionString).Options
            is DbContextOptions<VocDbContext> options ? options : throw new InvalidOperationException());

    public sealed record CliResult(int ExitCode, string Output, string Errors);

    /// <summary>Runs the real <c>voc</c> executable (copied beside the tests) against the test database.</summary>
    public static async Task<CliResult> RunVocAsync(TestDatabase database, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "voc.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__Default"] = database.ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await errors);
    }
}
