using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Infrastructure;

// The launch profile's Development is a default: ASPNETCORE_ENVIRONMENT=Production dotnet run runs in Production.
LaunchEnvironment.Apply();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddVocWeb();

    var app = builder.Build();
    await app.InitializeVocAsync();
    app.UseVocPipeline();
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException error) when (StartupFailure.IsOwnProcess(typeof(Program).Assembly))
{
    // A wrong setting is the operator's to fix: say which, without a stack trace. Under a test host the exception goes on to the test.
    Console.Error.WriteLine(StartupFailure.Describe(error));
    return StartupFailure.ExitCode;
}

/// <summary>Exposed so integration tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
