using VoiceOfCustomer.Workflows.Email;

namespace VoiceOfCustomer.UnitTests.Email;

public sealed class EmailTemplateTests
{
    private static readonly string[] SlaTemplates = ["sla-warning", "sla-breach", "sla-leadership"];

    private static string TemplatesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return Path.Combine(dir.FullName, "workflows", "templates");
        }
        throw new InvalidOperationException("The checkout's root was not found.");
    }

    private static Dictionary<string, string> Values() => new()
    {
        ["recipientName"] = "Li Lei",
        ["itemId"] = "4711",
        ["customer"] = "Acme <Retail> & Co",
        ["segment"] = "Strategic",
        ["owner"] = "王芳",
        ["deadline"] = "2026-11-22 08:30 UTC",
        ["overdueBy"] = "3h 10m",
        ["timeLeft"] = "12h",
        ["level"] = "1",
        ["link"] = "http://127.0.0.1:5080/feedback/4711?a=1&b=2",
        ["verbatim"] = "促销期间补货单总是延迟 <b>\"now\"</b>",
    };

    [Fact]
    public void Every_SLA_template_is_valid_in_both_languages()
    {
        var templates = new EmailTemplates(TemplatesFolder(), "en");
        foreach (var name in SlaTemplates)
            Assert.Empty(templates.Validate(name));
        Assert.Empty(templates.ValidateAll());
    }

    [Theory]
    [InlineData("sla-warning", "en")]
    [InlineData("sla-warning", "zh-CN")]
    [InlineData("sla-breach", "en")]
    [InlineData("sla-breach", "zh-CN")]
    [InlineData("sla-leadership", "en")]
    [InlineData("sla-leadership", "zh-CN")]
    public void Every_SLA_mail_names_the_item_customer_deadline_and_link_in_subject_and_bodies(string template, string language)
    {
        var mail = new EmailTemplates(TemplatesFolder(), "en").Render(template, language, Values());
        Assert.Equal(language, mail.Language);
        foreach (var part in new[] { mail.Subject, mail.TextBody })
        {
            Assert.Contains("4711", part);
            Assert.Contains("Acme <Retail> & Co", part);
            Assert.Contains("2026-11-22 08:30 UTC", part);
        }
        Assert.Contains("http://127.0.0.1:5080/feedback/4711?a=1&b=2", mail.TextBody);
        Assert.Contains("Acme &lt;Retail&gt; &amp; Co", mail.HtmlBody);
        Assert.Contains("2026-11-22 08:30 UTC", mail.HtmlBody);
        Assert.Contains("href=\"http://127.0.0.1:5080/feedback/4711?a=1&amp;b=2\"", mail.HtmlBody);
        Assert.DoesNotContain("{{", mail.Subject + mail.TextBody + mail.HtmlBody);
    }

    [Fact]
    public void Values_are_encoded_in_the_HTML_body_only()
    {
        var mail = new EmailTemplates(TemplatesFolder(), "en").Render("sla-breach", "zh-CN", Values());
        Assert.StartsWith("SLA 已违约", mail.Subject);
        Assert.Contains("促销期间补货单总是延迟 <b>\"now\"</b>", mail.TextBody);
        Assert.Contains("促销期间补货单总是延迟 &lt;b&gt;&quot;now&quot;&lt;/b&gt;", mail.HtmlBody);
        Assert.DoesNotContain("<b>", mail.HtmlBody);
        Assert.Contains("王芳", mail.HtmlBody);
    }

    [Theory]
    [InlineData("fr", "en")]
    [InlineData("", "en")]
    [InlineData("zh", "zh-CN")]
    [InlineData("zh-cn", "zh-CN")]
    [InlineData("EN-us", "en")]
    public void Unknown_languages_fall_back(string asked, string rendered)
    {
        var mail = new EmailTemplates(TemplatesFolder(), "en").Render("sla-warning", asked, Values());
        Assert.Equal(rendered, mail.Language);
    }

    [Fact]
    public void An_unknown_placeholder_or_a_missing_file_is_rejected()
    {
        var folder = Directory.CreateTempSubdirectory("voc-templates-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "bad.en.txt"), "Subject: Item {{itemId}}\n\nHello {{nmae}}\n");
            File.WriteAllText(Path.Combine(folder.FullName, "bad.en.html"), "<p>{{itemId}}</p>");
            File.WriteAllText(Path.Combine(folder.FullName, "nosubject.en.txt"), "Hello\n");
            var templates = new EmailTemplates(folder.FullName, "en");

            var errors = templates.Validate("bad");
            Assert.Contains(errors, e => e.Contains("unknown placeholder {{nmae}}", StringComparison.Ordinal) && e.Contains("bad.en.txt", StringComparison.Ordinal));
            Assert.Contains(errors, e => e.Contains("no zh-CN text file", StringComparison.Ordinal));
            var thrown = Assert.Throws<InvalidOperationException>(() => templates.Render("bad", "en", Values()));
            Assert.Contains("{{nmae}}", thrown.Message);
            Assert.Contains(templates.Validate("nosubject"), e => e.Contains("first line must be 'Subject:", StringComparison.Ordinal));
            Assert.Throws<InvalidOperationException>(() => templates.Render("missing", "en", Values()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_value_the_template_needs_must_be_given()
    {
        var values = Values();
        values.Remove("deadline");
        var thrown = Assert.Throws<ArgumentException>(() => new EmailTemplates(TemplatesFolder(), "en").Render("sla-breach", "en", values));
        Assert.Contains("deadline", thrown.Message);
    }

    private static Dictionary<string, string> TaskValues(string instructions) => new()
    {
        ["recipientName"] = "Ann <Lee>",
        ["taskTitle"] = "Review release 5 & the export",
        ["workflow"] = "Pre-release review",
        ["instructions"] = instructions,
        ["deadline"] = "22 Jul 2026 08:00 UTC",
        ["link"] = "http://127.0.0.1:5080/task-link/CfDJ8abc-_123",
        ["expires"] = "22 Jul 2026 08:00 UTC",
    };

    [Theory]
    [InlineData("workflow-task", "en")]
    [InlineData("workflow-task", "zh-CN")]
    [InlineData("workflow-task-reminder", "en")]
    [InlineData("workflow-task-reminder", "zh-CN")]
    public void Every_task_mail_names_the_task_and_carries_its_link_deadline_and_expiry(string template, string language)
    {
        var templates = new EmailTemplates(TemplatesFolder(), "en");
        Assert.Empty(templates.Validate(template));
        var mail = templates.Render(template, language, TaskValues("Try the export <b>now</b>."));
        Assert.Equal(language, mail.Language);
        Assert.Contains("Review release 5 & the export", mail.Subject);
        foreach (var value in new[] { "Review release 5 & the export", "Pre-release review", "22 Jul 2026 08:00 UTC", "http://127.0.0.1:5080/task-link/CfDJ8abc-_123", "Try the export <b>now</b>." })
            Assert.Contains(value, mail.TextBody);
        Assert.Contains("href=\"http://127.0.0.1:5080/task-link/CfDJ8abc-_123\"", mail.HtmlBody);
        Assert.Contains("Review release 5 &amp; the export", mail.HtmlBody);
        Assert.Contains("Try the export &lt;b&gt;now&lt;/b&gt;.", mail.HtmlBody);
        Assert.Contains("Ann &lt;Lee&gt;", mail.HtmlBody);
        Assert.DoesNotContain("{{", mail.Subject + mail.TextBody + mail.HtmlBody);
        if (template == "workflow-task-reminder")
            Assert.Contains("22 Jul 2026 08:00 UTC", mail.Subject);
    }
}
