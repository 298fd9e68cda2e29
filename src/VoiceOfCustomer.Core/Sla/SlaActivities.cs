using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Sla;

/// <summary>Who gets the SLA e-mails besides the item's own CSM. Bound from the <c>Escalation</c> section.</summary>
public sealed class EscalationOptions
{
    public const string SectionName = "Escalation";

    /// <summary>The customer-success lead(s) told of a breach. Empty: every Admin is told instead.</summary>
    public List<string> CsLeadAddresses { get; set; } = [];

    /// <summary>Addresses told of a long breach, besides every user in the Leadership role.</summary>
    public List<string> LeadershipAddresses { get; set; } = [];
}

/// <summary>
/// <c>record-escalation</c>: records that an item's SLA reached a level (<c>warning</c>, <c>breach</c>,
/// <c>leadership</c>) at the moment its clock reached it; a breach also stamps <see cref="Intake.FeedbackItem.SlaBreachedAt"/>.
/// Levels reached before the item arrived (imported history) are recorded the same way.
/// </summary>
public sealed class RecordEscalationActivity : IWorkflowActivity
{
    public string Name => "record-escalation";

    public IReadOnlyList<(string Setting, string Message)> Validate(IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue("level", out var level) && Enum.TryParse<SlaEscalationLevel>(level, ignoreCase: true, out _)
            ? []
            : [("level", $"must be one of {string.Join(", ", Enum.GetNames<SlaEscalationLevel>().Select(n => n.ToLowerInvariant()))}")];

    public async Task ExecuteAsync(Microsoft.EntityFrameworkCore.DbContext db, IReadOnlyList<ActivityExecution> executions, CancellationToken cancellationToken)
    {
        var voc = (VocDbContext)db;
        var ids = executions.Select(e => e.Instance.SubjectId).Distinct().ToList();
        var items = await voc.FeedbackItems.AsNoTracking().Where(f => ids.Contains(f.Id))
            .Select(f => new { f.Id, Owner = f.OwnerCsmId ?? f.Customer!.CsmUserId, f.Customer!.SegmentId })
            .ToDictionaryAsync(f => f.Id, cancellationToken);
        var breached = new Dictionary<long, DateTime>();
        foreach (var execution in executions)
        {
            var level = Enum.Parse<SlaEscalationLevel>(execution.Step.Settings["level"], ignoreCase: true);
            items.TryGetValue(execution.Instance.SubjectId, out var item);
            voc.SlaEscalations.Add(new SlaEscalation
            {
                FeedbackItemId = execution.Instance.SubjectId,
                Level = level,
                Key = execution.OccurrenceKey,
                WorkflowInstanceId = execution.Instance.Id,
                OccurredAt = execution.ReachedAt,
                DueAt = execution.DueAt,
                OwnerCsmId = item?.Owner,
                SegmentId = item?.SegmentId,
                Recipients = "",
            });
            if (level == SlaEscalationLevel.Breach)
                breached.TryAdd(execution.Instance.SubjectId, execution.ReachedAt);
        }
        if (breached.Count > 0)
            await StampBreachesAsync(voc, breached, cancellationToken);
    }

    /// <summary>Each item gets its own breach moment: one prepared statement reused, as a burst of due timers can be thousands.</summary>
    private static async Task StampBreachesAsync(VocDbContext db, IReadOnlyDictionary<long, DateTime> breachedAt, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """UPDATE "FeedbackItems" SET "SlaBreachedAt" = @at WHERE "Id" = @id AND "SlaBreachedAt" IS NULL""";
        var at = AdoCommands.AddInstant(command, "@at");
        var id = command.CreateParameter();
        id.ParameterName = "@id";
        command.Parameters.Add(id);
        foreach (var (itemId, moment) in breachedAt)
        {
            at.Value = DateTime.SpecifyKind(moment, DateTimeKind.Utc);
            id.Value = itemId;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

/// <summary>
/// <c>send-email</c>: queues a templated e-mail to <c>owner-csm</c>, <c>cs-lead</c> or <c>leadership</c>, in each
/// recipient's language, as outbox rows in the workflow step's transaction. Keys are the timer's key plus the
/// address, so the same occurrence can never queue the same mail twice. A level reached before the item arrived
/// (imported history) is not news to anyone: no mail, so importing a backlog does not flood leadership.
/// </summary>
public sealed class SendEmailActivity(IEmailTemplates templates, IOptions<EmailOptions> email, IOptions<EscalationOptions> escalation) : IWorkflowActivity
{
    public static readonly IReadOnlyList<string> Audiences = ["owner-csm", "cs-lead", "leadership"];
    private const int VerbatimExcerptLength = 280;

    public string Name => "send-email";

    public IReadOnlyList<(string Setting, string Message)> Validate(IReadOnlyDictionary<string, string> settings)
    {
        var errors = new List<(string, string)>();
        if (!settings.TryGetValue("to", out var to) || !Audiences.Contains(to))
            errors.Add(("to", $"must be one of {string.Join(", ", Audiences)}"));
        if (!settings.TryGetValue("template", out var template) || string.IsNullOrWhiteSpace(template))
            errors.Add(("template", "names the e-mail template (a file pair in workflows/templates)"));
        else
            errors.AddRange(templates.Validate(template).Select(e => ("template", e)));
        return errors;
    }

    public async Task ExecuteAsync(Microsoft.EntityFrameworkCore.DbContext db, IReadOnlyList<ActivityExecution> executions, CancellationToken cancellationToken)
    {
        executions = [.. executions.Where(e => !e.BeforeArrival)];
        if (executions.Count == 0)
            return;
        var voc = (VocDbContext)db;
        var ids = executions.Select(e => e.Instance.SubjectId).Distinct().ToList();
        var items = await voc.FeedbackItems.AsNoTracking().Where(f => ids.Contains(f.Id))
            .Select(f => new ItemFacts(
                f.Id,
                f.Customer!.Name,
                f.Customer.Segment == null ? null : f.Customer.Segment.Name,
                f.Customer.Segment == null ? null : f.Customer.Segment.NameZh,
                f.OwnerCsmId ?? f.Customer.CsmUserId,
                f.Verbatim.Length > VerbatimExcerptLength ? f.Verbatim.Substring(0, VerbatimExcerptLength) + "…" : f.Verbatim))
            .ToDictionaryAsync(f => f.Id, cancellationToken);

        var audiences = executions.Select(e => e.Step.Settings["to"]).ToHashSet();
        var userIds = items.Values.Select(i => i.OwnerId).OfType<string>().Distinct().ToList();
        var users = await voc.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new Person(u.Email!, u.DisplayName, u.PreferredLanguage, u.Id))
            .ToDictionaryAsync(u => u.UserId!, cancellationToken);
        var csLeads = audiences.Contains("cs-lead") || audiences.Contains("owner-csm") ? await CsLeadsAsync(voc, cancellationToken) : [];
        var leadership = audiences.Contains("leadership") ? await LeadershipAsync(voc, cancellationToken) : [];

        // The escalations this batch added are known without a change-detection pass over everything tracked.
        var escalations = AddedEscalations(voc);
        foreach (var execution in executions)
        {
            if (!items.TryGetValue(execution.Instance.SubjectId, out var item))
                continue;
            IReadOnlyList<Person> recipients = execution.Step.Settings["to"] switch
            {
                "owner-csm" => item.OwnerId is not null && users.TryGetValue(item.OwnerId, out var owner) ? [owner] : csLeads,
                "cs-lead" => csLeads,
                _ => leadership,
            };
            var sent = new List<string>();
            foreach (var person in recipients.DistinctBy(p => p.Address.ToLowerInvariant()))
            {
                var language = templates.ResolveLanguage(person.Language);
                var rendered = templates.Render(execution.Step.Settings["template"], language, ValuesFor(execution, item, person, language, users));
                voc.OutboxEmails.Add(new OutboxEmail
                {
                    Key = Truncate($"{execution.OccurrenceKey}:{person.Address.ToLowerInvariant()}", 300),
                    ToAddress = person.Address,
                    ToName = person.Name,
                    Language = rendered.Language,
                    Subject = Truncate(rendered.Subject, 500),
                    TextBody = rendered.TextBody,
                    HtmlBody = rendered.HtmlBody,
                    Template = execution.Step.Settings["template"],
                    State = OutboxEmailState.Pending,
                    CreatedAt = execution.FiredAt,
                    NextAttemptAt = execution.FiredAt,
                });
                sent.Add(person.Address);
            }
            if (escalations.TryGetValue(execution.OccurrenceKey, out var escalation))
                escalation.Recipients = Truncate(string.Join(", ", sent), 2000);
        }
    }

    private static Dictionary<string, SlaEscalation> AddedEscalations(VocDbContext db)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.ChangeTracker.Entries<SlaEscalation>().Select(e => e.Entity).ToDictionary(e => e.Key);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private Dictionary<string, string> ValuesFor(ActivityExecution execution, ItemFacts item, Person person, string language, IReadOnlyDictionary<string, Person> users)
    {
        var chinese = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var culture = CultureInfo.GetCultureInfo(chinese ? "zh-CN" : "en-GB");
        var late = execution.FiredAt - execution.DueAt;
        var owner = item.OwnerId is not null && users.TryGetValue(item.OwnerId, out var o) ? o.Name ?? o.Address : chinese ? "未分配" : "unassigned";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["recipientName"] = person.Name ?? person.Address,
            ["itemId"] = item.Id.ToString(CultureInfo.InvariantCulture),
            ["customer"] = item.Customer,
            ["segment"] = (chinese ? item.SegmentZh ?? item.Segment : item.Segment) ?? (chinese ? "未分组" : "no segment"),
            ["owner"] = owner,
            ["deadline"] = execution.DueAt.ToString(chinese ? "yyyy-MM-dd HH:mm 'UTC'" : "d MMM yyyy HH:mm 'UTC'", culture),
            ["overdueBy"] = Duration(late > TimeSpan.Zero ? late : TimeSpan.Zero, chinese),
            ["timeLeft"] = Duration(late < TimeSpan.Zero ? -late : TimeSpan.Zero, chinese),
            ["level"] = execution.Milestone.Name,
            ["link"] = email.Value.LinkBaseUrl.TrimEnd('/') + "/feedback/" + item.Id.ToString(CultureInfo.InvariantCulture),
            ["verbatim"] = item.Verbatim,
        };
    }

    private static string Duration(TimeSpan span, bool chinese)
    {
        var hours = (int)span.TotalHours;
        return chinese ? $"{hours} 小时 {span.Minutes} 分钟" : $"{hours} h {span.Minutes} min";
    }

    private async Task<IReadOnlyList<Person>> CsLeadsAsync(VocDbContext db, CancellationToken cancellationToken)
    {
        var configured = escalation.Value.CsLeadAddresses.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
        if (configured.Count > 0)
            return await PeopleAsync(db, configured, cancellationToken);
        return await UsersInRoleAsync(db, Roles.Admin, cancellationToken);
    }

    private async Task<IReadOnlyList<Person>> LeadershipAsync(VocDbContext db, CancellationToken cancellationToken)
    {
        var inRole = await UsersInRoleAsync(db, Roles.Leadership, cancellationToken);
        var configured = await PeopleAsync(db, escalation.Value.LeadershipAddresses.Where(a => !string.IsNullOrWhiteSpace(a)).ToList(), cancellationToken);
        return [.. inRole.Concat(configured).DistinctBy(p => p.Address.ToLowerInvariant())];
    }

    /// <summary>Configured addresses, with the name and language of the user who has that address, if any.</summary>
    private static async Task<IReadOnlyList<Person>> PeopleAsync(VocDbContext db, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
            return [];
        var normalized = addresses.Select(a => a.Trim().ToUpperInvariant()).ToList();
        var known = await db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedEmail!))
            .Select(u => new Person(u.Email!, u.DisplayName, u.PreferredLanguage, u.Id))
            .ToListAsync(cancellationToken);
        return [.. addresses.Select(a => known.FirstOrDefault(k => string.Equals(k.Address, a.Trim(), StringComparison.OrdinalIgnoreCase)) ?? new Person(a.Trim(), null, null, null))];
    }

    private static async Task<IReadOnlyList<Person>> UsersInRoleAsync(VocDbContext db, string role, CancellationToken cancellationToken) =>
        await (from user in db.Users.AsNoTracking()
               join link in db.UserRoles on user.Id equals link.UserId
               join r in db.Roles on link.RoleId equals r.Id
               where r.Name == role && user.Email != null
               orderby user.Email
               select new Person(user.Email!, user.DisplayName, user.PreferredLanguage, user.Id))
            .ToListAsync(cancellationToken);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private sealed record ItemFacts(long Id, string Customer, string? Segment, string? SegmentZh, string? OwnerId, string Verbatim);

    private sealed record Person(string Address, string? Name, string? Language, string? UserId);
}
