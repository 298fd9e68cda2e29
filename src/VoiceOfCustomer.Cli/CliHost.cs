using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Seeding;
using VoiceOfCustomer.Workflows.Definitions;

namespace VoiceOfCustomer.Cli;

/// <summary>
/// The services a command needs, configured like the web app: appsettings.json, then
/// appsettings.{DOTNET_ENVIRONMENT}.json, then environment variables (e.g. <c>Database__Provider</c>).
/// </summary>
public static class CliHost
{
    public static async Task<ServiceProvider> CreateAsync(CancellationToken cancellationToken, Action<IServiceCollection>? configure = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // A command prints its own progress and results; the log shows only what went wrong. EF's own
        // command errors are left out because the exception that follows says the same, once.
        services.AddLogging(logging => logging
            .AddSimpleConsole(console => console.SingleLine = true)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None)
            .AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Warning));
        services.AddVocCore(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(cancellationToken);
        await scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>().SeedAsync(cancellationToken);
        await provider.GetRequiredService<Sla.BusinessCalendarRegistry>().LoadAsync(scope.ServiceProvider.GetRequiredService<VocDbContext>(), cancellationToken);
        provider.GetRequiredService<ChannelCatalog>().Invalidate();
        await provider.GetRequiredService<WorkflowDefinitionCatalog>().InitializeAsync(scope.ServiceProvider.GetRequiredService<VocDbContext>(), cancellationToken);
        return provider;
    }
}
