using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Workflows.Flows;

/// <summary>What a task link's token says, once its signature checked out.</summary>
public sealed record TaskLinkClaim(long TaskId, string Nonce, DateTime ExpiresAt);

/// <summary>
/// Signed links to one task: the token is the task id, the task's random nonce and an expiry, protected (encrypted and
/// authenticated) with ASP.NET Core Data Protection. A changed token fails the signature; an old task's link fails on the
/// nonce; the link is single-use because an answered task takes no second answer.
/// </summary>
public sealed class TaskLinks(IDataProtectionProvider protection, IOptions<EmailOptions> email)
{
    private readonly IDataProtector _protector = protection.CreateProtector("VoiceOfCustomer.Workflows.TaskLink.v1");

    public string Token(WorkflowTask task, DateTime expiresAt) =>
        _protector.Protect($"{task.Id.ToString(CultureInfo.InvariantCulture)}|{task.LinkNonce}|{expiresAt.Ticks.ToString(CultureInfo.InvariantCulture)}");

    public string Url(WorkflowTask task, DateTime expiresAt) =>
        email.Value.LinkBaseUrl.TrimEnd('/') + "/task-link/" + Uri.EscapeDataString(Token(task, expiresAt));

    /// <summary>The claim in <paramref name="token"/>, or null when it was not made by this application (tampered, truncated, made up).</summary>
    public TaskLinkClaim? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2000)
            return null;
        try
        {
            var parts = _protector.Unprotect(token).Split('|');
            return parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                   && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                ? new TaskLinkClaim(id, parts[1], new DateTime(ticks, DateTimeKind.Utc))
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    public static bool NonceMatches(WorkflowTask task, string nonce) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(task.LinkNonce), Encoding.ASCII.GetBytes(nonce));
}

/// <summary>Queues the mails of human tasks (assignment and reminders) in the outbox, in each person's language, with their link.</summary>
public sealed class TaskMail(IEmailTemplates templates, TaskLinks links)
{
    public const string AssignmentTemplate = "workflow-task";
    public const string ReminderTemplate = "workflow-task-reminder";

    public string Language(string? preferred) => templates.ResolveLanguage(preferred);

    public void QueueAssignment(DbContext db, WorkflowTask task, WorkflowDefinition definition, HumanTaskFlowStep step, DateTime linkExpiresAt, DateTime now) =>
        Queue(db, task, definition, step, AssignmentTemplate, $"task:{task.Id}", linkExpiresAt, now);

    public void QueueReminder(DbContext db, WorkflowTask task, WorkflowDefinition definition, HumanTaskFlowStep step, DateTime linkExpiresAt, string reminder, DateTime now) =>
        Queue(db, task, definition, step, ReminderTemplate, $"task:{task.Id}:reminder:{reminder}", linkExpiresAt, now);

    private void Queue(DbContext db, WorkflowTask task, WorkflowDefinition definition, HumanTaskFlowStep step, string template, string key, DateTime linkExpiresAt, DateTime now)
    {
        var chinese = task.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var culture = CultureInfo.GetCultureInfo(chinese ? "zh-CN" : "en-GB");
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recipientName"] = task.AssigneeName ?? task.AssigneeEmail,
            ["taskTitle"] = task.Title,
            ["workflow"] = definition.Name,
            ["instructions"] = step.Instructions?.For(task.Language) ?? "",
            ["deadline"] = task.DueAt is { } due ? due.ToString(chinese ? "yyyy-MM-dd HH:mm 'UTC'" : "d MMM yyyy HH:mm 'UTC'", culture) : chinese ? "无截止时间" : "no deadline",
            ["link"] = links.Url(task, linkExpiresAt),
            ["expires"] = linkExpiresAt.ToString(chinese ? "yyyy-MM-dd HH:mm 'UTC'" : "d MMM yyyy HH:mm 'UTC'", culture),
        };
        var rendered = templates.Render(template, task.Language, values);
        db.Set<OutboxEmail>().Add(OutboxEmail.Queue(rendered, key, task.AssigneeEmail, task.AssigneeName, now));
    }
}
