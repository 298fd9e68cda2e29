using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Workflows.Definitions;

namespace VoiceOfCustomer.Workflows.Runtime;

/// <summary>The engine's view of the definition catalog: latest versions per subject type, pinned versions by record.</summary>
internal sealed class CatalogWorkflowVersions(WorkflowDefinitionCatalog catalog, WorkflowParameterResolver parameters) : IWorkflowVersions
{
    public IReadOnlyList<WorkflowVersion> LatestFor(string subjectType) =>
        [.. catalog.Latest.Where(p => p.Definition.Flow is null && p.Definition.SubjectType == subjectType).Select(p => new WorkflowVersion(p.RecordId, p.Version, p.Definition))];

    public WorkflowVersion? LatestFlow(string definitionId) =>
        catalog.LatestFor(definitionId) is { Definition.Flow: not null } p ? new WorkflowVersion(p.RecordId, p.Version, p.Definition) : null;

    public Task<WorkflowDefinition> GetAsync(DbContext db, int recordId, CancellationToken cancellationToken) =>
        catalog.GetVersionAsync(db, recordId, cancellationToken);

    public ResolvedParameters ParametersFor(WorkflowDefinition definition) => parameters.Resolve(definition);
}
