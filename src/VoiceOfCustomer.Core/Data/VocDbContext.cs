using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.ApiKeys;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Segments;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Data;

/// <summary>
/// The one DbContext. Migrations live in one assembly per provider (Sqlite, Postgres, SqlServer); add one to all three:
/// <code>
/// scripts/add-migration.sh NAME
/// </code>
/// </summary>
public sealed class VocDbContext(DbContextOptions<VocDbContext> options) : IdentityDbContext<AppUser>(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<CustomerContract> CustomerContracts => Set<CustomerContract>();
    public DbSet<CustomerTransaction> CustomerTransactions => Set<CustomerTransaction>();
    public DbSet<CustomerHistoryEntry> CustomerHistory => Set<CustomerHistoryEntry>();
    public DbSet<Behaviour.BehaviourMetric> BehaviourMetrics => Set<Behaviour.BehaviourMetric>();
    public DbSet<Behaviour.BehaviourMeasurement> BehaviourMeasurements => Set<Behaviour.BehaviourMeasurement>();
    public DbSet<Behaviour.BehaviourTarget> BehaviourTargets => Set<Behaviour.BehaviourTarget>();
    public DbSet<Value.ValueFitRecord> ValueFits => Set<Value.ValueFitRecord>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<FeedbackItem> FeedbackItems => Set<FeedbackItem>();
    public DbSet<Attribution> Attributions => Set<Attribution>();
    public DbSet<AttributionTag> AttributionTags => Set<AttributionTag>();
    public DbSet<AttributionAuditEntry> AttributionAuditEntries => Set<AttributionAuditEntry>();
    public DbSet<BusinessMetric> BusinessMetrics => Set<BusinessMetric>();
    public DbSet<CapabilityGap> CapabilityGaps => Set<CapabilityGap>();
    public DbSet<OwningDomain> OwningDomains => Set<OwningDomain>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<TaxonomyChange> TaxonomyChanges => Set<TaxonomyChange>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRejection> ImportRejections => Set<ImportRejection>();
    public DbSet<Events.DomainEvent> DomainEvents => Set<Events.DomainEvent>();
    public DbSet<Sla.SlaEscalation> SlaEscalations => Set<Sla.SlaEscalation>();
    public DbSet<Sla.BusinessCalendarRecord> BusinessCalendars => Set<Sla.BusinessCalendarRecord>();
    public DbSet<Workflows.Persistence.WorkflowDefinitionRecord> WorkflowDefinitions => Set<Workflows.Persistence.WorkflowDefinitionRecord>();
    public DbSet<Workflows.Persistence.WorkflowInstance> WorkflowInstances => Set<Workflows.Persistence.WorkflowInstance>();
    public DbSet<Workflows.Persistence.WorkflowTimer> WorkflowTimers => Set<Workflows.Persistence.WorkflowTimer>();
    public DbSet<Workflows.Persistence.OutboxEmail> OutboxEmails => Set<Workflows.Persistence.OutboxEmail>();
    public DbSet<Workflows.Persistence.WorkflowTask> WorkflowTasks => Set<Workflows.Persistence.WorkflowTask>();
    public DbSet<Workflows.Persistence.WorkflowHistoryEntry> WorkflowHistory => Set<Workflows.Persistence.WorkflowHistoryEntry>();
    public DbSet<Workflows.Persistence.WorkflowSchedule> WorkflowSchedules => Set<Workflows.Persistence.WorkflowSchedule>();
    public DbSet<Suggestions.SuggestionModelRecord> SuggestionModels => Set<Suggestions.SuggestionModelRecord>();
    public DbSet<Suggestions.SuggestionRecord> SuggestionRecords => Set<Suggestions.SuggestionRecord>();
    public DbSet<Suggestions.LlmSuggestionRecord> LlmSuggestions => Set<Suggestions.LlmSuggestionRecord>();
    public DbSet<Suggestions.LlmDailyUsage> LlmDailyUsage => Set<Suggestions.LlmDailyUsage>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(VocDbContext).Assembly);
        builder.ApplyConfigurationsFromAssembly(typeof(Workflows.Persistence.WorkflowInstance).Assembly);
        if (Database.IsSqlServer())
            SqlServerModel.Apply(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is stored as UTC; reading one back marks it so, on SQLite too.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        if (Database.IsSqlServer())
            SqlServerModel.ConfigureConventions(configurationBuilder);
    }
}
