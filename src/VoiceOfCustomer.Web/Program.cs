using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Infrastructure;

// The launch profile's Development is a default: ASPNETCORE_ENVIRONMENT=Production dotnet run runs in Production.
LaunchEnvironment.Apply();
var builder = WebApplication.CreateBuilder(args);
builder.AddVocWeb();

var app = builder.Build();
await app.InitializeVocAsync();
app.UseVocPipeline();
app.Run();

/// <summary>Exposed so integration tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
