using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Flows;

namespace VoiceOfCustomer.Cli.Commands;

/// <summary>
/// <c>voc workflow start DEFINITION [--key K] [--subject TYPE:ID] [--var NAME=VALUE]…</c> starts a step-based workflow by hand;
/// <c>voc workflow runs [DEFINITION]</c> lists its runs. A start under a run key that exists changes nothing and says so (exit 0):
/// a re-run of a finished quarter is harmless. The running app's dispatcher carries the run on.
/// </summary>
public static class WorkflowCommands
{
    public const int BadInput = 2;

    public static Command Build()
    {
        var definition = new Argument<string>("definition") { Description = "The id of a step-based definition in the workflows folder, e.g. quarterly-retro." };
        var key = new Option<string?>("--key") { Description = "The run key (default: the definition's runKey template filled for now, e.g. quarterly-retro:2026Q3)." };
        var subject = new Option<string?>("--subject") { Description = "What the run is about, TYPE:ID (e.g. release:12)." };
        var variables = new Option<string[]>("--var") { Description = "A start variable NAME=VALUE; VALUE is read as JSON when it is JSON, else as text. Repeatable.", AllowMultipleArgumentsPerToken = false };
        var start = new Command("start", "Start a run of a step-based workflow (once per run key).") { definition, key, subject, variables };
        start.SetAction(async (parse, cancellationToken) =>
        {
            var parsedSubject = ParseSubject(parse.GetValue(subject));
            if (parsedSubject is { Error: { } subjectError })
                return Fail(subjectError);
            var parsedVariables = ParseVariables(parse.GetValue(variables) ?? []);
            if (parsedVariables.Error is { } variableError)
                return Fail(variableError);
            var runKey = parse.GetValue(key)?.Trim();
            if (runKey is { Length: 0 or > 200 })
                return Fail("--key must be 1 to 200 characters.");

            await using var services = await CliHost.CreateAsync(cancellationToken);
            var catalog = services.GetRequiredService<WorkflowDefinitionCatalog>();
            var id = parse.GetValue(definition)!.Trim();
            var published = catalog.LatestFor(id);
            if (published?.Definition.Flow is null)
            {
                var flows = catalog.Latest.Where(p => p.Definition.Flow is not null).Select(p => p.Definition.Id).Order().ToList();
                return Fail(published is null
                    ? $"no workflow definition has the id '{id}'; step-based definitions: {(flows.Count == 0 ? "none" : string.Join(", ", flows))}."
                    : $"'{id}' is a clock definition (it starts by itself for each subject); step-based definitions: {string.Join(", ", flows)}.");
            }
            if (!published.Definition.Flow.Trigger.Manual)
                return Fail($"'{id}' may not be started by hand (its trigger says \"manual\": false).");

            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<FlowStarter>().StartAsync(
                scope.ServiceProvider.GetRequiredService<VocDbContext>(), id, runKey, parsedSubject?.Type, parsedSubject?.Id ?? 0,
                parsedVariables.Values, "cli", cancellationToken);
            Console.WriteLine(result.Outcome == StartOutcome.Started
                ? $"Started {result.RunKey} (instance {result.InstanceId}); the app's dispatcher runs its steps."
                : $"{result.RunKey} already exists (instance {result.InstanceId}, {result.Status.ToString().ToLowerInvariant()}); nothing new was done.");
            return 0;
        });

        var filter = new Argument<string?>("definition") { Description = "Only this definition's runs.", Arity = ArgumentArity.ZeroOrOne };
        var runs = new Command("runs", "List the latest runs of step-based workflows.") { filter };
        runs.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = await CliHost.CreateAsync(cancellationToken);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VocDbContext>();
            var only = parse.GetValue(filter);
            var rows = await db.WorkflowInstances.AsNoTracking()
                .Where(i => i.RunKey != null && (only == null || i.DefinitionId == only))
                .OrderByDescending(i => i.Id).Take(50)
                .Select(i => new { i.Id, i.RunKey, i.Status, i.CurrentStep, i.StartedAt, i.EndReason })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
                Console.WriteLine(string.Join('\t', row.Id.ToString(CultureInfo.InvariantCulture), row.RunKey, row.Status.ToString().ToLowerInvariant(),
                    row.CurrentStep, row.StartedAt.ToString("u", CultureInfo.InvariantCulture), row.EndReason));
            Console.Error.WriteLine($"{rows.Count} run(s).");
            return 0;
        });

        return new Command("workflow", "Start and list runs of step-based workflows.") { start, runs };
    }

    public static (string? Type, long Id, string? Error)? ParseSubject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = text.Split(':', 2);
        if (parts.Length != 2 || parts[0].Length is 0 or > 50 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return (null, 0, $"--subject '{text}' must be TYPE:ID, e.g. release:12.");
        return (parts[0], id, null);
    }

    public static (JsonObject Values, string? Error) ParseVariables(IEnumerable<string> pairs)
    {
        var values = new JsonObject();
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=');
            if (at <= 0)
                return (values, $"--var '{pair}' must be NAME=VALUE.");
            var name = pair[..at].Trim();
            var text = pair[(at + 1)..];
            JsonNode? value;
            try
            {
                value = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                value = JsonValue.Create(text);
            }
            values[name] = value;
        }
        return (values, null);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return BadInput;
    }
}
