using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Workflows.Persistence;

/// <summary>
/// One version of a workflow definition file. A file whose content changed is stored as the next version;
/// instances keep the version they started on.
/// </summary>
public sealed class WorkflowDefinitionRecord
{
    public int Id { get; set; }

    /// <summary>The definition's <c>id</c>, e.g. <c>attribution-sla</c>.</summary>
    public required string DefinitionId { get; set; }
    public int Version { get; set; }

    /// <summary>SHA-256 (hex) of the file's bytes: the same content is never stored twice.</summary>
    public required string ContentHash { get; set; }
    public required string Json { get; set; }

    /// <summary>The file it was loaded from, relative to the workflows folder.</summary>
    public required string SourceFile { get; set; }
    public DateTime LoadedAt { get; set; }
}

public enum WorkflowInstanceStatus
{
    /// <summary>The clock runs and the next milestone's timer is pending.</summary>
    Running,
    /// <summary>The clock is stopped (for example while waiting for the customer); no timer is pending.</summary>
    Paused,
    /// <summary>Ended by its subject (for example the attribution was completed), or a flow reached an end step.</summary>
    Completed,
    /// <summary>A flow's activity failed on every retry; an Admin can retry it from the instance page.</summary>
    Faulted,
    /// <summary>Stopped by an Admin (audited); its open tasks and timers are withdrawn.</summary>
    Cancelled,
}

/// <summary>
/// A running workflow for one subject (a feedback item). The clock columns make pausing exact: consumed
/// time is banked at each pause, and the milestones are measured against it.
/// </summary>
public sealed class WorkflowInstance
{
    public long Id { get; set; }
    public int DefinitionRecordId { get; set; }
    public WorkflowDefinitionRecord? DefinitionRecord { get; set; }

    /// <summary>Copied from the definition so queries need no join.</summary>
    public required string DefinitionId { get; set; }
    public required string SubjectType { get; set; }
    public long SubjectId { get; set; }
    public WorkflowInstanceStatus Status { get; set; }

    /// <summary>The instant the clock is measured from (the item's arrival).</summary>
    public DateTime AnchorAt { get; set; }

    /// <summary>The full target, in working time of <see cref="CalendarKey"/> (wall-clock time when it is null).</summary>
    public TimeSpan Target { get; set; }
    public string? CalendarKey { get; set; }

    /// <summary>Working time used up before the current run of the clock.</summary>
    public TimeSpan Consumed { get; set; }

    /// <summary>When the clock last started; null while paused or ended.</summary>
    public DateTime? RunningSince { get; set; }

    /// <summary>Names of the milestones that have fired, comma-separated, in order.</summary>
    public string FiredMilestones { get; set; } = "";

    /// <summary>The parameter values this instance started with (JSON object), so a configuration change affects only new instances.</summary>
    public required string ParametersJson { get; set; }

    public DateTime StartedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public string? EndReason { get; set; }

    // Step-based definitions (flows) only; null or zero for clock instances.

    /// <summary>Names this run (e.g. <c>quarterly-retro:2026Q3</c>); unique, so one occurrence runs once.</summary>
    public string? RunKey { get; set; }

    /// <summary>The step the flow stands at (or stopped at).</summary>
    public string? CurrentStep { get; set; }

    /// <summary>How many steps the instance has entered: part of every timer's and task's key, so re-entering a step is a new occurrence.</summary>
    public int StepEntry { get; set; }

    /// <summary>The flow's variables (a JSON object).</summary>
    public string? VariablesJson { get; set; }

    /// <summary>The instance whose for-each step started this one.</summary>
    public long? ParentInstanceId { get; set; }

    /// <summary>Failed attempts of the current step's activity; reset when it succeeds.</summary>
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>Who or what started it: a user's e-mail, <c>cron</c>, <c>cli</c>, or the parent's run key.</summary>
    public string? StartedBy { get; set; }

    /// <summary>Incremented by every change of a flow instance: two app instances moving it at once cannot both win.</summary>
    public int Revision { get; set; }

    public bool IsFlow => RunKey is not null;
}

public enum WorkflowTimerState
{
    Pending,
    Fired,
    /// <summary>A flow's activity failed on every retry while handling it; an Admin's retry re-arms it.</summary>
    Faulted,
    /// <summary>Withdrawn because the clock paused (a resume re-arms it) or the instance ended before it was due.</summary>
    Cancelled,
}

