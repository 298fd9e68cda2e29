using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Taxonomy;

public enum TaxonomyOutcome
{
    Saved,
    NotFound,
    Invalid,
}

public sealed record TaxonomyResult(TaxonomyOutcome Outcome, IReadOnlyList<FieldError> Errors, int? Id = null)
{
    public static readonly TaxonomyResult NotFound = new(TaxonomyOutcome.NotFound, []);
    public static TaxonomyResult Invalid(params FieldError[] errors) => new(TaxonomyOutcome.Invalid, errors);
    public static TaxonomyResult Saved(int id) => new(TaxonomyOutcome.Saved, [], id);
}

/// <summary>What the create and edit forms send; fields that do not apply to the kind are ignored.</summary>
public sealed class TaxonomyInput
{
    public string? Key { get; set; }
    public string? Name { get; set; }
    public string? NameZh { get; set; }
    public string? Description { get; set; }
    public string? DefaultUnit { get; set; }
    public string? Polarity { get; set; }
    public int? OwningDomainId { get; set; }
    public string? OwnerName { get; set; }
    public string? OwnerEmail { get; set; }
}

/// <summary>
/// The Admin's upkeep of the taxonomy: create, edit, archive, merge (coded items follow the survivor) and the
/// PM's proposed capability gaps. Every change writes a <see cref="TaxonomyChange"/> in the same transaction.
/// </summary>
public sealed partial class TaxonomyService(VocDbContext db, TimeProvider time, DatabaseWriteGate gate)
{
    public const int NameMaxLength = 200;
    public const int KeyMaxLength = 64;
    public const int DescriptionMaxLength = 2000;
    public const int UnitMaxLength = 32;
    public const int EmailMaxLength = 254;

    private static readonly JsonSerializerOptions HistoryJson = new()
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The entries of one kind; covariance lets one query shape serve all four tables.</summary>
    public IQueryable<TaxonomyEntry> Entries(TaxonomyKind kind) => kind switch
    {
        TaxonomyKind.Metric => db.BusinessMetrics,
        TaxonomyKind.CapabilityGap => db.CapabilityGaps,
        TaxonomyKind.Domain => db.OwningDomains,
        TaxonomyKind.Tag => db.Tags,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public async Task<List<TaxonomyEntry>> ListAsync(TaxonomyKind kind, CancellationToken cancellationToken = default) =>
        await Entries(kind).AsNoTracking().OrderBy(e => e.IsArchived).ThenBy(e => e.Name).ToListAsync(cancellationToken);

    public Task<TaxonomyEntry?> GetAsync(TaxonomyKind kind, int id, CancellationToken cancellationToken = default) =>
        Entries(kind).AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);

    public Task<List<TaxonomyChange>> HistoryAsync(TaxonomyKind kind, int id, CancellationToken cancellationToken = default) =>
        db.TaxonomyChanges.AsNoTracking().Where(c => c.Kind == kind && c.EntryId == id)
            .OrderByDescending(c => c.ChangedAt).ThenByDescending(c => c.Id).ToListAsync(cancellationToken);

    /// <summary>Creates an entry (Admin). The key is slugged from the name when not given.</summary>
    public Task<TaxonomyResult> CreateAsync(TaxonomyKind kind, TaxonomyInput input, string? actorId, CancellationToken cancellationToken = default) =>
        AddAsync(kind, input, actorId, TaxonomyActions.Create, cancellationToken);

    /// <summary>A PM (or anyone allowed) proposes a capability gap; it waits as Proposed until an Admin accepts it.</summary>
    public Task<TaxonomyResult> ProposeGapAsync(TaxonomyInput input, string? actorId, CancellationToken cancellationToken = default) =>
        AddAsync(TaxonomyKind.CapabilityGap, input, actorId, TaxonomyActions.Propose, cancellationToken);

