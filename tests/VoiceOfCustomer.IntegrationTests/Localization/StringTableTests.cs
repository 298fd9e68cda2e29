using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Suggestions.Llm;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Web;
using VoiceOfCustomer.Web.Features.Coding;
using VoiceOfCustomer.Web.Features.Taxonomy;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>The zh-CN string table against the code: every key the UI can ask for has its Chinese entry.</summary>
public sealed partial class StringTableTests
{
    [Fact]
    public void Every_Chinese_entry_keeps_the_placeholders_of_its_English_key()
    {
        var count = 0;
        foreach (var (key, value) in Table())
        {
            Assert.False(string.IsNullOrWhiteSpace(value), $"\"{key}\" has an empty translation.");
            Assert.Equal(Placeholders(key), Placeholders(value));
            count++;
        }
        Assert.True(count > 150, $"Only {count} entries were found.");
    }

    [Fact]
    public void Every_literal_key_of_the_views_and_controllers_has_a_Chinese_entry()
    {
        var table = Table().Keys.ToHashSet(StringComparer.Ordinal);
        var web = Path.Combine(Root(), "src", "VoiceOfCustomer.Web");
        var files = new[] { "Features", "Infrastructure" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(web, dir), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(files, f => f.EndsWith("Controller.cs", StringComparison.Ordinal));

        // Literal keys: T["..."] in views, t["..."] in controllers and view models. Keys handed over as values (T[flash],
        // T.Label(status), ...) are the dynamic keys below, taken from the tables that produce them.
        var literal = files
            .SelectMany(f => LiteralKey().Matches(File.ReadAllText(f)).Select(m => (Key: m.Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal), File: Path.GetFileName(f))))
            .ToList();
        Assert.True(literal.Count > 400, $"Only {literal.Count} keys were found; did the pattern break?");

        var missing = literal.Where(k => !table.Contains(k.Key)).Select(k => $"{k.Key} ({k.File})")
            .Concat(DynamicKeys().Where(k => !table.Contains(k)))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "No zh-CN entry for: " + string.Join(" | ", missing));
    }

    [Fact]
    public void Every_value_of_the_enums_pages_show_has_a_label()
    {
        Assert.Contains(typeof(VoiceOfCustomer.Intake.FeedbackStatus), Labels.EnumTypes);
        Assert.Contains(typeof(VoiceOfCustomer.Intake.Touchpoint), Labels.EnumTypes);
        var unlabelled = Labels.EnumTypes.SelectMany(type => Enum.GetValues(type).Cast<Enum>())
            .Where(value => !Labels.HasLabel(value)).Select(value => $"{value.GetType().Name}.{value}").ToList();
        Assert.True(unlabelled.Count == 0, "No label for: " + string.Join(", ", unlabelled));
        Assert.Equal("In progress", Labels.Of(VoiceOfCustomer.Intake.FeedbackStatus.InProgress));
        Assert.Equal("Support ticket", Labels.Of(VoiceOfCustomer.Intake.Touchpoint.SupportTicket));
    }

    [Fact]
    public void A_key_with_a_context_shows_its_text_in_English_and_its_own_entry_in_Chinese()
    {
        var localizer = Localizer();
        var ui = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("en");
            Assert.Equal("To", localizer["date range|To"].Value);
            Assert.Equal("To", localizer["e-mail|To"].Value);
            Assert.Equal("Received (3)", localizer["test context|Received ({0})", 3].Value);

            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            Assert.Equal("结束日期", localizer["date range|To"].Value);
            Assert.Equal("收件人", localizer["e-mail|To"].Value);
            Assert.Equal("开始日期", localizer["date range|From"].Value);
            Assert.Equal("处理中", localizer.Label(VoiceOfCustomer.Intake.FeedbackStatus.InProgress).Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
        }
    }

    /// <summary>Where the code hands the localizer a value instead of a literal, these are all the values it can be.</summary>
    private static IEnumerable<string> DynamicKeys()
    {
        var t = Localizer();
        var taxonomyEntry = new TaxonomyEntryViewModel
        {
            Kind = TaxonomyKind.Tag, Entry = new Tag { Key = "k", Name = "n" }, Survivors = [], History = [], IsAdmin = true,
            Form = new TaxonomyFormModel { Kind = TaxonomyKind.Tag, Input = new TaxonomyInput(), IdPrefix = "t" },
        };
        return Labels.EnumTypes.SelectMany(type => Enum.GetValues(type).Cast<Enum>()).Select(Labels.Of)
            .Concat(VoiceOfCustomer.Identity.Roles.All.Select(Labels.Role))
            .Concat(Labels.AllTemplateLabels)
            .Concat(new CodingAudit(t, TaxonomyNames.AsStored, new Dictionary<string, string>()).FieldLabels)
            .Concat(new TaxonomyHistory(t, taxonomyEntry).FieldLabels)
            .Concat(new decimal?[] { null, 1m, 100_000m, 500_000m }.Select(CodingPageViewModel.ValueTier))
            .Concat(new[] { "draft", "submit", "assign", "reopen", "awaiting-customer", "merge" }.Select(CodingPageViewModel.ActionLabel))
            .Concat(typeof(TaxonomyActions).GetFields().Select(f => TaxonomyKinds.ActionLabel((string)f.GetValue(null)!)))
            .Concat(TaxonomyKinds.All.Select(TaxonomyKinds.Title))
            .Concat(VoiceOfCustomer.Web.Features.Customers.CustomerExplanations.AllTexts)
            .Concat(VoiceOfCustomer.Web.Features.Workflows.WorkflowPages.AllLabels)
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionField>().Select(SuggestionPanel.FieldLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.SuggestionSource>().Select(SuggestionPanel.SourceLabel))
            .Concat(Enum.GetValues<VoiceOfCustomer.Suggestions.AbstainReason>().Select(SuggestionPanel.AbstainLabel))
            // The LLM refiner's messages on /admin/suggestions: why it makes no call, why an answer was discarded.
            .Concat(new[] { LlmOffReason.SwitchedOff, LlmOffReason.NotConfigured, LlmOffReason.VerbatimMayNotLeave, LlmOffReason.NoKernel, LlmOffReason.BudgetSpent(1) }
                .Select(reason => reason.Template))
            .Concat(new[]
            {
                LlmDiscard.NotJson("x"), LlmDiscard.WrongShape("x"), LlmDiscard.UnknownCode(VoiceOfCustomer.Suggestions.SuggestionField.Tags, "x"),
                LlmDiscard.Timeout(TimeSpan.FromSeconds(1)), LlmDiscard.HttpError(500), LlmDiscard.Unreachable("x"), LlmDiscard.BadResponse(new InvalidOperationException()),
            }.Select(discard => discard.Template))
            // The calendar form's labels and hints, the calendar rules' messages and the SLA date filters' labels.
            .Concat(["Name", "Time zone", "IANA id such as Asia/Shanghai or Europe/Berlin.",
                "Unknown time zone '{0}'; use an IANA id such as 'Asia/Shanghai' or 'Europe/Berlin'.", "A working interval must end after it starts ({0} {1}–{2}).",
                "Working intervals on {0} overlap.", "A calendar needs at least one working interval a week.", "The calendar needs a key.",
                "The calendar needs a name of at most 200 characters.", "Line {0} ('{1}') is not a working interval such as Mon 09:00-12:00.",
                "Line {0} ('{1}') is not a date such as 2026-10-01.", "date range|From", "date range|To"]);
    }

    private static IStringLocalizer Localizer()
    {
        var resources = new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);
        return new ContextualStringLocalizerFactory(resources).Create(typeof(SharedResource));
    }

    private static Dictionary<string, string> Table()
    {
        var manager = new ResourceManager("VoiceOfCustomer.Web.Resources.SharedResource", typeof(SharedResource).Assembly);
        using var set = manager.GetResourceSet(new CultureInfo("zh-CN"), createIfNotExists: true, tryParents: false);
        Assert.NotNull(set);
        // Lookups are case-sensitive here (a key differing only in case cannot be added), so compare exactly.
        return set.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => Assert.IsType<string>(e.Value), StringComparer.Ordinal);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    private static List<string> Placeholders(string text) =>
        Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("""\b[Tt]\["((?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex LiteralKey();
}
