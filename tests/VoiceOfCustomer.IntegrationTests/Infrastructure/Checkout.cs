namespace VoiceOfCustomer.IntegrationTests.Infrastructure;

/// <summary>Files of the checkout the tests run from (docs, settings templates).</summary>
public static class Checkout
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    public static string ReadText(string relativePath) => File.ReadAllText(Path.Combine(Root(), relativePath));
}
