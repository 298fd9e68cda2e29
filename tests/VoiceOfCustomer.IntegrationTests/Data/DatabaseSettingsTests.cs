using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.IntegrationTests.Data;

/// <summary>
/// Bad database settings stop the web app and <c>voc</c> at start with a message naming the setting, never an
/// unhandled exception whose stack trace is the only explanation.
/// </summary>
public sealed class DatabaseSettingsTests
{
    [Fact]
    public void An_unknown_provider_is_refused_with_the_names_that_work()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Database:Provider", "MySql")));
        Assert.Equal(["Database:Provider 'MySql' is not a supported database. Use Sqlite, Postgres, SqlServer."], error.Failures);

        // Only names: a number would bind to an enum value.
        Assert.Throws<OptionsValidationException>(() => Resolve(("Database:Provider", "2"), ("ConnectionStrings:Default", "Server=db")));
    }

    [Theory]
    [InlineData("Postgres", "Host=127.0.0.1;Database=voc;Username=voc;Password=…")]
    [InlineData("SqlServer", "Server=127.0.0.1;Database=voc;User ID=voc;Password=…;TrustServerCertificate=True")]
    public void A_server_database_without_a_connection_string_is_refused_with_an_example(string configured, string example)
    {
        // Not named "provider": this needs no server, so no SQL Server row of it is skipped (SqlServerTestFramework).
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Database:Provider", configured), ("ConnectionStrings:Default", " ")));
        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"ConnectionStrings:Default is required when Database:Provider is {configured}", failure);
        Assert.Contains(example, failure);
    }

    [Fact]
    public void A_connection_string_for_another_database_is_refused_naming_what_is_wrong()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("Database:Provider", "SqlServer"),
            ("ConnectionStrings:Default", "Host=127.0.0.1;Username=voc;Password=secret-value")));
        var failure = Assert.Single(error.Failures);
        Assert.Equal("ConnectionStrings:Default is not a valid SqlServer connection string: Keyword not supported: 'host'.", failure);
        Assert.DoesNotContain("secret-value", failure);
    }

    [Fact]
    public void A_valid_SQL_Server_setting_is_taken_whatever_its_letter_case()
    {
        const string connection = "Server=db.example.test;Database=voc;Integrated Security=true;Encrypt=true";
        var database = Resolve(("Database:Provider", "sqlserver"), ("ConnectionStrings:Default", connection));
        Assert.Equal(new DatabaseConnection(DatabaseProvider.SqlServer, connection), database);
        Assert.Equal(DatabaseProvider.Sqlite, Resolve().Provider);
    }

    [Fact]
    public void The_app_under_a_test_host_fails_to_start_with_the_same_message()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", "Oracle");
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Contains("Database:Provider 'Oracle' is not a supported database", validation.Message);
    }

    [Theory]
    [InlineData("VoiceOfCustomer.Web.dll")]
    [InlineData("voc.dll", "user", "list")]
    public async Task The_programs_exit_with_code_2_and_a_plain_message_naming_the_setting(string program, params string[] arguments)
    {
        var unknown = await RunAsync(program, arguments, ("Database__Provider", "MySql"));
        Assert.Equal(StartupFailure.ExitCode, unknown.ExitCode);
        Assert.Contains("VoiceOfCustomer cannot start: the configuration is not valid.", unknown.Errors);
        Assert.Contains("  - Database:Provider 'MySql' is not a supported database. Use Sqlite, Postgres, SqlServer.", unknown.Errors);
        Assert.DoesNotContain("Unhandled exception", unknown.Errors);
        Assert.DoesNotContain("   at ", unknown.Errors); // no stack trace

        var missing = await RunAsync(program, arguments, ("Database__Provider", "SqlServer"), ("ConnectionStrings__Default", ""));
        Assert.Equal(StartupFailure.ExitCode, missing.ExitCode);
        Assert.Contains("  - ConnectionStrings:Default is required when Database:Provider is SqlServer", missing.Errors);
        Assert.DoesNotContain("   at ", missing.Errors);
    }

    private static DatabaseConnection Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return DatabaseSettings.Resolve(configuration, Path.GetTempPath());
    }

    private static async Task<(int ExitCode, string Errors)> RunAsync(string program, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Never the developer's or CI's own database settings: only what the test names.
        start.Environment.Remove("ConnectionStrings__Default");
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        return (process.ExitCode, await errors);
    }
}
