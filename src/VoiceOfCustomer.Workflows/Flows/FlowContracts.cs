using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>What an activity step of a flow is given: the runtime's context (add rows, never save), the instance and its variables.</summary>
/// <param name="OccurrenceKey">Unique for this entry into the step: activities derive their own row keys (e-mails) from it.</param>
public sealed record FlowActivityContext(
    DbContext Db,
    WorkflowInstance Instance,
    JsonObject Variables,
    ActivityFlowStep Step,
    string OccurrenceKey,
    DateTime Now);

/// <summary>A C# activity a flow's <c>activity</c> step can call by name. It adds rows to the context and may set variables; it never saves.</summary>
public interface IFlowActivity
{
    string Name { get; }

    /// <summary>Problems with a step's settings, each naming the setting; empty when valid.</summary>
    IReadOnlyList<(string Setting, string Message)> Validate(JsonObject settings);

    /// <summary>Returns a line for the instance's history (what it did), or null.</summary>
    Task<string?> ExecuteAsync(FlowActivityContext context, CancellationToken cancellationToken);
}

/// <summary>One person a human task goes to. <see cref="UserId"/> is null for someone without an account (a customer contact): they answer by the e-mail link.</summary>
public sealed record TaskPerson(string Email, string? Name, string? UserId, string? Language);

/// <summary>Finds the people of a named group for a human task, e.g. "the contacts of the target segments".</summary>
public interface IWorkflowAssigneeResolver
{
    string Name { get; }

    Task<IReadOnlyList<TaskPerson>> ResolveAsync(DbContext db, WorkflowInstance instance, JsonObject variables, CancellationToken cancellationToken);
}

/// <summary>The application's users, as the runtime needs them: by role and by e-mail address.</summary>
public interface IWorkflowDirectory
{
    IReadOnlySet<string> Roles { get; }

    Task<IReadOnlyList<TaskPerson>> UsersInRoleAsync(DbContext db, string role, CancellationToken cancellationToken);

    /// <summary>People for addresses: a user where one has the address, else an outside person with no account.</summary>
    Task<IReadOnlyList<TaskPerson>> ByEmailAsync(DbContext db, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);
}

/// <summary>Run keys name one run of a definition (<c>quarterly-retro:2026Q3</c>); templates fill placeholders from a moment in the organisation's time zone.</summary>
public static partial class RunKeys
{
    public static readonly IReadOnlyList<string> Placeholders = ["id", "date", "month", "quarter", "previousQuarter", "year"];

    public static IEnumerable<string> UnknownPlaceholders(string template) =>
        PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p)).Distinct();

    public static string Fill(string template, string definitionId, DateTime localMoment) =>
        PlaceholderPattern().Replace(template, m => m.Groups[1].Value switch
        {
            "id" => definitionId,
            "date" => localMoment.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "month" => localMoment.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            "year" => localMoment.Year.ToString(CultureInfo.InvariantCulture),
            "quarter" => Quarter(localMoment),
            "previousQuarter" => Quarter(localMoment.AddMonths(-3)),
            _ => m.Value,
        });

    public static string Quarter(DateTime moment) => $"{moment.Year}Q{(moment.Month - 1) / 3 + 1}";

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PlaceholderPattern();
}

/// <summary>Evaluates decision conditions over an instance's variables (dotted paths into its JSON).</summary>
public static class Conditions
{
    public static JsonNode? Lookup(JsonObject variables, string path)
    {
        JsonNode? node = variables;
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : null,
                JsonArray a when part == "length" => a.Count,
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count => a[index],
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    public static bool Evaluate(FlowCondition condition, JsonObject variables)
    {
        if (condition.All is { } all)
            return all.All(c => Evaluate(c, variables));
        if (condition.Any is { } any)
            return any.Any(c => Evaluate(c, variables));
        var actual = Lookup(variables, condition.Variable!);
        switch (condition.Operator)
        {
            case "exists": return actual is not null;
            case "missing": return actual is null;
            case "empty": return IsEmpty(actual);
            case "not-empty": return !IsEmpty(actual);
        }
        if (actual is null || condition.Value is null)
            return condition.Operator == "ne" && (actual is null) != (condition.Value is null);
        var comparison = Compare(actual, condition.Value);
        return condition.Operator switch
        {
            "eq" => comparison == 0,
            "ne" => comparison != 0,
            "gt" => comparison > 0,
            "ge" => comparison >= 0,
            "lt" => comparison < 0,
            "le" => comparison <= 0,
            _ => false,
        };
    }

    public static string Describe(FlowCondition condition) =>
        condition.All is { } all ? string.Join(" and ", all.Select(Describe))
        : condition.Any is { } any ? string.Join(" or ", any.Select(Describe))
        : condition.Operator switch
        {
            "exists" or "missing" or "empty" or "not-empty" => $"{condition.Variable} {condition.Operator}",
            var op => $"{condition.Variable} {Symbol(op)} {condition.Value?.ToJsonString()}",
        };

    private static string Symbol(string? op) => op switch { "eq" => "=", "ne" => "≠", "gt" => ">", "ge" => "≥", "lt" => "<", "le" => "≤", _ => op ?? "" };

    private static bool IsEmpty(JsonNode? node) => node switch
    {
        null => true,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        _ => false,
    };

    private static int Compare(JsonNode actual, JsonNode expected)
    {
        if (actual is JsonValue a && expected is JsonValue e)
        {
            if (a.GetValueKind() == JsonValueKind.Number && e.GetValueKind() == JsonValueKind.Number)
                return Number(a).CompareTo(Number(e));
            if (a.GetValueKind() is JsonValueKind.True or JsonValueKind.False && e.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                return (a.GetValueKind() == JsonValueKind.True).CompareTo(e.GetValueKind() == JsonValueKind.True);
        }
        if (actual is JsonArray array && expected is JsonValue n && n.GetValueKind() == JsonValueKind.Number)
            return ((double)array.Count).CompareTo(Number(n));
        return string.CompareOrdinal(Plain(actual), Plain(expected));
    }

    private static double Number(JsonValue value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Plain(JsonNode node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
}
