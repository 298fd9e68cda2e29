using System.Globalization;
using Cronos;
using Newtonsoft.Json.Linq;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>What the reader checks names against; a null member skips that check (re-reading a stored version).</summary>
public sealed record FlowKnownNames(
    IReadOnlyDictionary<string, IFlowActivity>? Activities,
    IReadOnlySet<string>? Resolvers,
    IReadOnlySet<string>? Roles);

/// <summary>
/// Reads the <c>steps</c>, <c>start</c>, <c>trigger</c> and <c>variables</c> of a step-based definition (after the schema
/// check) and the rules a schema cannot say: transitions to existing steps, every step reachable, no loop without a wait,
/// known activities, resolvers and roles, cron expressions, quorums that can be met. Every problem names its JSON path.
/// </summary>
internal static class FlowDefinitionReader
{
    public static readonly IReadOnlyList<string> Operators = ["eq", "ne", "gt", "ge", "lt", "le", "exists", "missing", "empty", "not-empty"];

    private static readonly Dictionary<string, string[]> RequiredByKind = new(StringComparer.Ordinal)
    {
        ["activity"] = ["activity", "next"],
        ["wait-signal"] = ["signal", "next"],
        ["timer"] = ["next"],
        ["human-task"] = ["title", "assignees", "outcomes", "completion", "on"],
        ["decision"] = ["branches", "otherwise"],
        ["for-each"] = ["items", "workflow", "next"],
        ["end"] = [],
    };

    private static readonly Dictionary<string, string[]> AllowedByKind = new(StringComparer.Ordinal)
    {
        ["activity"] = ["activity", "settings", "next"],
        ["wait-signal"] = ["signal", "next", "timeout", "onTimeout"],
        ["timer"] = ["after", "share", "until", "calendar", "next"],
        ["human-task"] = ["title", "instructions", "assignees", "outcomes", "completion", "deadline", "reminders", "on"],
        ["decision"] = ["branches", "otherwise"],
        ["for-each"] = ["items", "workflow", "as", "itemKey", "next"],
        ["end"] = ["outcome"],
    };

    public static FlowModel? Read(string file, JObject root, FlowKnownNames known, Func<string, bool> isDurationParameter, List<string> errors)
    {
        var before = errors.Count;
        if (root["steps"] is not JObject stepsObject || !stepsObject.Properties().Any())
            return null; // The schema reports it.

        var steps = new Dictionary<string, FlowStep>(StringComparer.Ordinal);
        foreach (var property in stepsObject.Properties())
        {
            if (property.Value is not JObject step)
                continue;
            var parsed = ReadStep(file, property.Name, step, known, isDurationParameter, errors);
            if (parsed is not null)
                steps[property.Name] = parsed;
        }

        var start = root["start"] is JValue { Type: JTokenType.String } s ? (string)s! : stepsObject.Properties().First().Name;
        if (!stepsObject.ContainsKey(start))
            errors.Add(Error(file, root["start"], $"'{start}' is not a step; steps: {List(stepsObject.Properties().Select(p => p.Name))}."));

        foreach (var (name, step) in steps)
        {
            foreach (var (label, target) in step.Transitions)
            {
                if (!stepsObject.ContainsKey(target))
                    errors.Add(Error(file, FindTransitionToken(stepsObject[name], target) ?? stepsObject[name],
                        $"goes to '{target}', which is not a step; steps: {List(stepsObject.Properties().Select(p => p.Name))}."));
            }
        }
        if (!steps.Values.Any(x => x is EndFlowStep))
            errors.Add(Error(file, stepsObject, "needs at least one step of kind end."));

        if (errors.Count == before && steps.Count == stepsObject.Count)
        {
            foreach (var unreachable in Unreachable(start, steps))
                errors.Add(Error(file, stepsObject[unreachable], $"step '{unreachable}' cannot be reached from the start step '{start}'."));
            foreach (var loop in LoopsWithoutWait(steps))
                errors.Add(Error(file, stepsObject[loop[0]],
                    $"the steps {string.Join(" → ", loop.Append(loop[0]))} form a loop with no wait in it (a timer, wait-signal, human-task or for-each); it would never stop."));
        }

        var trigger = ReadTrigger(file, root["trigger"] as JObject, errors);
        TimeSpan? clockTarget = null;
        if (root["clock"] is JObject clock && clock["target"] is JValue { Type: JTokenType.String } targetText
            && TimeSpan.TryParseExact((string)targetText!, "c", CultureInfo.InvariantCulture, out var t))
            clockTarget = t;
        if (clockTarget is null && steps.Values.OfType<TimerFlowStep>().FirstOrDefault(x => x.Share is not null) is { } shareTimer)
            errors.Add(Error(file, stepsObject[shareTimer.Name]?["share"], "a share of the clock needs clock.target (a duration) on the definition."));

        var variables = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(StringComparer.Ordinal);
        if (root["variables"] is JObject declared)
        {
            foreach (var p in declared.Properties())
                variables[p.Name] = System.Text.Json.Nodes.JsonNode.Parse(p.Value.ToString(Newtonsoft.Json.Formatting.None));
        }
        return errors.Count == before ? new FlowModel(start, steps, trigger, clockTarget, variables) : null;
    }

