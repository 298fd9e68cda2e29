using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VoiceOfCustomer.BrowserTests;

/// <summary>
/// The real app on a real socket (Kestrel on a free 127.0.0.1 port, not the in-memory test server), so a real
/// browser can reach it; the database is a fresh SQLite file.
/// </summary>
public sealed class KestrelAppFactory : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-browser-");
    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    /// <param name="environment">"Development" seeds the demo organisation and its users at start, as <c>dotnet run</c> does.</param>
    /// <param name="settings">Settings on top of the test defaults, e.g. a smaller demo.</param>
    public KestrelAppFactory(string environment = "Testing", IReadOnlyDictionary<string, string?>? settings = null)
    {
        _environment = environment;
        _settings = new()
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(_folder.FullName, "voc.db")}",
            // The journeys here do not exercise the SLA loops (integration tests do); keep them from competing for the two cores.
            ["Workflows:DispatcherEnabled"] = "false",
            ["Email:Outbox:Enabled"] = "false",
            ["Suggestions:BackgroundTraining"] = "false",
            ["CustomerValue:BackgroundRefit"] = "false",
            ["Segments:ReevaluateInterval"] = "00:00:00",
            ["Email:PickupDirectory"] = Path.Combine(_folder.FullName, "mail"),
            // Every browser is 127.0.0.1 to the sign-in rate limit; a test of that limit sets its own.
            ["SignInRateLimit:PermitLimit"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Replaces or adds services after the app registered its own, e.g. a test's flow activity.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Starts the server and answers its address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First();
    }

    /// <summary>Runs <paramref name="work"/> against the app's database in a scope of its own.</summary>
    public async Task<T> WithDbAsync<T>(Func<VoiceOfCustomer.Data.VocDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<VoiceOfCustomer.Data.VocDbContext>());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        if (TestServices is not null)
            builder.ConfigureTestServices(TestServices);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { _folder.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
