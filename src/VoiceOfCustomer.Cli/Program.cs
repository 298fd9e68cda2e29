using System.CommandLine;
using System.Text;
using VoiceOfCustomer.Cli.Commands;

namespace VoiceOfCustomer.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        return await BuildRoot().Parse(args).InvokeAsync();
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("voc: VoiceOfCustomer's command line (seed, import, users, API keys, suggestion evaluation).")
        {
            ApiKeyCommands.Build(),
        };
        foreach (var command in CommandCatalog.Additional())
            root.Subcommands.Add(command);
        return root;
    }
}
