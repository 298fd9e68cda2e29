using System.Text.Json.Nodes;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>
/// <c>record</c>: writes a line to the instance's history (<c>message</c>) and sets variables (<c>set</c>: name → value;
/// a string <c>@other</c> copies another variable). The plainest activity: for the record, and to set what a decision reads.
/// </summary>
public sealed class RecordFlowActivity : IFlowActivity
{
    public string Name => "record";

    public IReadOnlyList<(string Setting, string Message)> Validate(JsonObject settings)
    {
        var errors = new List<(string, string)>();
        if (settings["message"] is { } m && m.GetValueKind() != System.Text.Json.JsonValueKind.String)
            errors.Add(("message", "must be a string"));
        if (settings["set"] is { } s && s is not JsonObject)
            errors.Add(("set", "must be an object of variable names and values"));
        if (settings["message"] is null && settings["set"] is null)
            errors.Add(("message", "record needs a message or variables to set"));
        foreach (var key in settings.Select(p => p.Key).Where(k => k is not ("message" or "set")))
            errors.Add((key, "is not a setting of record (message, set)"));
        return errors;
    }

    public Task<string?> ExecuteAsync(FlowActivityContext context, CancellationToken cancellationToken)
    {
        if (context.Step.Settings["set"] is JsonObject set)
        {
            foreach (var (name, value) in set)
            {
                context.Variables[name] = value is JsonValue v && v.TryGetValue<string>(out var text) && text.StartsWith('@')
                    ? Conditions.Lookup(context.Variables, text[1..])?.DeepClone()
                    : value?.DeepClone();
            }
        }
        return Task.FromResult(context.Step.Settings["message"]?.ToString());
    }
}

/// <summary>
/// <c>send-email</c> in a flow: a template to a role's users, named addresses or the address(es) in a variable, queued in the
/// outbox with the step. Settings: <c>template</c>, <c>to</c> (<c>{"role": …}</c>, <c>{"users": […]}</c> or <c>{"variable": …}</c>,
/// or an array of those), <c>values</c> (placeholder → text or <c>@variable</c>).
/// </summary>
public sealed class SendEmailFlowActivity(IEmailTemplates templates, IWorkflowDirectory directory, Microsoft.Extensions.Options.IOptions<EmailOptions> email) : IFlowActivity
{
    public string Name => "send-email";

    public IReadOnlyList<(string Setting, string Message)> Validate(JsonObject settings)
    {
        var errors = new List<(string, string)>();
        if (settings["template"]?.ToString() is not { Length: > 0 } template)
            errors.Add(("template", "names the e-mail template (a file pair in workflows/templates)"));
        else
            errors.AddRange(templates.Validate(template).Select(e => ("template", e)));
        var to = settings["to"] switch { JsonArray a => a.ToList(), JsonObject o => [o], _ => [] };
        if (to.Count == 0)
            errors.Add(("to", "says who: {\"role\": \"Leadership\"}, {\"users\": [\"a@example.com\"]} or {\"variable\": \"owner\"} (or an array of these)"));
        foreach (var entry in to)
        {
            if (entry is not JsonObject o || o.Count != 1 || o.First().Key is not ("role" or "users" or "variable"))
                errors.Add(("to", "each recipient entry is one of {\"role\": …}, {\"users\": […]}, {\"variable\": …}"));
            else if (o["role"]?.ToString() is { } role && !directory.Roles.Contains(role))
                errors.Add(("to", $"unknown role '{role}'; roles: {string.Join(", ", directory.Roles.Order())}"));
        }
        if (settings["values"] is JsonObject values)
        {
            foreach (var key in values.Select(v => v.Key).Where(k => !EmailTemplates.KnownPlaceholders.Contains(k)))
                errors.Add(("values", $"'{key}' is not a template placeholder"));
        }
        foreach (var key in settings.Select(p => p.Key).Where(k => k is not ("template" or "to" or "values")))
            errors.Add((key, "is not a setting of send-email (template, to, values)"));
        return errors;
    }

    public async Task<string?> ExecuteAsync(FlowActivityContext context, CancellationToken cancellationToken)
    {
        var settings = context.Step.Settings;
        var template = settings["template"]!.ToString();
        var people = new List<TaskPerson>();
        foreach (var entry in settings["to"] switch { JsonArray a => a.OfType<JsonObject>().ToList(), JsonObject o => [o], _ => [] })
        {
            if (entry["role"]?.ToString() is { } role)
                people.AddRange(await directory.UsersInRoleAsync(context.Db, role, cancellationToken));
            else if (entry["users"] is JsonArray users)
                people.AddRange(await directory.ByEmailAsync(context.Db, users.Select(u => u!.ToString()).ToList(), cancellationToken));
            else if (entry["variable"]?.ToString() is { } variable)
            {
                var node = Conditions.Lookup(context.Variables, variable.TrimStart('@'));
                var addresses = node is JsonArray list ? list.Select(n => n?.ToString()).OfType<string>().ToList() : node is null ? [] : [node.ToString()];
                people.AddRange(await directory.ByEmailAsync(context.Db, addresses.Where(a => a.Contains('@')).ToList(), cancellationToken));
            }
        }
        var sent = 0;
        foreach (var person in people.DistinctBy(p => p.Email.ToLowerInvariant()))
        {
            var language = templates.ResolveLanguage(person.Language);
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["recipientName"] = person.Name ?? person.Email,
                ["workflow"] = context.Instance.DefinitionId,
                ["link"] = email.Value.LinkBaseUrl.TrimEnd('/') + "/admin/workflows/instances/" + context.Instance.Id,
            };
            foreach (var (name, value) in settings["values"] as JsonObject ?? [])
            {
                var text = value?.ToString() ?? "";
                values[name] = text.StartsWith('@') ? Conditions.Lookup(context.Variables, text[1..])?.ToString() ?? "" : text;
            }
            var rendered = templates.Render(template, language, values);
            context.Db.Set<OutboxEmail>().Add(OutboxEmail.Queue(rendered, FlowEngine.Fit($"{context.OccurrenceKey}:{person.Email.ToLowerInvariant()}", 300),
                person.Email, person.Name, context.Now));
            sent++;
        }
        return $"{template} to {sent} recipient(s)";
    }
}
