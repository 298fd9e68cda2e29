using VoiceOfCustomer.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddVocWeb();

var app = builder.Build();
await app.InitializeVocAsync();
app.UseVocPipeline();
app.Run();

/// <summary>Exposed so integration tests can host the app with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