/// <summary>
/// A bookmark that resumes its instance at <see cref="ResumeAt"/>. Its <see cref="Key"/> names the occurrence
/// (definition, instance, milestone) and is unique, so one occurrence can be scheduled and fired only once; a pause
/// withdraws it (<see cref="WorkflowTimerState.Cancelled"/>) and the resume re-arms the same row.
/// </summary>
public sealed class WorkflowTimer
{
    public long Id { get; set; }
    public long InstanceId { get; set; }
    public WorkflowInstance? Instance { get; set; }
    public required string Key { get; set; }

    /// <summary>The milestone this timer fires.</summary>
    public required string Milestone { get; set; }
    public DateTime ResumeAt { get; set; }
    public WorkflowTimerState State { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FiredAt { get; set; }

    /// <summary>Which app instance fired it (machine and process), for the record.</summary>
    public string? FiredBy { get; set; }

    /// <summary>For a flow: the step (and its entry number) the timer belongs to; null for an SLA milestone.</summary>
    public string? Step { get; set; }
    public int StepEntry { get; set; }

    /// <summary>For a flow: what the event carries (a task id, a signal name, a reminder's number).</summary>
    public string? Argument { get; set; }

    public bool IsFlow => Step is not null;
}

public enum WorkflowTaskStatus
{
    Open,
    Completed,
    /// <summary>The deadline passed, or the step ended (quorum reached or rejected) before this person answered.</summary>
    Closed,
    Cancelled,
}

/// <summary>
/// One person's part in a human-task step: what they are asked, by when, and their answer. A person with an account finds it
/// on My tasks and in the API; anyone can answer through the signed link in their e-mail.
/// </summary>
public sealed class WorkflowTask
{
    public long Id { get; set; }
    public long InstanceId { get; set; }
    public WorkflowInstance? Instance { get; set; }
    public required string DefinitionId { get; set; }
    public required string Step { get; set; }
    public int StepEntry { get; set; }

    /// <summary>Unique per step entry and person: a retried step cannot create a task twice.</summary>
    public required string Key { get; set; }
    public string? AssigneeUserId { get; set; }
    public required string AssigneeEmail { get; set; }
    public string? AssigneeName { get; set; }

    /// <summary>What sort of assignee (e.g. <c>customer</c>, <c>csm</c>), for quorums that need one of a kind.</summary>
    public required string AssigneeKind { get; set; }
    public required string Language { get; set; }
    public required string Title { get; set; }
    public WorkflowTaskStatus Status { get; set; }
    public string? Outcome { get; set; }
    public string? Comment { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>Who answered: the user's e-mail, or "link" with the address the link was sent to.</summary>
    public string? CompletedBy { get; set; }

    /// <summary>Random value inside the e-mail link's signed token: a link made for an earlier task with the same id is useless.</summary>
    public required string LinkNonce { get; set; }
    public int RemindersSent { get; set; }
}

/// <summary>One line of an instance's history: a step entered or left, a task created or answered, a retry, a cancel; by whom or what, when.</summary>
public sealed class WorkflowHistoryEntry
{
    public long Id { get; set; }
    public long InstanceId { get; set; }
    public DateTime At { get; set; }
    public string? Step { get; set; }
    public required string Event { get; set; }
    public required string Actor { get; set; }
    public string? Detail { get; set; }

    /// <summary>A line fitted to its columns (an over-long actor or detail keeps its start and a hash of the whole).</summary>
    public static WorkflowHistoryEntry Of(long instanceId, DateTime at, string? step, string @event, string actor, string? detail) => new()
    {
        InstanceId = instanceId,
        At = at,
        Step = step,
        Event = @event,
        Actor = Flows.FlowEngine.Fit(actor, 400),
        Detail = detail is null ? null : Flows.FlowEngine.Fit(detail, 2000),
    };
}

/// <summary>The last cron occurrence of a definition that was started (or skipped), so a missed one is found at the next start-up.</summary>
public sealed class WorkflowSchedule
{
    public required string DefinitionId { get; set; }
    public DateTime LastOccurrence { get; set; }
    public DateTime UpdatedAt { get; set; }
}

public enum OutboxEmailState
{
    Pending,
    Sent,
    /// <summary>Gave up after the configured number of attempts; an Admin can retry it.</summary>
    DeadLetter,
}

/// <summary>
/// An e-mail waiting to be sent. Written in the same transaction as the workflow step that decided to send
/// it; delivered later by the outbox sender, with retries, so an unreachable SMTP server loses nothing.
/// </summary>
public sealed class OutboxEmail
{
    public long Id { get; set; }