    private async Task<TaxonomyResult> AddAsync(TaxonomyKind kind, TaxonomyInput input, string? actorId, string action, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(kind, input, cancellationToken);
        string? key = null;
        if (!string.IsNullOrWhiteSpace(input.Key))
        {
            key = input.Key.Trim();
            if (key.Length > KeyMaxLength || !KeyPattern().IsMatch(key))
                errors.Add(new("key", $"The key must be at most {KeyMaxLength} lower-case letters, digits and single hyphens, e.g. store-replenishment."));
            else if (await Entries(kind).AnyAsync(e => e.Key == key, cancellationToken))
                errors.Add(new("key", $"The key \"{key}\" is already used by another entry of this kind."));
        }
        if (errors.Count > 0)
            return new(TaxonomyOutcome.Invalid, errors);

        key ??= await UniqueKeyAsync(kind, input.Name!, cancellationToken);
        TaxonomyEntry entry = kind switch
        {
            TaxonomyKind.Metric => new BusinessMetric { Key = key, Name = "" },
            TaxonomyKind.CapabilityGap => new CapabilityGap
            {
                Key = key,
                Name = "",
                Status = action == TaxonomyActions.Propose ? CapabilityGapStatus.Proposed : CapabilityGapStatus.Accepted,
                ProposedById = action == TaxonomyActions.Propose ? actorId : null,
            },
            TaxonomyKind.Domain => new OwningDomain { Key = key, Name = "", OwnerEmail = "" },
            _ => new Tag { Key = key, Name = "" },
        };
        Apply(entry, input);
        db.Add(entry);

        return await SaveAsync(kind, entry, action, actorId, null, cancellationToken,
            new FieldError("key", $"The key \"{key}\" was taken by someone else just now; try again."));
    }

    /// <summary>Edits names and kind-specific fields; the key stays stable (seed files and integrations use it).</summary>
    public async Task<TaxonomyResult> UpdateAsync(TaxonomyKind kind, int id, TaxonomyInput input, string? actorId, CancellationToken cancellationToken = default)
    {
        var entry = await Entries(kind).FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
            return TaxonomyResult.NotFound;
        if (entry.MergedIntoId is not null)
            return TaxonomyResult.Invalid(new FieldError("name", "A merged entry is kept for history only and cannot be edited."));
        var errors = await ValidateAsync(kind, input, cancellationToken);
        if (errors.Count > 0)
            return new(TaxonomyOutcome.Invalid, errors);

        var before = Snapshot(entry);
        var beforeWithoutNames = Snapshot(entry, withNames: false);
        Apply(entry, input);
        if (Snapshot(entry) == before)
            return TaxonomyResult.Saved(id); // nothing changed: no history line
        var nameOnly = Snapshot(entry, withNames: false) == beforeWithoutNames;
        return await SaveAsync(kind, entry, nameOnly ? TaxonomyActions.Rename : TaxonomyActions.Edit, actorId, before, cancellationToken);
    }

    public async Task<TaxonomyResult> SetArchivedAsync(TaxonomyKind kind, int id, bool archived, string? actorId, CancellationToken cancellationToken = default)
    {
        var entry = await Entries(kind).FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (entry is null)
            return TaxonomyResult.NotFound;
        if (entry.MergedIntoId is not null)
            return TaxonomyResult.Invalid(new FieldError("status", "A merged entry stays archived; its coded items now belong to the survivor."));
        if (entry.IsArchived == archived)
            return TaxonomyResult.Invalid(new FieldError("status", archived ? "The entry is already archived." : "The entry is not archived."));
        var before = Snapshot(entry);
        entry.IsArchived = archived;
        return await SaveAsync(kind, entry, archived ? TaxonomyActions.Archive : TaxonomyActions.Unarchive, actorId, before, cancellationToken);
    }

    /// <summary>An Admin accepts a proposed capability gap; it is then offered to everyone coding.</summary>
    public async Task<TaxonomyResult> AcceptGapAsync(int id, string? actorId, CancellationToken cancellationToken = default)
    {
        var gap = await db.CapabilityGaps.FirstOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (gap is null)
            return TaxonomyResult.NotFound;
        if (gap.Status != CapabilityGapStatus.Proposed)
            return TaxonomyResult.Invalid(new FieldError("status", "Only a proposed capability gap can be accepted."));
        if (gap.IsArchived)
            return TaxonomyResult.Invalid(new FieldError("status", "The proposal was rejected (archived); un-archive it before accepting it."));
        var before = Snapshot(gap);
        gap.Status = CapabilityGapStatus.Accepted;
        return await SaveAsync(TaxonomyKind.CapabilityGap, gap, TaxonomyActions.Accept, actorId, before, cancellationToken);
    }

