using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VoiceOfCustomer.Workflows.Email;

/// <summary>A template filled in for one recipient, in the language it was actually rendered in.</summary>
public sealed record RenderedEmail(string Template, string Language, string Subject, string TextBody, string HtmlBody);

public interface IEmailTemplates
{
    /// <summary>The languages templates are written in (<c>en</c>, <c>zh-CN</c>).</summary>
    IReadOnlyList<string> Languages { get; }

    /// <summary>
    /// Renders <paramref name="template"/> in <paramref name="language"/> (unknown languages fall back to the default).
    /// Values are HTML-encoded in the HTML body only. Throws when the template is missing or invalid, or a placeholder it uses has no value.
    /// </summary>
    RenderedEmail Render(string template, string language, IReadOnlyDictionary<string, string> values);

    /// <summary>Problems with a template in any language (missing file, missing subject line, unknown placeholder); empty when it is usable.</summary>
    IReadOnlyList<string> Validate(string template);

    /// <summary>The language a mail for someone who prefers <paramref name="language"/> is written in (the default when there is no template in it).</summary>
    string ResolveLanguage(string? language);
}

/// <summary>
/// Templates are files in <c>workflows/templates/</c>: <c>{template}.{language}.txt</c> (first line <c>Subject: …</c>, a blank line,
/// then the plain-text body) and <c>{template}.{language}.html</c> (the HTML body). Placeholders are <c>{{name}}</c>.
/// Files are read once and cached.
/// </summary>
public sealed partial class EmailTemplates(string directory, string defaultLanguage) : IEmailTemplates
{
    /// <summary>Every placeholder a template may use; anything else is a mistake in the template.</summary>
    public static readonly IReadOnlySet<string> KnownPlaceholders = new HashSet<string>(StringComparer.Ordinal)
    {
        "recipientName", "itemId", "customer", "segment", "owner", "deadline", "overdueBy", "timeLeft", "level", "link", "verbatim",
        // The invitation and password-reset mails (Web/Features/Users).
        "inviter", "role", "expires",
        // Workflow tasks and flow e-mails (Workflows/Flows).
        "taskTitle", "workflow", "instructions", "summary",
    };

    public static readonly IReadOnlyList<string> SupportedLanguages = ["en", "zh-CN"];

    private readonly ConcurrentDictionary<(string Template, string Language), Lazy<LoadedTemplate>> _cache = new();

    public string Directory { get; } = directory;
    public IReadOnlyList<string> Languages => SupportedLanguages;

    /// <summary>The supported language closest to <paramref name="language"/>: exact (any case), then by its first part (<c>zh</c> → <c>zh-CN</c>), else the default.</summary>
    public string ResolveLanguage(string? language)
    {
        if (!string.IsNullOrWhiteSpace(language))
        {
            var exact = SupportedLanguages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
            if (exact is not null)
                return exact;
            var neutral = language.Split('-', '_')[0];
            var near = SupportedLanguages.FirstOrDefault(l => string.Equals(l.Split('-')[0], neutral, StringComparison.OrdinalIgnoreCase));
            if (near is not null)
                return near;
        }
        return defaultLanguage;
    }

    public RenderedEmail Render(string template, string language, IReadOnlyDictionary<string, string> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        ArgumentNullException.ThrowIfNull(values);
        var resolved = ResolveLanguage(language);
        var loaded = Load(template, resolved);
        if (loaded.Errors.Count > 0)
            throw new InvalidOperationException(string.Join(" ", loaded.Errors));

        var missing = loaded.Placeholders.Where(p => !values.ContainsKey(p)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"Template '{template}' ({resolved}) needs values for: {string.Join(", ", missing)}.", nameof(values));

        return new RenderedEmail(
            template,
            resolved,
            Fill(loaded.Subject, values, v => v.ReplaceLineEndings(" ")),
            Fill(loaded.Text, values, v => v),
            Fill(loaded.Html, values, WebUtility.HtmlEncode));
    }

    public IReadOnlyList<string> Validate(string template) =>
        SupportedLanguages.SelectMany(language => Load(template, language).Errors).ToList();

    /// <summary>Problems with every template found in the folder (by its file names).</summary>
    public IReadOnlyList<string> ValidateAll()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [$"The e-mail templates folder {Directory} does not exist."];
        var names = System.IO.Directory.EnumerateFiles(Directory)
            .Select(Path.GetFileName)
            .Select(name => name!.Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return names.SelectMany(Validate).ToList();
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(text, match => encode(values[match.Groups[1].Value] ?? ""));

    private LoadedTemplate Load(string template, string language) =>
        _cache.GetOrAdd((template, language), key => new Lazy<LoadedTemplate>(() => Read(key.Template, key.Language))).Value;

    private LoadedTemplate Read(string template, string language)
    {
        var errors = new List<string>();
        if (template.IndexOfAny(['/', '\\', '.']) >= 0)
            return LoadedTemplate.Failed($"'{template}' is not a template name.");
        var textFile = Path.Combine(Directory, $"{template}.{language}.txt");
        var htmlFile = Path.Combine(Directory, $"{template}.{language}.html");
        string subject = "", text = "", html = "";
        if (!File.Exists(textFile))
            errors.Add($"E-mail template '{template}' has no {language} text file ({textFile}).");
        else
        {
            var content = File.ReadAllText(textFile, Encoding.UTF8).ReplaceLineEndings("\n");
            var firstBreak = content.IndexOf('\n');
            var firstLine = firstBreak < 0 ? content : content[..firstBreak];
            if (!firstLine.StartsWith("Subject:", StringComparison.Ordinal) || firstLine.Length <= "Subject:".Length)
                errors.Add($"{textFile}: the first line must be 'Subject: …'.");
            else
            {
                subject = firstLine["Subject:".Length..].Trim();
                var rest = firstBreak < 0 ? "" : content[(firstBreak + 1)..];
                if (!rest.StartsWith('\n'))
                    errors.Add($"{textFile}: a blank line must follow the subject line.");
                text = rest.TrimStart('\n');
            }
        }
        if (!File.Exists(htmlFile))
            errors.Add($"E-mail template '{template}' has no {language} HTML file ({htmlFile}).");
        else
            html = File.ReadAllText(htmlFile, Encoding.UTF8);

        var placeholders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, content) in new[] { (textFile, subject + "\n" + text), (htmlFile, html) })
        {
            foreach (Match match in Placeholder().Matches(content))
            {
                var name = match.Groups[1].Value;
                if (!KnownPlaceholders.Contains(name))
                    errors.Add($"{file}: unknown placeholder {{{{{name}}}}} (known: {string.Join(", ", KnownPlaceholders.Order(StringComparer.Ordinal))}).");
                placeholders.Add(name);
            }
        }
        return errors.Count > 0 ? LoadedTemplate.Failed([.. errors]) : new LoadedTemplate(subject, text, html, placeholders, []);
    }

    private sealed record LoadedTemplate(string Subject, string Text, string Html, IReadOnlySet<string> Placeholders, IReadOnlyList<string> Errors)
    {
        public static LoadedTemplate Failed(params string[] errors) => new("", "", "", new HashSet<string>(), errors);
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
