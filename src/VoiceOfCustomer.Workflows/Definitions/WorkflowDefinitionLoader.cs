using System.Globalization;
using System.Security.Cryptography;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>One definition file as read: the parsed definition and what identifies its content.</summary>
/// <param name="SourceFile">The file name, relative to the workflows folder.</param>
/// <param name="ContentHash">SHA-256 (lower-case hex) of the file's bytes.</param>
public sealed record LoadedWorkflowFile(WorkflowDefinition Definition, string SourceFile, string ContentHash, string Json);

/// <summary>
/// Reads workflow definition files: JSON syntax, then <c>workflow.schema.json</c>, then the rules a schema cannot
/// say (known activities and subject types, durations, parameter references, increasing milestones, unique ids).
/// Every problem is collected and thrown together in one <see cref="WorkflowDefinitionException"/>, each line
/// naming the file, the line and the field.
/// </summary>
public sealed class WorkflowDefinitionLoader
{
    public const string SchemaFileName = "workflow.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>
    /// Every <c>*.json</c> file directly in <paramref name="directory"/> except <c>*.schema.json</c>. A null
    /// <paramref name="activities"/> or <paramref name="subjectTypes"/> skips that check (for re-reading stored versions).
    /// </summary>
    public IReadOnlyList<LoadedWorkflowFile> LoadDirectory(string directory, IEnumerable<IWorkflowActivity>? activities, IEnumerable<string>? subjectTypes,
        Flows.FlowKnownNames? flowNames = null)
    {
        if (!Directory.Exists(directory))
            throw new WorkflowDefinitionException($"The workflows folder {directory} does not exist.",
                ["Set Workflows:Directory to the folder holding the workflow definition files (*.json)."]);

        var known = Known.Of(activities, subjectTypes, flowNames);
        var label = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        var errors = new List<string>();
        var files = new List<LoadedWorkflowFile>();
        var firstFileById = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var roots = new Dictionary<string, (string Label, JObject Root)>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly)
                     .Where(p => !p.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase))
                     .Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(path);
            var fileLabel = label.Length > 0 ? label + "/" + fileName : fileName;
            var bytes = File.ReadAllBytes(path);
            var json = new System.Text.UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
            var (definition, root) = ParseCollecting(fileLabel, json, known, errors);
            if (definition is null)
                continue;
            if (firstFileById.TryGetValue(definition.Id, out var other))
            {
                errors.Add(Error(fileLabel, root!["id"], $"'{definition.Id}' is also the id of {other}; each definition needs its own id."));
                continue;
            }
            firstFileById[definition.Id] = fileLabel;
            files.Add(new LoadedWorkflowFile(definition, fileName, Convert.ToHexStringLower(SHA256.HashData(bytes)), json));
            roots[definition.Id] = (fileLabel, root!);
        }
        var isFlow = files.ToDictionary(f => f.Definition.Id, f => f.Definition.Flow is not null, StringComparer.Ordinal);
        foreach (var file in files.Where(f => f.Definition.Flow is not null))
            Flows.FlowDefinitionReader.CheckChildren(roots[file.Definition.Id].Label, roots[file.Definition.Id].Root, file.Definition.Flow!, isFlow, errors);
        if (errors.Count > 0)
            throw new WorkflowDefinitionException($"The workflow definitions in {directory} are invalid:", errors);
        return files;
    }

    /// <summary>Parses one file's text; <paramref name="fileName"/> only labels the messages.</summary>
    public WorkflowDefinition Parse(string fileName, string json, IEnumerable<IWorkflowActivity>? activities = null, IEnumerable<string>? subjectTypes = null,
        Flows.FlowKnownNames? flowNames = null)
    {
        var errors = new List<string>();
        var (definition, _) = ParseCollecting(fileName, json, Known.Of(activities, subjectTypes, flowNames), errors);
        if (errors.Count > 0 || definition is null)
            throw new WorkflowDefinitionException($"The workflow definition {fileName} is invalid:", errors);
        return definition;
    }

    private sealed record Known(IReadOnlyDictionary<string, IWorkflowActivity>? Activities, IReadOnlySet<string>? SubjectTypes, Flows.FlowKnownNames Flow)
    {
        public static Known Of(IEnumerable<IWorkflowActivity>? activities, IEnumerable<string>? subjectTypes, Flows.FlowKnownNames? flow = null) => new(
            activities?.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            subjectTypes?.ToHashSet(StringComparer.Ordinal),
            flow ?? new Flows.FlowKnownNames(null, null, null));
    }

    private static (WorkflowDefinition? Definition, JObject? Root) ParseCollecting(string file, string json, Known known, List<string> errors)
    {
        JToken token;
        try
        {
            using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Double };
            token = JToken.ReadFrom(reader, new JsonLoadSettings
            {
                LineInfoHandling = LineInfoHandling.Load,
                DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
                CommentHandling = CommentHandling.Ignore,
            });
            // Anything after the first value is a mistake (two objects pasted together).
            while (reader.Read())
            {
                if (reader.TokenType != JsonToken.Comment)
                    throw new JsonReaderException("Additional text after the end of the definition.", reader.Path, reader.LineNumber, reader.LinePosition, null);
            }
        }
        catch (JsonReaderException error)
        {
            var message = error.Message.Split(" Path '", 2)[0].Split(", line ", 2)[0].TrimEnd('.');
            var path = string.IsNullOrEmpty(error.Path) ? "" : error.Path + ": ";
            errors.Add($"{file}, line {error.LineNumber}, {path}not valid JSON: {message}.");
            return (null, null);
        }

        var before = errors.Count;
        // The schema's oneOf is for editors; the loader checks the one form the file is in, so messages name real fields.
        var form = token is JObject { } o && o.ContainsKey("steps") ? "flowDefinition" : "clockDefinition";
        foreach (var error in Flatten(Schema.Value.Definitions[form].Validate(token)))
            errors.Add(Describe(file, error));
        if (token is not JObject root)
            return (null, null);

        var definition = Build(file, root, known, errors);
        return (errors.Count == before ? definition : null, root);
    }

    private static WorkflowDefinition? Build(string file, JObject root, Known known, List<string> errors)
    {
        var id = root["id"] is JValue { Type: JTokenType.String } idValue ? (string)idValue! : null;
        var name = root["name"] is JValue { Type: JTokenType.String } nameValue ? (string)nameValue! : null;
        var isFlow = root.ContainsKey("steps");
        var subject = root["subject"] is JValue { Type: JTokenType.String } subjectValue ? (string)subjectValue! : isFlow ? "none" : null;
        if (!isFlow && subject is not null && known.SubjectTypes is { } subjects && !subjects.Contains(subject))
            errors.Add(Error(file, root["subject"], $"unknown subject type '{subject}'; known: {List(subjects)}."));

        var parameters = new Dictionary<string, WorkflowParameter>(StringComparer.Ordinal);
        if (root["parameters"] is JObject declared)
        {
            foreach (var property in declared.Properties())
            {
                if (property.Value is not JObject parameter || parameter["type"] is not JValue { Type: JTokenType.String } typeValue)
                    continue;
                var type = (string)typeValue! switch { "duration" => WorkflowParameterType.Duration, "share" => WorkflowParameterType.Share, _ => (WorkflowParameterType?)null };
                if (type is null)
                    continue;
                var description = parameter["description"] is JValue { Type: JTokenType.String } d ? (string?)d : null;
                var value = parameter["default"];
                if (type == WorkflowParameterType.Duration)
                {
                    if (ReadDuration(file, value, errors) is { } duration)
                        parameters[property.Name] = new WorkflowParameter(property.Name, type.Value, null, duration, description);
                }
                else if (ReadShare(file, value, errors, "must be a positive number (1.0 is the whole target)") is { } share)
                    parameters[property.Name] = new WorkflowParameter(property.Name, type.Value, share, null, description);
            }
        }
        var declaredNames = root["parameters"] is JObject all ? all.Properties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal) : [];

        WorkflowClock? clock = null;
        if (root["clock"] is JObject clockObject && clockObject["target"] is { } targetToken)
        {
            var target = ReadTarget(file, targetToken, parameters, declaredNames, errors);
            if (target is not null)
                clock = new WorkflowClock(target,
                    clockObject["subjectPolicyMayShorten"] is JValue { Type: JTokenType.Boolean } shorten && (bool)shorten,
                    clockObject["useSubjectCalendar"] is JValue { Type: JTokenType.Boolean } calendar && (bool)calendar);
        }

        var signals = new Dictionary<string, SignalAction>(StringComparer.Ordinal);
        if (root["signals"] is JObject signalObject)
        {
            foreach (var property in signalObject.Properties())
            {
                var action = property.Value is JValue { Type: JTokenType.String } actionValue ? (string)actionValue! switch
                {
                    "start" => SignalAction.Start,
                    "pause" => SignalAction.Pause,
                    "resume" => SignalAction.Resume,
                    "complete" => SignalAction.Complete,
                    "retarget" => SignalAction.Retarget,
                    _ => (SignalAction?)null,
                } : null;
                if (action is not null)
                    signals[property.Name] = action.Value;
                // Anything else is reported by the schema (its enum names the allowed actions).
            }
        }

        var milestones = new List<WorkflowMilestone>();
        if (root["milestones"] is JArray milestoneArray)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            double? previousShare = null;
            string? previousName = null;
            foreach (var milestone in milestoneArray.OfType<JObject>())
            {
                var milestoneName = milestone["name"] is JValue { Type: JTokenType.String } n ? (string)n! : null;
                if (milestoneName is not null && !names.Add(milestoneName))
                    errors.Add(Error(file, milestone["name"], $"'{milestoneName}' is the name of an earlier milestone; names must be unique."));
                var at = milestone["at"] is { } atToken ? ReadAt(file, atToken, parameters, declaredNames, errors) : null;
                var steps = ReadActivities(file, milestone["activities"] as JArray, known, errors);
                if (milestoneName is null || at is null)
                    continue;

                var share = at.Parameter is { } p ? parameters[p].DefaultShare!.Value : at.Share!.Value;
                if (previousShare is { } before && share <= before)
                    errors.Add(Error(file, milestone["at"],
                        $"{Format(share)} is not after the previous milestone '{previousName}' at {Format(before)}; milestones must come in strictly increasing order of their share."));
                previousShare = share;
                previousName = milestoneName;
                milestones.Add(new WorkflowMilestone(milestoneName, at, steps));
            }
        }

        if (isFlow)
        {
            var flow = Flows.FlowDefinitionReader.Read(file, root, known.Flow,
                p => parameters.TryGetValue(p, out var declared) && declared.Type == WorkflowParameterType.Duration, errors);
            if (id is null || name is null || flow is null)
                return null;
            // A flow has no SLA clock; its optional clock.target only measures timers that wait for a share of it.
            var flowClock = new WorkflowClock(ValueReference.OfDuration(flow.ClockTarget ?? TimeSpan.Zero), false, false);
            return new WorkflowDefinition(id, name, subject!, parameters, flowClock, signals, milestones) { Flow = flow };
        }
        if (id is null || name is null || subject is null || clock is null)
            return null;
        return new WorkflowDefinition(id, name, subject, parameters, clock, signals, milestones);
    }

    private static List<ActivityStep> ReadActivities(string file, JArray? array, Known known, List<string> errors)
    {
        var steps = new List<ActivityStep>();
        foreach (var step in array?.OfType<JObject>() ?? [])
        {
            if (step["activity"] is not JValue { Type: JTokenType.String } activityValue)
                continue;
            var activityName = (string)activityValue!;
            var settings = step.Properties()
                .Where(p => p.Name != "activity" && p.Value is JValue { Type: JTokenType.String })
                .ToDictionary(p => p.Name, p => (string)p.Value!, StringComparer.Ordinal);
            if (known.Activities is { } activities)
            {
                if (!activities.TryGetValue(activityName, out var activity))
                {
                    errors.Add(Error(file, activityValue, $"unknown activity '{activityName}'; known: {List(activities.Keys)}."));
                    continue;
                }
                foreach (var (setting, message) in activity.Validate(settings))
                {
                    var token = (JToken?)step.Property(setting)?.Value ?? step;
                    var path = step.Property(setting) is null ? $"{step.Path}.{setting}" : token.Path;
                    errors.Add(Error(file, token, message, path));
                }
            }
            steps.Add(new ActivityStep(activityName, settings));
        }
        return steps;
    }

    private static ValueReference? ReadTarget(string file, JToken token, Dictionary<string, WorkflowParameter> parameters, HashSet<string> declared, List<string> errors)
    {
        if (token is not JValue { Type: JTokenType.String } value)
            return null; // The schema says it must be a string.
        var text = (string)value!;
        if (text.StartsWith('$'))
        {
            var reference = ReadReference(file, token, text[1..], WorkflowParameterType.Duration, parameters, declared, errors);
            if (reference is not null && parameters[reference.Parameter!].DefaultDuration <= TimeSpan.Zero)
            {
                errors.Add(Error(file, token, $"the target ${reference.Parameter} defaults to zero; a target must be longer than zero."));
                return null;
            }
            return reference;
        }
        var duration = ReadDuration(file, token, errors);
        if (duration == TimeSpan.Zero)
        {
            errors.Add(Error(file, token, "the target must be longer than zero."));
            return null;
        }
        return duration is { } d ? ValueReference.OfDuration(d) : null;
    }

    private static ValueReference? ReadAt(string file, JToken token, Dictionary<string, WorkflowParameter> parameters, HashSet<string> declared, List<string> errors)
    {
        if (token is JValue { Type: JTokenType.String } text && ((string)text!).StartsWith('$'))
            return ReadReference(file, token, ((string)text!)[1..], WorkflowParameterType.Share, parameters, declared, errors);
        return ReadShare(file, token, errors, "must be a positive share (0.75 = 75% of the target) or a $parameter") is { } share
            ? ValueReference.OfShare(share) : null;
    }

    private static ValueReference? ReadReference(string file, JToken token, string name, WorkflowParameterType type,
        Dictionary<string, WorkflowParameter> parameters, HashSet<string> declared, List<string> errors)
    {
        var needed = type == WorkflowParameterType.Duration ? "duration" : "share";
        if (!declared.Contains(name))
        {
            errors.Add(Error(file, token, $"${name} is not a declared parameter" + (declared.Count > 0 ? $"; declared: {List(declared)}." : "; declare it under \"parameters\".")));
            return null;
        }
        if (!parameters.TryGetValue(name, out var parameter))
            return null; // Declared but itself invalid: reported there.
        if (parameter.Type != type)
        {
            errors.Add(Error(file, token, $"${name} is a {parameter.Type.ToString().ToLowerInvariant()} parameter; a {needed} is needed here."));
            return null;
        }
        return ValueReference.ToParameter(name);
    }

    private static TimeSpan? ReadDuration(string file, JToken? token, List<string> errors)
    {
        if (token is not JValue { Type: JTokenType.String } value)
        {
            if (token is not null)
                errors.Add(Error(file, token, "must be a duration written \"d.hh:mm:ss\" or \"hh:mm:ss\" (in quotes)."));
            return null;
        }
        var text = (string)value!;
        if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var duration))
        {
            errors.Add(Error(file, token, $"'{text}' is not a duration; write \"d.hh:mm:ss\" or \"hh:mm:ss\" (e.g. \"2.00:00:00\" for two days)."));
            return null;
        }
        if (duration < TimeSpan.Zero)
        {
            errors.Add(Error(file, token, $"'{text}' is negative; a duration must not be negative."));
            return null;
        }
        return duration;
    }

    private static double? ReadShare(string file, JToken? token, List<string> errors, string requirement)
    {
        if (token is JValue { Type: JTokenType.Float or JTokenType.Integer } number)
        {
            var share = Convert.ToDouble(number.Value, CultureInfo.InvariantCulture);
            if (share > 0 && double.IsFinite(share))
                return share;
            errors.Add(Error(file, token, $"{Format(share)}: {requirement}."));
            return null;
        }
        if (token is not null)
            errors.Add(Error(file, token, requirement + "."));
        return null;
    }

    /// <summary>NJsonSchema nests the errors of oneOf/anyOf branches; the leaves say what is wrong.</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors)
    {
        foreach (var error in errors)
        {
            if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
            {
                foreach (var nested in Flatten(child.Errors.SelectMany(e => e.Value)))
                    yield return nested;
            }
            else
                yield return error;
        }
    }

    private static string Describe(string file, ValidationError error)
    {
        var path = SchemaPath(error.Path);
        var line = error.HasLineInfo ? $", line {error.LineNumber}" : "";
        // NJsonSchema's path already ends with a missing property's name; add it only where it does not.
        var field = error.Kind == ValidationErrorKind.PropertyRequired && error.Property is { } property
                    && path != property && !path.EndsWith("." + property, StringComparison.Ordinal)
            ? Join(path, property)
            : path;
        return $"{file}{line}, {(field.Length == 0 ? "(root)" : field)}: {Explain(error)}";
    }

    private static string Explain(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => "is required.",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => "is not a known field here.",
        ValidationErrorKind.StringExpected => "must be a string.",
        ValidationErrorKind.NumberExpected => "must be a number.",
        ValidationErrorKind.IntegerExpected => "must be a whole number.",
        ValidationErrorKind.BooleanExpected => "must be true or false.",
        ValidationErrorKind.ObjectExpected => "must be an object ({ … }).",
        ValidationErrorKind.ArrayExpected => "must be an array ([ … ]).",
        ValidationErrorKind.NotInEnumeration => "must be one of " +
            string.Join(", ", error.Schema?.Enumeration.Select(e => e?.ToString()) ?? []) + ".",
        ValidationErrorKind.PatternMismatch or ValidationErrorKind.AdditionalPropertiesNotValid =>
            "must be kebab-case: lower-case letters and digits, words joined by single hyphens (parameter names: letters and digits).",
        ValidationErrorKind.StringTooShort => "must not be empty.",
        ValidationErrorKind.StringTooLong => $"is longer than {error.Schema?.MaxLength} characters.",
        ValidationErrorKind.TooFewItems => $"needs at least {error.Schema?.MinItems} item(s).",
        _ when error.Kind.ToString().EndsWith("Expected", StringComparison.Ordinal) =>
            "must be " + string.Join(" or ", (error.Schema?.Type.ToString() ?? "").ToLowerInvariant().Split(", ")) + ".",
        _ => $"is invalid ({error.Kind}).",
    };

    /// <summary><c>#/milestones[1].at</c> → <c>milestones[1].at</c>.</summary>
    private static string SchemaPath(string? path) => (path ?? "").TrimStart('#').TrimStart('/').Replace('/', '.');

    private static string Join(string path, string? property) =>
        string.IsNullOrEmpty(property) ? path : path.Length == 0 ? property : path + "." + property;

    private static string Error(string file, JToken? token, string message, string? path = null)
    {
        var line = token is IJsonLineInfo info && info.HasLineInfo() ? $", line {info.LineNumber}" : "";
        var field = path ?? token?.Path ?? "";
        return $"{file}{line}, {(field.Length == 0 ? "(root)" : field)}: {message}";
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    private static string Format(double share) => share.ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonSchema LoadSchema()
    {
        using var stream = typeof(WorkflowDefinitionLoader).Assembly.GetManifestResourceStream("VoiceOfCustomer.Workflows." + SchemaFileName)
            ?? throw new InvalidOperationException($"{SchemaFileName} is not embedded in the Workflows assembly.");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromJsonAsync(reader.ReadToEnd()).GetAwaiter().GetResult();
    }
}