    /// <summary>
    /// Merges <paramref name="sourceId"/> into <paramref name="survivorId"/>: every coded item that points at the
    /// source points at the survivor afterwards, the source is archived with <see cref="TaxonomyEntry.MergedIntoId"/>
    /// set, all in one transaction. Set-based statements, so a source used by 100k coded items stays fast.
    /// </summary>
    public async Task<TaxonomyResult> MergeAsync(TaxonomyKind kind, int sourceId, int survivorId, string? actorId, CancellationToken cancellationToken = default)
    {
        if (sourceId == survivorId)
            return TaxonomyResult.Invalid(new FieldError("survivorId", "An entry cannot be merged into itself."));
        var source = await Entries(kind).FirstOrDefaultAsync(e => e.Id == sourceId, cancellationToken);
        if (source is null)
            return TaxonomyResult.NotFound;
        if (source.MergedIntoId is not null)
            return TaxonomyResult.Invalid(new FieldError("survivorId", "This entry has already been merged."));
        // Ids are per table, so "same kind" means the survivor must exist in this kind's table.
        var survivor = await Entries(kind).AsNoTracking().FirstOrDefaultAsync(e => e.Id == survivorId, cancellationToken);
        if (survivor is null)
            return TaxonomyResult.Invalid(new FieldError("survivorId", "The survivor must be an existing entry of the same kind."));
        if (survivor.IsArchived || survivor.MergedIntoId is not null)
            return TaxonomyResult.Invalid(new FieldError("survivorId", "The survivor must be current, not archived or merged."));
        // Coded items must not land on a gap nobody has accepted yet.
        if (survivor is CapabilityGap { Status: CapabilityGapStatus.Proposed })
            return TaxonomyResult.Invalid(new FieldError("survivorId", "The survivor is still a proposal; accept it first."));

        var before = Snapshot(source);
        var now = time.GetUtcNow().UtcDateTime;
        using var turn = await gate.EnterAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var count = await RepointAsync(kind, sourceId, survivorId, now, actorId, cancellationToken);
            // Entries merged into the source earlier follow it to the survivor, so merge chains never form.
            await EntriesMergedInto(kind, sourceId, survivorId, cancellationToken);
            source.MergedIntoId = survivorId;
            source.IsArchived = true;
            var after = Fields(source, withNames: true);
            after["survivorKey"] = survivor.Key;
            after["codedItemsMoved"] = count;
            db.TaxonomyChanges.Add(Change(kind, sourceId, TaxonomyActions.Merge, actorId, now, before, JsonSerializer.Serialize(after, HistoryJson)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        db.ChangeTracker.Clear();
        return new(TaxonomyOutcome.Saved, [], survivorId);
    }

    private async Task<int> RepointAsync(TaxonomyKind kind, int sourceId, int survivorId, DateTime now, string? actorId, CancellationToken ct)
    {
        // Bumping Version makes a CSM's open edit of a moved item a conflict rather than a silent revert to the source.
        switch (kind)
        {
            case TaxonomyKind.Metric:
                return await db.Attributions.Where(a => a.BusinessMetricId == sourceId).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.BusinessMetricId, survivorId).SetProperty(a => a.Version, a => a.Version + 1)
                    .SetProperty(a => a.UpdatedAt, now).SetProperty(a => a.UpdatedById, actorId), ct);
            case TaxonomyKind.CapabilityGap:
                return await db.Attributions.Where(a => a.CapabilityGapId == sourceId).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.CapabilityGapId, survivorId).SetProperty(a => a.Version, a => a.Version + 1)
                    .SetProperty(a => a.UpdatedAt, now).SetProperty(a => a.UpdatedById, actorId), ct);
            case TaxonomyKind.Domain:
                // Gaps owned by the source domain are owned by the survivor from now on.
                await db.CapabilityGaps.Where(g => g.OwningDomainId == sourceId)
                    .ExecuteUpdateAsync(s => s.SetProperty(g => g.OwningDomainId, survivorId), ct);
                return await db.Attributions.Where(a => a.OwningDomainId == sourceId).ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.OwningDomainId, survivorId).SetProperty(a => a.Version, a => a.Version + 1)
                    .SetProperty(a => a.UpdatedAt, now).SetProperty(a => a.UpdatedById, actorId), ct);
            case TaxonomyKind.Tag:
                var count = await db.Attributions.Where(a => db.AttributionTags.Any(t => t.AttributionId == a.Id && t.TagId == sourceId))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Version, a => a.Version + 1)
                        .SetProperty(a => a.UpdatedAt, now).SetProperty(a => a.UpdatedById, actorId), ct);
                // (AttributionId, TagId) is the key: where the item already carries the survivor, the source row
                // would become a duplicate key, so it goes; the rest are re-pointed.
                await db.AttributionTags
                    .Where(t => t.TagId == sourceId && db.AttributionTags.Any(o => o.AttributionId == t.AttributionId && o.TagId == survivorId))
                    .ExecuteDeleteAsync(ct);
                await db.AttributionTags.Where(t => t.TagId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(t => t.TagId, survivorId), ct);
                return count;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private Task<int> EntriesMergedInto(TaxonomyKind kind, int sourceId, int survivorId, CancellationToken ct) => kind switch
    {
        TaxonomyKind.Metric => db.BusinessMetrics.Where(e => e.MergedIntoId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(e => e.MergedIntoId, survivorId), ct),
        TaxonomyKind.CapabilityGap => db.CapabilityGaps.Where(e => e.MergedIntoId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(e => e.MergedIntoId, survivorId), ct),
        TaxonomyKind.Domain => db.OwningDomains.Where(e => e.MergedIntoId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(e => e.MergedIntoId, survivorId), ct),
        TaxonomyKind.Tag => db.Tags.Where(e => e.MergedIntoId == sourceId).ExecuteUpdateAsync(s => s.SetProperty(e => e.MergedIntoId, survivorId), ct),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<TaxonomyResult> SaveAsync(TaxonomyKind kind, TaxonomyEntry entry, string action, string? actorId, string? before,
        CancellationToken cancellationToken, FieldError? onConflict = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            using var turn = await gate.EnterAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken); // a new entry needs its id before the history line
            db.TaxonomyChanges.Add(Change(kind, entry.Id, action, actorId, now, before, Snapshot(entry)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return TaxonomyResult.Saved(entry.Id);
        }
        catch (DbUpdateException error) when (onConflict is not null && error.IsConflict()) // the unique key index caught a race
        {
            return TaxonomyResult.Invalid(onConflict);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static TaxonomyChange Change(TaxonomyKind kind, int id, string action, string? actorId, DateTime now, string? before, string after) => new()
    {
        Kind = kind,
        EntryId = id,
        Action = action,
        ChangedAt = now,
        ChangedById = actorId,
        BeforeJson = before,
        AfterJson = after,
    };

    private async Task<List<FieldError>> ValidateAsync(TaxonomyKind kind, TaxonomyInput input, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(input.Name))
            errors.Add(new("name", "Enter a name."));
        else if (input.Name.Trim().Length > NameMaxLength)
            errors.Add(new("name", $"The name must be at most {NameMaxLength} characters."));
        if (input.NameZh?.Trim().Length > NameMaxLength)
            errors.Add(new("nameZh", $"The Chinese name must be at most {NameMaxLength} characters."));
        if (input.Description?.Trim().Length > DescriptionMaxLength)
            errors.Add(new("description", $"The description must be at most {DescriptionMaxLength:N0} characters."));

        switch (kind)
        {
            case TaxonomyKind.Metric:
                if (input.DefaultUnit?.Trim().Length > UnitMaxLength)
                    errors.Add(new("defaultUnit", $"The unit must be at most {UnitMaxLength} characters."));
                if (!string.IsNullOrWhiteSpace(input.Polarity) && !Enum.TryParse<MetricPolarity>(input.Polarity.Trim(), ignoreCase: true, out _))
                    errors.Add(new("polarity", "Choose whether higher or lower is better."));
                break;
            case TaxonomyKind.CapabilityGap when input.OwningDomainId is { } domainId:
                var domain = await db.OwningDomains.AsNoTracking().Where(d => d.Id == domainId).Select(d => new { d.IsArchived }).FirstOrDefaultAsync(ct);
                if (domain is null)
                    errors.Add(new("owningDomainId", "Choose an existing owning domain."));
                else if (domain.IsArchived)
                    errors.Add(new("owningDomainId", "The owning domain is archived; choose a current one."));
                break;
            case TaxonomyKind.Domain:
                if (input.OwnerName?.Trim().Length > NameMaxLength)
                    errors.Add(new("ownerName", $"The owner's name must be at most {NameMaxLength} characters."));
                if (string.IsNullOrWhiteSpace(input.OwnerEmail))
                    errors.Add(new("ownerEmail", "Enter the owner's e-mail address."));
                else if (!IsEmail(input.OwnerEmail.Trim()))
                    errors.Add(new("ownerEmail", "Enter a valid e-mail address, e.g. name@example.com."));
                break;
        }
        return errors;
    }

    private static bool IsEmail(string text) =>
        text.Length <= EmailMaxLength && MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);

    private static void Apply(TaxonomyEntry entry, TaxonomyInput input)
    {
        entry.Name = input.Name!.Trim();
        entry.NameZh = Trimmed(input.NameZh);
        entry.Description = Trimmed(input.Description);
        switch (entry)
        {
            case BusinessMetric metric:
                metric.DefaultUnit = Trimmed(input.DefaultUnit);
                if (!string.IsNullOrWhiteSpace(input.Polarity))
                    metric.Polarity = Enum.Parse<MetricPolarity>(input.Polarity.Trim(), ignoreCase: true);
                break;
            case CapabilityGap gap:
                gap.OwningDomainId = input.OwningDomainId;
                break;
            case OwningDomain domain:
                domain.OwnerName = Trimmed(input.OwnerName);
                domain.OwnerEmail = input.OwnerEmail!.Trim();
                break;
        }
    }

    private Task<string> UniqueKeyAsync(TaxonomyKind kind, string name, CancellationToken ct) =>
        TaxonomyKeys.UniqueSlugAsync(name, kind.ToString().ToLowerInvariant(), 56, key => Entries(kind).AnyAsync(e => e.Key == key, ct));

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The entry as JSON for the history; without names to tell a rename from an edit.</summary>
    private static string Snapshot(TaxonomyEntry entry, bool withNames = true) => JsonSerializer.Serialize(Fields(entry, withNames), HistoryJson);

    private static Dictionary<string, object?> Fields(TaxonomyEntry entry, bool withNames)
    {
        var fields = new Dictionary<string, object?> { ["key"] = entry.Key };
        if (withNames)
        {
            fields["name"] = entry.Name;
            fields["nameZh"] = entry.NameZh;
        }
        fields["description"] = entry.Description;
        fields["archived"] = entry.IsArchived;
        fields["mergedIntoId"] = entry.MergedIntoId;
        switch (entry)
        {
            case BusinessMetric m:
                fields["defaultUnit"] = m.DefaultUnit;
                fields["polarity"] = m.Polarity;
                break;
            case CapabilityGap g:
                fields["owningDomainId"] = g.OwningDomainId;
                fields["status"] = g.Status;
                fields["proposedById"] = g.ProposedById;
                break;
            case OwningDomain d:
                fields["ownerName"] = d.OwnerName;
                fields["ownerEmail"] = d.OwnerEmail;
                break;
        }
        return fields;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KeyPattern();
}
