using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Persistence;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Definitions;

/// <summary>The version of a definition new instances start on: the one its file holds now.</summary>
public sealed record PublishedWorkflow(int RecordId, int Version, WorkflowDefinition Definition, string SourceFile);

/// <summary>
/// The workflow definitions of this process. At start-up it loads the files (any problem stops start-up),
/// and stores each file's content as a version row: a content not seen before for its id becomes the next
/// version, an unchanged file reuses its row. Rows are never changed or deleted, so a running instance keeps
/// the version it started on (<see cref="GetVersionAsync"/>).
/// </summary>
public sealed class WorkflowDefinitionCatalog(
    WorkflowDefinitionLoader loader,
    WorkflowParameterResolver parameters,
    IOptions<WorkflowOptions> options,
    IEnumerable<IWorkflowActivity> activities,
    IEnumerable<IWorkflowSubjectSource> subjectSources,
    IEnumerable<Flows.IFlowActivity> flowActivities,
    IEnumerable<Flows.IWorkflowAssigneeResolver> resolvers,
    Flows.IWorkflowDirectory people,
    TimeProvider timeProvider,
    ILogger<WorkflowDefinitionCatalog> logger)
{
    private const int MaxAttempts = 5;

    private readonly ConcurrentDictionary<int, WorkflowDefinition> _versions = new();
    private IReadOnlyList<PublishedWorkflow>? _latest;

    /// <summary>The published version of every definition file, by id.</summary>
    public IReadOnlyList<PublishedWorkflow> Latest =>
        _latest ?? throw new InvalidOperationException($"{nameof(WorkflowDefinitionCatalog)}.{nameof(InitializeAsync)} has not run.");

    public PublishedWorkflow? LatestFor(string definitionId) =>
        Latest.FirstOrDefault(p => string.Equals(p.Definition.Id, definitionId, StringComparison.Ordinal));

    /// <summary>The published definitions that react to a signal (a domain event type such as <c>feedback.received</c>).</summary>
    public IEnumerable<PublishedWorkflow> SubscribedTo(string signalType) =>
        Latest.Where(p => p.Definition.Signals.ContainsKey(signalType));

    /// <summary>Loads and checks the files, checks the configured parameters, and stores new versions.</summary>
    /// <exception cref="WorkflowDefinitionException">A file or a configured parameter is invalid.</exception>
    public async Task InitializeAsync(DbContext db, CancellationToken cancellationToken = default)
    {
        var directory = ResolveDirectory(options.Value);
        var flowNames = new Flows.FlowKnownNames(
            flowActivities.GroupBy(a => a.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            resolvers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal),
            people.Roles);
        var files = loader.LoadDirectory(directory, activities.ToList(), subjectSources.Select(s => s.SubjectType).ToList(), flowNames);
        parameters.ValidateAll(files.Select(f => f.Definition));

        var published = new List<PublishedWorkflow>();
        foreach (var file in files)
        {
            var record = await StoreAsync(db, file, cancellationToken);
            _versions[record.Id] = file.Definition;
            published.Add(new PublishedWorkflow(record.Id, record.Version, file.Definition, file.SourceFile));
            logger.LogInformation("Workflow {DefinitionId} version {Version} from {SourceFile}", file.Definition.Id, record.Version, file.SourceFile);
        }
        _latest = published;
    }

    /// <summary>The definition an instance started on (any version, also one whose file has changed or gone since).</summary>
    public async Task<WorkflowDefinition> GetVersionAsync(DbContext db, int recordId, CancellationToken cancellationToken = default)
    {
        if (_versions.TryGetValue(recordId, out var cached))
            return cached;
        var record = await db.Set<WorkflowDefinitionRecord>().AsNoTracking()
            .Where(r => r.Id == recordId)
            .Select(r => new { r.Json, r.SourceFile, r.Version })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Workflow definition record {recordId} does not exist.");
        // It was checked against the activities and subject types of its day; those may have changed since.
        var definition = loader.Parse($"{record.SourceFile} (version {record.Version})", record.Json);
        return _versions.GetOrAdd(recordId, definition);
    }

    /// <summary>
    /// The configured folder (relative paths under the checkout's root), else <c>workflows</c> beside the program,
    /// else the checkout's <c>workflows/</c> (tools run from a source tree that did not copy the files).
    /// </summary>
    public static string ResolveDirectory(WorkflowOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Directory))
            return Path.GetFullPath(options.Directory, CheckoutRoot() ?? AppContext.BaseDirectory);
        var beside = Path.Combine(AppContext.BaseDirectory, "workflows");
        if (Directory.Exists(beside))
            return beside;
        return CheckoutRoot() is { } root && Directory.Exists(Path.Combine(root, "workflows")) ? Path.Combine(root, "workflows") : beside;
    }

    private static string? CheckoutRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceOfCustomer.sln")))
                return dir.FullName;
        }
        return null;
    }

    private async Task<WorkflowDefinitionRecord> StoreAsync(DbContext db, LoadedWorkflowFile file, CancellationToken cancellationToken)
    {
        var set = db.Set<WorkflowDefinitionRecord>();
        var id = file.Definition.Id;
        for (var attempt = 1; ; attempt++)
        {
            var existing = await set.AsNoTracking()
                .Where(r => r.DefinitionId == id && r.ContentHash == file.ContentHash)
                .FirstOrDefaultAsync(cancellationToken);
            if (existing is not null)
                return existing;

            var latestVersion = await set.Where(r => r.DefinitionId == id).MaxAsync(r => (int?)r.Version, cancellationToken) ?? 0;
            var record = new WorkflowDefinitionRecord
            {
                DefinitionId = id,
                Version = latestVersion + 1,
                ContentHash = file.ContentHash,
                Json = file.Json,
                SourceFile = file.SourceFile,
                LoadedAt = timeProvider.GetUtcNow().UtcDateTime,
            };
            set.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                db.Entry(record).State = EntityState.Detached;
                return record;
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // Another app instance stored this content, or took this version number, a moment ago
                // (the unique indexes on (DefinitionId, ContentHash) and (DefinitionId, Version)): read again.
                db.Entry(record).State = EntityState.Detached;
                logger.LogInformation("Workflow {DefinitionId}: another instance stored a version concurrently; reading again", id);
            }
        }
    }
}
