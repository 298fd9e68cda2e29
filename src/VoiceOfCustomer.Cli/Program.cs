using System.CommandLine;
using System.Text;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Cli.Commands;

namespace VoiceOfCustomer.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = Encoding.UTF8;
        try
        {
            return await BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OptionsValidationException error)
        {
            // A wrong setting (Database:Provider, ConnectionStrings:Default, …): name it, without a stack trace.
            Console.Error.WriteLine(StartupFailure.Describe(error));
            return StartupFailure.ExitCode;
        }
        catch (Exception error)
        {
            // What System.CommandLine's own handler does with any other failure.
            if (error is not OperationCanceledException)
                Console.Error.WriteLine("Unhandled exception: " + error);
            return 1;
        }
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