    /// <summary>Checks that needs every file: a for-each names another step-based definition.</summary>
    public static void CheckChildren(string file, JObject root, FlowModel flow, IReadOnlyDictionary<string, bool> definitionIsFlow, List<string> errors)
    {
        foreach (var step in flow.Steps.Values.OfType<ForEachFlowStep>())
        {
            if (!definitionIsFlow.TryGetValue(step.Workflow, out var isFlow))
                errors.Add(Error(file, root["steps"]?[step.Name]?["workflow"], $"'{step.Workflow}' is not the id of a workflow definition in this folder."));
            else if (!isFlow)
                errors.Add(Error(file, root["steps"]?[step.Name]?["workflow"], $"'{step.Workflow}' is a clock definition; a for-each starts step-based definitions."));
        }
    }

    private static FlowStep? ReadStep(string file, string name, JObject step, FlowKnownNames known, Func<string, bool> isDurationParameter, List<string> errors)
    {
        var kind = Text(step, "kind");
        var label = ReadText(step["label"]);
        if (kind is not null && RequiredByKind.TryGetValue(kind, out var required))
        {
            var missing = required.Where(r => step[r] is null).ToList();
            foreach (var field in missing)
                errors.Add(Error(file, step, $"is required for a {kind} step.", $"steps.{name}.{field}"));
            if (missing.Count > 0)
                return null;
        }
        var allowed = kind is not null && AllowedByKind.TryGetValue(kind, out var a0) ? a0 : null;
        foreach (var property in step.Properties().Where(p => allowed is not null && p.Name is not ("kind" or "label") && !allowed.Contains(p.Name)))
            errors.Add(Error(file, property.Value, $"is not a field of a {kind} step; its fields: {string.Join(", ", allowed!)}."));
        switch (kind)
        {
            case "activity":
            {
                var activity = Text(step, "activity");
                var next = Text(step, "next");
                if (activity is null || next is null)
                    return null;
                var settings = step["settings"] is JObject so
                    ? (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(so.ToString(Newtonsoft.Json.Formatting.None))!
                    : [];
                if (known.Activities is { } activities)
                {
                    if (!activities.TryGetValue(activity, out var registered))
                        errors.Add(Error(file, step["activity"], $"unknown activity '{activity}'; known: {List(activities.Keys)}."));
                    else
                        foreach (var (setting, message) in registered.Validate(settings))
                            errors.Add(Error(file, step["settings"]?[setting] ?? step["settings"] ?? step, message, $"steps.{name}.settings.{setting}"));
                }
                return new ActivityFlowStep(name, label, activity, settings, next);
            }
            case "wait-signal":
            {
                var signal = Text(step, "signal");
                var next = Text(step, "next");
                var timeout = step["timeout"] is { } tt ? ReadValue(file, tt, isDurationParameter, errors) : null;
                var onTimeout = Text(step, "onTimeout");
                if (timeout is not null && onTimeout is null)
                    errors.Add(Error(file, step, "a timeout needs onTimeout (the step to go to when it passes).", $"steps.{name}.onTimeout"));
                return signal is null || next is null ? null : new WaitSignalFlowStep(name, label, signal, next, timeout, onTimeout);
            }
            case "timer":
            {
                var after = step["after"] is { } a ? ReadValue(file, a, isDurationParameter, errors) : null;
                double? share = step["share"] is JValue { Type: JTokenType.Float or JTokenType.Integer } sv ? (double)sv : null;
                var until = Text(step, "until");
                var given = (after is not null ? 1 : 0) + (share is not null ? 1 : 0) + (until is not null ? 1 : 0);
                if (given != 1)
                    errors.Add(Error(file, step, "a timer needs exactly one of after (a duration), share (of the clock) or until (a date or @variable)."));
                if (share is <= 0)
                    errors.Add(Error(file, step["share"], "a share must be above zero."));
                if (until is not null && !until.StartsWith('@')
                    && !DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                    errors.Add(Error(file, step["until"], $"'{until}' is neither a date (2027-01-04T09:00:00Z) nor a variable (@name)."));
                var next = Text(step, "next");
                return next is null || given != 1 ? null
                    : new TimerFlowStep(name, label, after, share, until, step["calendar"] is JValue { Type: JTokenType.Boolean } c && (bool)c, next);
            }
            case "human-task":
                return ReadHumanTask(file, name, label, step, known, isDurationParameter, errors);
            case "decision":
            {
                var branches = new List<DecisionBranch>();
                foreach (var branch in (step["branches"] as JArray)?.OfType<JObject>() ?? [])
                {
                    var when = ReadCondition(file, branch["when"], errors);
                    var next = Text(branch, "next");
                    if (when is not null && next is not null)
                        branches.Add(new DecisionBranch(when, next));
                }
                var otherwise = Text(step, "otherwise");
                return otherwise is null ? null : new DecisionFlowStep(name, label, branches, otherwise);
            }
            case "for-each":
            {
                var items = Text(step, "items");
                var workflow = Text(step, "workflow");
                var next = Text(step, "next");
                if (items is not null && !items.StartsWith('@'))
                    errors.Add(Error(file, step["items"], $"'{items}' must name a variable holding an array, written @name."));
                return items is null || workflow is null || next is null ? null
                    : new ForEachFlowStep(name, label, items.TrimStart('@'), workflow, Text(step, "as") ?? "item", Text(step, "itemKey"), next);
            }
            case "end":
                return new EndFlowStep(name, label, Text(step, "outcome") ?? "completed");
            default:
                return null; // The schema names the allowed kinds.
        }
    }

    private static HumanTaskFlowStep? ReadHumanTask(string file, string name, LocalizedText? label, JObject step, FlowKnownNames known,
        Func<string, bool> isDurationParameter, List<string> errors)
    {
        var title = ReadText(step["title"]);
        var assignees = new List<TaskAssignees>();
        foreach (var entry in (step["assignees"] as JArray)?.OfType<JObject>() ?? [])
        {
            var role = Text(entry, "role");
            var users = (entry["users"] as JArray)?.Select(u => u.ToString()).ToList() ?? [];
            var variable = Text(entry, "variable");
            var resolver = Text(entry, "resolver");
            var given = (role is not null ? 1 : 0) + (users.Count > 0 ? 1 : 0) + (variable is not null ? 1 : 0) + (resolver is not null ? 1 : 0);
            if (given != 1)
            {
                errors.Add(Error(file, entry, "an assignee entry names exactly one of role, users, variable or resolver."));
                continue;
            }
            if (role is not null && known.Roles is { } roles && !roles.Contains(role))
                errors.Add(Error(file, entry["role"], $"unknown role '{role}'; roles: {List(roles)}."));
            if (resolver is not null && known.Resolvers is { } resolvers && !resolvers.Contains(resolver))
                errors.Add(Error(file, entry["resolver"], $"unknown resolver '{resolver}'; known: {(resolvers.Count == 0 ? "none registered" : List(resolvers))}."));
            foreach (var user in users.Where(u => !u.Contains('@')))
                errors.Add(Error(file, entry["users"], $"'{user}' is not an e-mail address."));
            var kind = Text(entry, "kind") ?? (role is not null ? role.ToLowerInvariant() : resolver ?? "user");
            assignees.Add(new TaskAssignees(role, users, variable?.TrimStart('@'), resolver, kind));
        }

        var outcomes = new List<TaskOutcome>();
        foreach (var entry in (step["outcomes"] as JArray)?.OfType<JObject>() ?? [])
        {
            var key = Text(entry, "key");
            var outcomeLabel = ReadText(entry["label"]);
            if (key is null)
                continue;
            if (outcomes.Any(o => o.Key == key))
                errors.Add(Error(file, entry["key"], $"'{key}' is an earlier outcome's key."));
            outcomes.Add(new TaskOutcome(key, outcomeLabel ?? new LocalizedText(key, null), entry["objection"] is JValue { Type: JTokenType.Boolean } o && (bool)o));
        }

        var completionToken = step["completion"] as JObject;
        var rule = Text(completionToken, "rule") switch { "all" => CompletionRule.All, "at-least" => CompletionRule.AtLeast, _ => CompletionRule.Any };
        var count = completionToken?["count"] is JValue { Type: JTokenType.Integer } cv ? (int)cv : 1;
        var counted = Text(completionToken, "outcome") ?? outcomes.FirstOrDefault(o => !o.Objection)?.Key;
        var including = Text(completionToken, "including");
        var objectionBlocks = completionToken?["objectionBlocks"] is JValue { Type: JTokenType.Boolean } ob && (bool)ob;
        if (outcomes.Count > 0 && (counted is null || outcomes.All(o => o.Key != counted)))
            errors.Add(Error(file, completionToken?["outcome"] ?? completionToken ?? step,
                $"the counted outcome '{counted}' is not one of the outcomes ({List(outcomes.Select(o => o.Key))}).", $"steps.{name}.completion.outcome"));
        if (rule == CompletionRule.AtLeast)
        {
            if (count < 1)
                errors.Add(Error(file, completionToken?["count"], $"at least {count} can never be a quorum; count must be 1 or more."));
            // Only named users are known before the instance runs: a quorum above their number can never be met.
            if (assignees.Count > 0 && assignees.All(a => a.Users.Count > 0) && assignees.Sum(a => a.Users.Distinct(StringComparer.OrdinalIgnoreCase).Count()) < count)
                errors.Add(Error(file, completionToken?["count"],
                    $"the quorum can never be met: it needs {count} answers and only {assignees.Sum(a => a.Users.Count)} named user(s) are assigned."));
        }
        if (including is not null && assignees.All(a => a.Kind != including))
            errors.Add(Error(file, completionToken?["including"],
                $"the quorum can never be met: no assignee is of kind '{including}'; kinds: {List(assignees.Select(a => a.Kind).Distinct())}."));
        if (objectionBlocks && outcomes.Count > 0 && !outcomes.Any(o => o.Objection))
            errors.Add(Error(file, completionToken?["objectionBlocks"], "objectionBlocks needs an outcome marked \"objection\": true."));

        var deadline = step["deadline"] is { } d ? ReadValue(file, d, isDurationParameter, errors) : null;
        var reminders = (step["reminders"] as JArray)?.Select(r => r.Type is JTokenType.Float or JTokenType.Integer ? (double)r : double.NaN).ToList() ?? [];
        for (var i = 0; i < reminders.Count; i++)
        {
            if (!(reminders[i] > 0 && reminders[i] < 1) || (i > 0 && reminders[i] <= reminders[i - 1]))
                errors.Add(Error(file, step["reminders"]?[i], "reminders are shares of the deadline between 0 and 1, in increasing order (0.5 = half way)."));
        }
        if (reminders.Count > 0 && deadline is null)
            errors.Add(Error(file, step["reminders"], "reminders need a deadline."));
        var on = step["on"] as JObject;
        var onApproved = Text(on, "approved");
        var onRejected = Text(on, "rejected");
        var onTimeout = Text(on, "timeout");
        if (deadline is not null && onTimeout is null)
            errors.Add(Error(file, on ?? step, "a deadline needs on.timeout (the escalation step to go to when it passes).", $"steps.{name}.on.timeout"));
        if (title is null || onApproved is null || onRejected is null || assignees.Count == 0 || outcomes.Count == 0 || counted is null)
            return null;
        return new HumanTaskFlowStep(name, label, title, ReadText(step["instructions"]), assignees, outcomes,
            new TaskCompletion(rule, count, counted, including, objectionBlocks), deadline, reminders, onApproved, onRejected, onTimeout);
    }

    private static FlowCondition? ReadCondition(string file, JToken? token, List<string> errors)
    {
        if (token is not JObject condition)
            return null;
        if (condition["all"] is JArray all)
            return new FlowCondition(null, null, null, all.Select(c => ReadCondition(file, c, errors)).OfType<FlowCondition>().ToList(), null);
        if (condition["any"] is JArray any)
            return new FlowCondition(null, null, null, null, any.Select(c => ReadCondition(file, c, errors)).OfType<FlowCondition>().ToList());
        var variable = Text(condition, "var");
        var op = Text(condition, "op") ?? "eq";
        if (variable is null)
        {
            errors.Add(Error(file, condition, "a condition names a variable (\"var\") or combines conditions (\"all\", \"any\")."));
            return null;
        }
        if (!Operators.Contains(op))
        {
            errors.Add(Error(file, condition["op"], $"unknown operator '{op}'; known: {string.Join(", ", Operators)}."));
            return null;
        }
        var value = condition["value"] is { } v ? System.Text.Json.Nodes.JsonNode.Parse(v.ToString(Newtonsoft.Json.Formatting.None)) : null;
        if (value is null && op is "eq" or "ne" or "gt" or "ge" or "lt" or "le")
            errors.Add(Error(file, condition, $"the operator '{op}' compares with a value; add \"value\".", condition.Path + ".value"));
        return new FlowCondition(variable.TrimStart('@'), op, value, null, null);
    }

    private static FlowTrigger ReadTrigger(string file, JObject? trigger, List<string> errors)
    {
        if (trigger is null)
            return new FlowTrigger(true, null, false, null);
        var cron = Text(trigger, "cron");
        if (cron is not null)
        {
            try
            {
                CronExpression.Parse(cron, CronFormat.Standard);
            }
            catch (CronFormatException error)
            {
                errors.Add(Error(file, trigger["cron"], $"'{cron}' is not a cron expression (five fields: minute hour day-of-month month day-of-week): {error.Message}"));
            }
        }
        var runKey = Text(trigger, "runKey");
        if (runKey is not null)
        {
            foreach (var unknown in RunKeys.UnknownPlaceholders(runKey))
                errors.Add(Error(file, trigger["runKey"], $"unknown placeholder {{{unknown}}}; known: {string.Join(", ", RunKeys.Placeholders.Select(p => "{" + p + "}"))}."));
        }
        var manual = trigger["manual"] is not JValue { Type: JTokenType.Boolean } m || (bool)m;
        return new FlowTrigger(manual, cron, trigger["firstWorkingDayOnOrAfter"] is JValue { Type: JTokenType.Boolean } f && (bool)f, runKey);
    }

    private static FlowValue? ReadValue(string file, JToken token, Func<string, bool> isDurationParameter, List<string> errors)
    {
        if (token is not JValue { Type: JTokenType.String } value)
            return null; // The schema says it is a string.
        var text = (string)value!;
        if (text.StartsWith('$'))
        {
            if (!isDurationParameter(text[1..]))
            {
                errors.Add(Error(file, token, $"{text} is not a declared duration parameter."));
                return null;
            }
            return new FlowValue(null, text[1..], null);
        }
        if (text.StartsWith('@'))
            return new FlowValue(null, null, text[1..]);
        if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var duration) || duration <= TimeSpan.Zero)
        {
            errors.Add(Error(file, token, $"'{text}' is not a positive duration (\"d.hh:mm:ss\" or \"hh:mm:ss\"), a $parameter or an @variable."));
            return null;
        }
        return new FlowValue(duration, null, null);
    }