    /// <summary>Unique per occurrence and recipient (e.g. <c>attribution-sla:42:breach:1:lead@example.com</c>): a retried step cannot queue it twice.</summary>
    public required string Key { get; set; }
    public required string ToAddress { get; set; }
    public string? ToName { get; set; }

    /// <summary>The language the mail was rendered in (<c>en</c> or <c>zh-CN</c>).</summary>
    public required string Language { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    public required string HtmlBody { get; set; }

    /// <summary>What kind of mail this is, e.g. <c>sla-breach</c>; shown on the outbox page.</summary>
    public required string Template { get; set; }
    public OutboxEmailState State { get; set; }
    public int Attempts { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Not before this instant: the exponential back-off after a failed attempt.</summary>
    public DateTime NextAttemptAt { get; set; }

    /// <summary>While a sender is working on the mail, no other sender may take it before this instant.</summary>
    public DateTime? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LastError { get; set; }

    /// <summary>A pending mail of a rendered template to one person, due at once.</summary>
    public static OutboxEmail Queue(Email.RenderedEmail rendered, string key, string toAddress, string? toName, DateTime now) => new()
    {
        Key = key.Length <= 300 ? key : key[..300],
        ToAddress = toAddress,
        ToName = toName,
        Language = rendered.Language,
        Subject = rendered.Subject.Length > 500 ? rendered.Subject[..500] : rendered.Subject,
        TextBody = rendered.TextBody,
        HtmlBody = rendered.HtmlBody,
        Template = rendered.Template,
        State = OutboxEmailState.Pending,
        CreatedAt = now,
        NextAttemptAt = now,
    };
}

internal sealed class WorkflowDefinitionRecordConfiguration : IEntityTypeConfiguration<WorkflowDefinitionRecord>
{
    public void Configure(EntityTypeBuilder<WorkflowDefinitionRecord> builder)
    {
        builder.Property(d => d.DefinitionId).HasMaxLength(100);
        builder.Property(d => d.ContentHash).HasMaxLength(64);
        builder.Property(d => d.SourceFile).HasMaxLength(260);
        builder.HasIndex(d => new { d.DefinitionId, d.Version }).IsUnique();
        builder.HasIndex(d => new { d.DefinitionId, d.ContentHash }).IsUnique();
    }
}

internal sealed class WorkflowInstanceConfiguration : IEntityTypeConfiguration<WorkflowInstance>
{
    public void Configure(EntityTypeBuilder<WorkflowInstance> builder)
    {
        builder.Property(i => i.DefinitionId).HasMaxLength(100);
        builder.Property(i => i.SubjectType).HasMaxLength(50);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.CalendarKey).HasMaxLength(64);
        builder.Property(i => i.FiredMilestones).HasMaxLength(400);
        builder.Property(i => i.EndReason).HasMaxLength(100);
        builder.HasOne(i => i.DefinitionRecord).WithMany().HasForeignKey(i => i.DefinitionRecordId).OnDelete(DeleteBehavior.Restrict);

        builder.HasIndex(i => new { i.SubjectType, i.SubjectId, i.DefinitionId });

        // At most one live clock per definition and subject, even when two app instances start one at once. Flows are
        // kept unique by their run key instead (a for-each starts many children of one definition for one subject).
        builder.HasIndex(i => new { i.DefinitionId, i.SubjectType, i.SubjectId }, "IX_WorkflowInstances_OneLivePerSubject")
            .IsUnique()
            .HasFilter("\"Status\" IN ('Running', 'Paused') AND \"RunKey\" IS NULL");
        builder.Property(i => i.RunKey).HasMaxLength(200);
        builder.HasIndex(i => i.RunKey).IsUnique();
        builder.Property(i => i.CurrentStep).HasMaxLength(60);
        builder.Property(i => i.LastError).HasMaxLength(2000);
        builder.Property(i => i.StartedBy).HasMaxLength(200);
        builder.Property(i => i.Revision).IsConcurrencyToken();
        builder.HasIndex(i => i.ParentInstanceId);
        builder.HasIndex(i => new { i.DefinitionId, i.Status, i.Id });
    }
}

internal sealed class WorkflowTimerConfiguration : IEntityTypeConfiguration<WorkflowTimer>
{
    public void Configure(EntityTypeBuilder<WorkflowTimer> builder)
    {
        builder.Property(t => t.Key).HasMaxLength(200);
        builder.Property(t => t.Milestone).HasMaxLength(50);
        builder.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.FiredBy).HasMaxLength(100);
        builder.HasIndex(t => t.Key).IsUnique();
        builder.HasIndex(t => t.InstanceId);

