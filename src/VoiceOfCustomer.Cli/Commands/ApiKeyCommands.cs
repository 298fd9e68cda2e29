using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.ApiKeys;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary><c>voc apikey create --name N --scopes intake[,coding,read,tasks,customers] [--user E]</c>, and revoke to manage them.</summary>
public static class ApiKeyCommands
{
    public static Command Build()
    {
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. the integration's name.", Required = true };
        var scopes = new Option<string>("--scopes")
        {
            Description = $"Comma-separated scopes: {string.Join(", ", ApiKeyService.Scopes.All)} (customers: customer data, contracts, purchases, behaviour metrics and targets).",
            Required = true,
        };
        var user = new Option<string?>("--user")
        {
            Description = "E-mail address of the user the key acts for (needed for the tasks scope: \"my\" workflow tasks are that user's).",
        };
        var create = new Command("create", "Create an API key and print it once.") { name, scopes, user };
        create.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliHost.CreateAsync(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
            try
            {
                var forUser = parse.GetValue(user);
                var created = await keys.CreateAsync(parse.GetValue(name)!, parse.GetValue(scopes)!.Split(','), forUser, cancellationToken);
                var actsFor = created.Key.UserId is null ? "" : $", acting for {forUser!.Trim()}";
                Console.Error.WriteLine($"API key '{created.Key.Name}' (id {created.Key.Id}) with scopes {created.Key.Scopes}{actsFor}. Store it now; it is not shown again:");
                Console.WriteLine(created.Token);
                return 0;
            }
            catch (ArgumentException error)
            {
                Console.Error.WriteLine($"error: {error.Message.Split(" (Parameter")[0]}");
                return 2;
            }
        });

        var id = new Option<int>("--id") { Description = "The key's id, as printed by create or list.", Required = true };
        var revoke = new Command("revoke", "Revoke an API key.") { id };
        revoke.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliHost.CreateAsync(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var revoked = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(parse.GetValue(id), cancellationToken);
            Console.Error.WriteLine(revoked ? "Revoked." : "error: no active key with that id.");
            return revoked ? 0 : 1;
        });

        return new Command("apikey", "Manage API keys for integrations.") { create, revoke };
    }
}
