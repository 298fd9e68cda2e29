using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>
/// A fresh SQLite database and the real web app (the Release build, as its own process on 127.0.0.1),
/// so that the load generator measures the app as it runs in production, not a test host.
/// </summary>
public sealed class BenchmarkApp : IAsyncDisposable
{
    private readonly Process _process;

    private BenchmarkApp(Process process, Uri baseAddress, string databaseFile, ServiceProvider services)
    {
        _process = process;
        BaseAddress = baseAddress;
        DatabaseFile = databaseFile;
        Services = services;
    }

    public Uri BaseAddress { get; }
    public string DatabaseFile { get; }

    /// <summary>Core services over the same database, for arranging data before and while the app runs.</summary>
    public ServiceProvider Services { get; }

    /// <summary>Creates and migrates a database in <paramref name="folder"/>, with the five channels.</summary>
    public static async Task<ServiceProvider> PrepareDatabaseAsync(string databaseFile, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:Default"] = $"Data Source={databaseFile}",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddVocCore(configuration);
        VoiceOfCustomer.Suggestions.SuggestionServiceCollectionExtensions.AddVocSuggestions(services, configuration);
        services.AddIdentityCore<Identity.AppUser>().AddRoles<Microsoft.AspNetCore.Identity.IdentityRole>().AddEntityFrameworkStores<VocDbContext>();
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
        await db.Database.MigrateAsync();
        if (!await db.Channels.AnyAsync())
        {
            db.Channels.AddRange(
                new Channel { Key = "presales", Name = "Pre-sales consults", Touchpoint = Touchpoint.PreSalesConsult },
                new Channel { Key = "support", Name = "Support tickets", Touchpoint = Touchpoint.SupportTicket },
                new Channel { Key = "cs-interview", Name = "Customer-success interviews", Touchpoint = Touchpoint.CustomerSuccessInterview },
                new Channel { Key = "community", Name = "Community posts", Touchpoint = Touchpoint.CommunityPost },
                new Channel { Key = "survey", Name = "Surveys", Touchpoint = Touchpoint.Survey });
            await db.SaveChangesAsync();
        }
        return provider;
    }

    public static async Task<BenchmarkApp> StartAsync(string databaseFile, ServiceProvider services, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var webDll = FindWebDll();
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo("dotnet", [webDll])
        {
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = baseAddress.ToString(),
                ["Database__Provider"] = "Sqlite",
                ["ConnectionStrings__Default"] = $"Data Source={databaseFile}",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            },
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the web app.");
        var started = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Application started", StringComparison.Ordinal) == true) started.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[app] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = await Task.WhenAny(started.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (finished != started.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("The web app did not start within 60 s.");
        }
        return new BenchmarkApp(process, baseAddress, databaseFile, services);
    }

    public HttpClient CreateClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseCookies = false,
        AllowAutoRedirect = false,
    })
    { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        await Services.DisposeAsync();
    }

    /// <summary>Signs in through the login form; answers the Cookie header for later requests.</summary>
    public static async Task<string> SignInAsync(HttpClient client, string email, string password)
    {
        using var form = await client.GetAsync("account/login");
        var html = await form.Content.ReadAsStringAsync();
        var cookies = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = email, ["Password"] = password, ["__RequestVerificationToken"] = token,
            }),
        };
        request.Headers.Add("Cookie", cookies);
        using var response = await client.SendAsync(request);
        var auth = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.FirstOrDefault(c => c.StartsWith("voc.auth", StringComparison.Ordinal)) : null;
        return auth is null
            ? throw new InvalidOperationException($"Sign-in failed ({(int)response.StatusCode}).")
            : cookies + "; " + auth.Split(';')[0];
    }

    /// <summary>Reads the app's own time from <c>Server-Timing: app;dur=…</c>, or a named part of it.</summary>
    /// <summary>GETs <paramref name="url"/>, which must answer 200, reads the whole body, and returns the app's own time for it.</summary>
    public static async Task<double> ServerTimeAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
        await response.Content.ReadAsByteArrayAsync();
        return ServerMilliseconds(response);
    }

    public static double ServerMilliseconds(HttpResponseMessage response, string metric = "app")
    {
        foreach (var value in response.Headers.TryGetValues("Server-Timing", out var values) ? values : [])
        {
            if (!value.StartsWith(metric + ";", StringComparison.Ordinal))
                continue;
            var at = value.IndexOf("dur=", StringComparison.Ordinal);
            if (at >= 0 && double.TryParse(value[(at + 4)..].Split(',', ';')[0], System.Globalization.CultureInfo.InvariantCulture, out var ms))
                return ms;
        }
        return double.NaN;
    }

    private static string FindWebDll()
    {
        if (Environment.GetEnvironmentVariable("VOC_BENCH_WEB_DLL") is { Length: > 0 } configured)
            return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "VoiceOfCustomer.Web", "bin", "Release", "net10.0", "VoiceOfCustomer.Web.dll");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("Build the web app first: dotnet build -c Release src/VoiceOfCustomer.Web");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Percentiles over recorded latencies.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string Summary(List<double> values)
    {
        values.Sort();
        // The minimum too: on a shared machine it is the figure least disturbed by other work.
        return FormattableString.Invariant($"min {values[0]:0.00} ms, median {Percentile(values, 50):0.00} ms, p95 {Percentile(values, 95):0.00} ms, p99 {Percentile(values, 99):0.00} ms, max {values[^1]:0.00} ms (n={values.Count})");
    }
}