        // The due-timer query reads only pending timers, soonest first: a partial index keeps fired history out of it.
        builder.HasIndex(t => new { t.ResumeAt, t.Id }, "IX_WorkflowTimers_Due")
            .HasFilter("\"State\" = 'Pending'");
        builder.HasOne(t => t.Instance).WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.Step).HasMaxLength(60);
        builder.Property(t => t.Argument).HasMaxLength(200);
    }
}

internal sealed class WorkflowTaskConfiguration : IEntityTypeConfiguration<WorkflowTask>
{
    public void Configure(EntityTypeBuilder<WorkflowTask> builder)
    {
        builder.Property(t => t.DefinitionId).HasMaxLength(100);
        builder.Property(t => t.Step).HasMaxLength(60);
        builder.Property(t => t.Key).HasMaxLength(300);
        builder.Property(t => t.AssigneeUserId).HasMaxLength(450);
        builder.Property(t => t.AssigneeEmail).HasMaxLength(320);
        builder.Property(t => t.AssigneeName).HasMaxLength(200);
        builder.Property(t => t.AssigneeKind).HasMaxLength(50);
        builder.Property(t => t.Language).HasMaxLength(16);
        builder.Property(t => t.Title).HasMaxLength(300);
        builder.Property(t => t.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(t => t.Outcome).HasMaxLength(50);
        builder.Property(t => t.Comment).HasMaxLength(4000);
        builder.Property(t => t.CompletedBy).HasMaxLength(400);
        builder.Property(t => t.LinkNonce).HasMaxLength(64);
        builder.HasIndex(t => t.Key).IsUnique();
        builder.HasIndex(t => new { t.InstanceId, t.Step, t.StepEntry });
        // My tasks: a person's open tasks, soonest deadline first, without reading anyone else's or any answered one.
        builder.HasIndex(t => new { t.AssigneeUserId, t.DueAt, t.Id }, "IX_WorkflowTasks_OpenByAssignee")
            .HasFilter("\"Status\" = 'Open'");
        builder.HasOne(t => t.Instance).WithMany().HasForeignKey(t => t.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkflowHistoryEntryConfiguration : IEntityTypeConfiguration<WorkflowHistoryEntry>
{
    public void Configure(EntityTypeBuilder<WorkflowHistoryEntry> builder)
    {
        builder.Property(h => h.Step).HasMaxLength(60);
        builder.Property(h => h.Event).HasMaxLength(50);
        builder.Property(h => h.Actor).HasMaxLength(400);
        builder.Property(h => h.Detail).HasMaxLength(2000);
        builder.HasIndex(h => new { h.InstanceId, h.Id });
    }
}

internal sealed class WorkflowScheduleConfiguration : IEntityTypeConfiguration<WorkflowSchedule>
{
    public void Configure(EntityTypeBuilder<WorkflowSchedule> builder)
    {
        builder.HasKey(s => s.DefinitionId);
        builder.Property(s => s.DefinitionId).HasMaxLength(100);
    }
}

internal sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> builder)
    {
        builder.Property(e => e.Key).HasMaxLength(300);
        builder.Property(e => e.ToAddress).HasMaxLength(320);
        builder.Property(e => e.ToName).HasMaxLength(200);
        builder.Property(e => e.Language).HasMaxLength(16);
        builder.Property(e => e.Subject).HasMaxLength(500);
        builder.Property(e => e.Template).HasMaxLength(64);
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.LeaseOwner).HasMaxLength(100);
        builder.Property(e => e.LastError).HasMaxLength(2000);
        builder.HasIndex(e => e.Key).IsUnique();
        builder.HasIndex(e => new { e.NextAttemptAt, e.Id }, "IX_OutboxEmails_Pending")
            .HasFilter("\"State\" = 'Pending'");
        builder.HasIndex(e => new { e.State, e.CreatedAt });
    }
}