    private static LocalizedText? ReadText(JToken? token) => token switch
    {
        JValue { Type: JTokenType.String } s => new LocalizedText((string)s!, null),
        JObject o when Text(o, "en") is { } en => new LocalizedText(en, Text(o, "zh-CN")),
        _ => null,
    };

    private static string? Text(JObject? o, string property) => o?[property] is JValue { Type: JTokenType.String } v ? (string)v! : null;

    private static JToken? FindTransitionToken(JToken? step, string target) =>
        step?.SelectTokens("..*").OfType<JValue>().FirstOrDefault(v => v.Type == JTokenType.String && (string)v! == target
            && v.Parent is JProperty { Name: "next" or "otherwise" or "onTimeout" or "approved" or "rejected" or "timeout" });

    private static IEnumerable<string> Unreachable(string start, IReadOnlyDictionary<string, FlowStep> steps)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var name))
        {
            if (!steps.TryGetValue(name, out var step))
                continue;
            foreach (var (_, target) in step.Transitions)
                if (seen.Add(target))
                    queue.Enqueue(target);
        }
        return steps.Keys.Where(k => !seen.Contains(k));
    }

    /// <summary>Cycles through steps that never wait: each would spin for ever within one transaction.</summary>
    private static IEnumerable<List<string>> LoopsWithoutWait(IReadOnlyDictionary<string, FlowStep> steps)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var origin in steps.Keys)
        {
            if (steps[origin].Waits || reported.Contains(origin))
                continue;
            // Depth-first over non-waiting steps from origin, looking for a way back to it.
            var path = new List<string>();
            if (FindCycle(origin, origin, steps, path, new HashSet<string>(StringComparer.Ordinal)))
            {
                reported.UnionWith(path);
                yield return path;
            }
        }
    }

    private static bool FindCycle(string origin, string current, IReadOnlyDictionary<string, FlowStep> steps, List<string> path, HashSet<string> visited)
    {
        if (!steps.TryGetValue(current, out var step) || step.Waits || !visited.Add(current))
            return false;
        path.Add(current);
        foreach (var (_, target) in step.Transitions)
        {
            if (target == origin || FindCycle(origin, target, steps, path, visited))
                return true;
        }
        path.RemoveAt(path.Count - 1);
        return false;
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    private static string Error(string file, JToken? token, string message, string? path = null)
    {
        var line = token is Newtonsoft.Json.IJsonLineInfo info && info.HasLineInfo() ? $", line {info.LineNumber}" : "";
        var field = path ?? token?.Path ?? "";
        return $"{file}{line}, {(field.Length == 0 ? "(root)" : field)}: {message}";
    }
}
