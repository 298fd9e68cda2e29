using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Events;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Taxonomy;

namespace VoiceOfCustomer.Coding;

public enum CodingOutcome
{
    Saved,
    NotFound,
    Invalid,
    /// <summary>Someone saved a newer version first; <see cref="CodingResult.Current"/> shows it.</summary>
    Conflict,
}

public sealed record CodingResult(CodingOutcome Outcome, IReadOnlyList<FieldError> Errors, AttributionSnapshot? Current)
{
    public static readonly CodingResult NotFound = new(CodingOutcome.NotFound, [], null);
    public static CodingResult Invalid(params FieldError[] errors) => new(CodingOutcome.Invalid, errors, null);
}

/// <summary>
/// The CSM's coding of voices with one set of rules for the form and the API: validate every layer, refuse a
/// stale version, keep who changed what (before and after), and record what happened as domain events in the
/// same transaction.
/// </summary>
/// <remarks>Hosts without the suggester (the CLI) have no shown suggestions to write, hence the optional recorder.</remarks>
public sealed class AttributionService(VocDbContext db, TimeProvider time, Suggestions.ShownSuggestionRecorder? shownSuggestions = null)
{
    public const int MaxTags = 20;
    public const decimal MaxMagnitude = 1_000_000_000m;

    /// <summary>Saves a draft or submits the attribution of one item.</summary>
    public async Task<CodingResult> SaveAsync(long itemId, AttributionInput input, string? actorId, CancellationToken cancellationToken = default)
    {
        var item = await db.FeedbackItems
            .Include(f => f.Attribution).ThenInclude(a => a!.Tags)
            .FirstOrDefaultAsync(f => f.Id == itemId, cancellationToken);
        if (item is null)
            return CodingResult.NotFound;

        // A merged item is not codable whatever version the caller read: re-opening it is the only way on, so that
        // is the answer (400 naming status), not a conflict that invites a retry with the current version.
        if (item.Status == FeedbackStatus.Duplicate)
            return CodingResult.Invalid(FieldError.Format("status", "This item was merged into #{0} as a duplicate; re-open it before coding it.", item.DuplicateOfId));
        var attribution = item.Attribution;
        if (input.Version != (attribution?.Version ?? 0))
            return new(CodingOutcome.Conflict, [new("version", $"This item was changed by someone else (now version {attribution?.Version ?? 0}, you read version {input.Version}).")],
                await SnapshotAsync(itemId, cancellationToken));
        // A submitted coding is what the SLA, the reports and the suggester learned from: changing it is a deliberate
        // re-open, with its reason. (A caller with an older version hears of the colleague's submit first: the 409 shows it.)
        if (item.Status == FeedbackStatus.Attributed)
            return CodingResult.Invalid(new FieldError("status", "This item is attributed and read-only; re-open it, with your reason, before changing its coding."));

        var (parsed, errors) = await ValidateAsync(input, cancellationToken);
        if (errors.Count > 0)
            return new(CodingOutcome.Invalid, errors, null);

        var before = attribution is null ? null : await SnapshotAsync(itemId, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (attribution is null)
        {
            attribution = new Attribution { FeedbackItemId = item.Id };
            item.Attribution = attribution;
        }

        CapabilityGap? proposed = null;
        if (input.RootCause?.NewGap is { Title: { } title } newGap && !string.IsNullOrWhiteSpace(title))
        {
            proposed = new CapabilityGap
            {
                Key = await UniqueGapKeyAsync(title, cancellationToken),
                Name = title.Trim(),
                Description = string.IsNullOrWhiteSpace(newGap.Description) ? null : newGap.Description.Trim(),
                Status = CapabilityGapStatus.Proposed,
                ProposedById = actorId,
                OwningDomainId = input.OwningDomainId,
            };
            db.CapabilityGaps.Add(proposed);
        }

        attribution.BusinessMetricId = input.Impact?.NoImpactReason is { Length: > 0 } ? null : input.Impact?.MetricId;
        attribution.ImpactDirection = attribution.BusinessMetricId is null ? null : parsed.Direction;
        attribution.ImpactMagnitude = attribution.BusinessMetricId is null ? null : input.Impact?.Magnitude;
        attribution.ImpactUnit = attribution.BusinessMetricId is null ? null : parsed.Unit;
        attribution.NoImpactReason = Trimmed(input.Impact?.NoImpactReason);
        attribution.CapabilityGapId = proposed is null ? input.RootCause?.CapabilityGapId : null;
        attribution.CapabilityGap = proposed;
        attribution.RootCauseHypothesis = Trimmed(input.RootCause?.Hypothesis);
        attribution.OwningDomainId = input.OwningDomainId;
        attribution.ValueDimension = parsed.ValueDimension;
        attribution.VoiceRole = parsed.VoiceRole;
        var wanted = (input.Tags ?? []).Distinct().ToHashSet();
        attribution.Tags.RemoveAll(t => !wanted.Contains(t.TagId));
        foreach (var tagId in wanted.Where(id => attribution.Tags.All(t => t.TagId != id)))
            attribution.Tags.Add(new AttributionTag { TagId = tagId });

        attribution.Version++;
        attribution.UpdatedAt = now;
        attribution.UpdatedById = actorId;
        if (input.Submit)
        {
            attribution.State = AttributionState.Submitted;
            attribution.SubmittedAt = now;
            item.Status = FeedbackStatus.Attributed;
            item.AwaitingCustomerNote = null;
            item.AwaitingCustomerSince = null;
        }
        else
        {
            attribution.State = AttributionState.Draft;
            if (item.Status is FeedbackStatus.New or FeedbackStatus.Attributed)
                item.Status = FeedbackStatus.InProgress;
        }

        // The form's shown suggestions are written behind the response; write them before the submit scores them.
        if (input.Submit && shownSuggestions is not null)
            await shownSuggestions.FlushAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            var after = await SnapshotAsync(itemId, cancellationToken);
            Audit(item.Id, input.Submit ? "submit" : "draft", actorId, now, before, after);
            if (input.Submit)
            {
                Raise(DomainEventTypes.AttributionCompleted, item.Id, actorId, now, new { after!.Version, after.MetricId, after.CapabilityGapId, after.OwningDomainId });
                // The suggestions shown for this item are scored in the same transaction as the coding they are scored against.
                await Suggestions.SuggestionFeedback.ResolvePendingAsync(db, item.Id, now, cancellationToken);
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new(CodingOutcome.Saved, [], after);
        }
        catch (DbUpdateException error) when (error.IsConflict()) // the version moved under us, or two first codings raced
        {
            db.ChangeTracker.Clear();
            var current = await SnapshotAsync(itemId, cancellationToken);
            return new(CodingOutcome.Conflict, [new("version", $"This item was changed by someone else while you were coding it (now version {current?.Version ?? 0}).")], current);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The CSM asked the customer something; the item waits (and its SLA clock pauses) until it is re-opened or submitted.</summary>
    public Task<CodingResult> MarkAwaitingCustomerAsync(long itemId, string? note, string? actorId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(note))
            return Task.FromResult(CodingResult.Invalid(new FieldError("note", "Say what you asked the customer.")));
        if (note.Length > 1000)
            return Task.FromResult(CodingResult.Invalid(new FieldError("note", "The note must be at most 1,000 characters.")));
        return ChangeStatusAsync(itemId, actorId, "awaiting-customer", DomainEventTypes.AwaitingCustomer, cancellationToken, (item, now) =>
        {
            if (item.Status is not (FeedbackStatus.New or FeedbackStatus.InProgress))
                return FieldError.Format("status", "Only open items can wait for the customer; this one is {0}.", item.Status.ToString());
            item.Status = FeedbackStatus.AwaitingCustomer;
            item.AwaitingCustomerNote = note.Trim();
            item.AwaitingCustomerSince = now;
            return null;
        });
    }

    public const int ReopenReasonMaxLength = 1000;

    /// <summary>
    /// Opens a submitted, merged or waiting item for coding again; a submitted attribution becomes a draft. Re-opening a
    /// submitted or merged item needs a reason, kept in the audit; resuming a waiting item does not.
    /// </summary>
    public Task<CodingResult> ReopenAsync(long itemId, string? reason, string? actorId, CancellationToken cancellationToken = default)
    {
        var why = Trimmed(reason);
        if (why is { Length: > ReopenReasonMaxLength })
            return Task.FromResult(CodingResult.Invalid(new FieldError("reason", "The reason must be at most 1,000 characters.")));
        return ChangeStatusAsync(itemId, actorId, "reopen", DomainEventTypes.Reopened, cancellationToken, (item, _) =>
        {
            if (item.Status is FeedbackStatus.New or FeedbackStatus.InProgress)
                return new FieldError("status", "The item is already open.");
            if (why is null && item.Status is FeedbackStatus.Attributed or FeedbackStatus.Duplicate)
                return new FieldError("reason", "Say why the item is re-opened; the reason is kept in its history.");
            if (item.Attribution is { } attribution)
            {
                attribution.State = AttributionState.Draft;
                attribution.Version++;
            }
            item.Status = item.Attribution is null ? FeedbackStatus.New : FeedbackStatus.InProgress;
            item.DuplicateOfId = null;
            item.AwaitingCustomerNote = null;
            item.AwaitingCustomerSince = null;
            return null;
        }, auditReason: why);
    }

    /// <summary>Marks the item a duplicate of another; the survivor carries the voice from now on.</summary>
    public async Task<CodingResult> MergeAsync(long itemId, long survivorId, string? actorId, CancellationToken cancellationToken = default)
    {
        if (itemId == survivorId)
            return CodingResult.Invalid(new FieldError("duplicateOf", "An item cannot be a duplicate of itself."));
        // Follow the survivor's own merge, so chains never form.
        var survivor = await db.FeedbackItems.AsNoTracking().Where(f => f.Id == survivorId)
            .Select(f => new { f.Id, f.DuplicateOfId }).FirstOrDefaultAsync(cancellationToken);
        if (survivor is null)
            return CodingResult.Invalid(FieldError.Format("duplicateOf", "There is no item #{0}.", survivorId));
        var root = survivor.DuplicateOfId ?? survivor.Id;
        if (root == itemId)
            return CodingResult.Invalid(FieldError.Format("duplicateOf", "Item #{0} is itself a duplicate of this item.", survivorId));

        return await ChangeStatusAsync(itemId, actorId, "merge", DomainEventTypes.MergedAsDuplicate, cancellationToken, (item, _) =>
        {
            if (item.Status == FeedbackStatus.Duplicate)
                return FieldError.Format("status", "The item is already a duplicate of #{0}.", item.DuplicateOfId);
            if (item.Status == FeedbackStatus.Attributed)
                return new FieldError("status", "This item is attributed and read-only; re-open it, with your reason, before merging it.");
            item.Status = FeedbackStatus.Duplicate;
            item.DuplicateOfId = root;
            item.AwaitingCustomerNote = null;
            item.AwaitingCustomerSince = null;
            return null;
        }, new { duplicateOf = root });
    }

    /// <summary>Makes <paramref name="csmUserId"/> the owner of each item (claiming is assigning to oneself). Returns how many changed.</summary>
    public async Task<int> AssignAsync(IReadOnlyCollection<long> itemIds, string csmUserId, string? actorId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var items = await db.FeedbackItems.Where(f => itemIds.Contains(f.Id) && f.OwnerCsmId != csmUserId).ToListAsync(cancellationToken);
        foreach (var item in items)
        {
            db.AttributionAuditEntries.Add(new AttributionAuditEntry
            {
                FeedbackItemId = item.Id, ChangedAt = now, ChangedById = actorId, Action = "assign",
                BeforeJson = AttributionAuditJson.Serialize(new { owner = item.OwnerCsmId }),
                AfterJson = AttributionAuditJson.Serialize(new { owner = csmUserId }),
            });
            item.OwnerCsmId = csmUserId;
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return items.Count;
    }

    /// <summary>The item's coding as people read it, or null when nothing was coded yet.</summary>
    public Task<AttributionSnapshot?> SnapshotAsync(long itemId, CancellationToken cancellationToken = default) =>
        AttributionSnapshot.ReadAsync(db, itemId, cancellationToken);

    private sealed record ParsedInput(ImpactDirection? Direction, string? Unit, ValueDimension? ValueDimension, VoiceRole? VoiceRole);

    private async Task<(ParsedInput Parsed, List<FieldError> Errors)> ValidateAsync(AttributionInput input, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var submit = input.Submit;
        var impact = input.Impact;
        var rootCause = input.RootCause;

        ImpactDirection? direction = null;
        string? unit = null;
        var noImpact = !string.IsNullOrWhiteSpace(impact?.NoImpactReason);
        if (noImpact && impact!.MetricId is not null)
            errors.Add(new("impact.noImpactReason", "Choose either a metric or \"no measurable impact\", not both."));
        if (noImpact && impact!.NoImpactReason!.Length > 1000)
            errors.Add(new("impact.noImpactReason", "The reason must be at most 1,000 characters."));
        if (!noImpact)
        {
            if (impact?.MetricId is { } metricId)
            {
                var metric = await db.BusinessMetrics.AsNoTracking().FirstOrDefaultAsync(m => m.Id == metricId, cancellationToken);
                if (metric is null || metric.IsArchived || metric.MergedIntoId is not null)
                    errors.Add(new("impact.metricId", metric is null ? $"There is no business metric {metricId}." : $"The business metric '{metric.Name}' is archived or merged; pick a current one."));
                unit = Trimmed(impact.Unit) ?? metric?.DefaultUnit;
            }
            else if (submit)
                errors.Add(new("impact.metricId", "Pick the business metric this voice moves, or say there is no measurable impact and why."));

            if (impact?.Direction is { Length: > 0 } directionText)
            {
                direction = EnumNames.Parse<ImpactDirection>(directionText);
                if (direction is null)
                    errors.Add(new("impact.direction", "The direction must be 'up' or 'down'."));
            }
            else if (submit && impact?.MetricId is not null)
                errors.Add(new("impact.direction", "Say which way the metric moved: up or down."));

            if (impact?.Magnitude is { } magnitude && (magnitude < 0 || magnitude > MaxMagnitude))
                errors.Add(new("impact.magnitude", $"The magnitude must be a number from 0 to {MaxMagnitude:N0}; the direction carries the sign."));
            else if (submit && impact?.MetricId is not null && impact.Magnitude is null)
                errors.Add(new("impact.magnitude", "Say by how much the metric moved."));

            if (unit is { Length: > 32 })
                errors.Add(new("impact.unit", "The unit must be at most 32 characters."));
            else if (submit && impact?.MetricId is not null && unit is null)
                errors.Add(new("impact.unit", "Give the unit of the magnitude (e.g. %, hours, CNY)."));
        }

        var proposesGap = rootCause?.NewGap is { Title: { } newTitle } && !string.IsNullOrWhiteSpace(newTitle);
        if (proposesGap && rootCause!.CapabilityGapId is not null)
            errors.Add(new("rootCause.newGap.title", "Pick an existing capability gap or propose a new one, not both."));
        if (proposesGap && rootCause!.NewGap!.Title!.Trim().Length > 200)
            errors.Add(new("rootCause.newGap.title", "The title must be at most 200 characters."));
        if (rootCause?.NewGap?.Description is { Length: > 2000 })
            errors.Add(new("rootCause.newGap.description", "The description must be at most 2,000 characters."));
        if (rootCause?.CapabilityGapId is { } gapId)
        {
            var gap = await db.CapabilityGaps.AsNoTracking().FirstOrDefaultAsync(g => g.Id == gapId, cancellationToken);
            if (gap is null || gap.IsArchived || gap.MergedIntoId is not null)
                errors.Add(new("rootCause.capabilityGapId", gap is null ? $"There is no capability gap {gapId}." : $"The capability gap '{gap.Name}' is archived or merged; pick a current one."));
        }
        else if (submit && !proposesGap)
            errors.Add(new("rootCause.capabilityGapId", "Pick the capability gap behind this voice, or propose a new one."));
        if (rootCause?.Hypothesis is { Length: > Attribution.HypothesisMaxLength })
            errors.Add(new("rootCause.hypothesis", $"The hypothesis must be at most {Attribution.HypothesisMaxLength:N0} characters."));
        else if (submit && string.IsNullOrWhiteSpace(rootCause?.Hypothesis))
            errors.Add(new("rootCause.hypothesis", "Write the root-cause hypothesis: why does the gap cause this?"));

        if (input.OwningDomainId is { } domainId)
        {
            var domain = await db.OwningDomains.AsNoTracking().FirstOrDefaultAsync(d => d.Id == domainId, cancellationToken);
            if (domain is null || domain.IsArchived || domain.MergedIntoId is not null)
                errors.Add(new("owningDomainId", domain is null ? $"There is no owning domain {domainId}." : $"The owning domain '{domain.Name}' is archived or merged; pick a current one."));
        }
        else if (submit)
            errors.Add(new("owningDomainId", "Pick the team that must answer."));

        ValueDimension? valueDimension = null;
        if (input.ValueDimension is { Length: > 0 } dimensionText)
        {
            valueDimension = EnumNames.Parse<ValueDimension>(dimensionText);
            if (valueDimension is null)
                errors.Add(new("valueDimension", "The value dimension must be pain, need, expectation or dream."));
        }
        else if (submit)
            errors.Add(new("valueDimension", "Place the voice on the value map: pain, need, expectation or dream."));

        VoiceRole? voiceRole = null;
        if (input.VoiceRole is { Length: > 0 } roleText)
        {
            voiceRole = EnumNames.Parse<VoiceRole>(roleText);
            if (voiceRole is null)
                errors.Add(new("voiceRole", "The voice role must be 'buyer' or 'user'."));
        }
        else if (submit)
            errors.Add(new("voiceRole", "Say whose voice it is: the buyer's or the user's."));

        if (input.Tags is { Count: > 0 } tags)
        {
            var distinct = tags.Distinct().ToList();
            if (distinct.Count > MaxTags)
                errors.Add(new("tags", $"At most {MaxTags} tags."));
            var known = await db.Tags.AsNoTracking().Where(t => distinct.Contains(t.Id) && !t.IsArchived && t.MergedIntoId == null).Select(t => t.Id).ToListAsync(cancellationToken);
            var unknown = distinct.Except(known).ToList();
            if (unknown.Count > 0)
                errors.Add(new("tags", $"Unknown, archived or merged tag id(s): {string.Join(", ", unknown)}."));
        }

        return (new ParsedInput(direction, unit, valueDimension, voiceRole), errors);
    }

    private async Task<CodingResult> ChangeStatusAsync(long itemId, string? actorId, string action, string eventType, CancellationToken cancellationToken,
        Func<FeedbackItem, DateTime, FieldError?> change, object? eventData = null, string? auditReason = null)
    {
        var item = await db.FeedbackItems.Include(f => f.Attribution).FirstOrDefaultAsync(f => f.Id == itemId, cancellationToken);
        if (item is null)
            return CodingResult.NotFound;
        var now = time.GetUtcNow().UtcDateTime;
        var before = new { status = item.Status, duplicateOf = item.DuplicateOfId, note = item.AwaitingCustomerNote };
        if (change(item, now) is { } refused)
        {
            db.ChangeTracker.Clear();
            return CodingResult.Invalid(refused);
        }
        db.AttributionAuditEntries.Add(new AttributionAuditEntry
        {
            FeedbackItemId = item.Id, ChangedAt = now, ChangedById = actorId, Action = action,
            BeforeJson = AttributionAuditJson.Serialize(before),
            AfterJson = AttributionAuditJson.Serialize(new { status = item.Status, duplicateOf = item.DuplicateOfId, note = item.AwaitingCustomerNote, reason = auditReason }),
        });
        Raise(eventType, item.Id, actorId, now, eventData ?? (auditReason is null ? null : new { reason = auditReason }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new(CodingOutcome.Conflict, [new("version", "This item was changed by someone else; reload it.")], await SnapshotAsync(itemId, cancellationToken));
        }
        db.ChangeTracker.Clear();
        return new(CodingOutcome.Saved, [], await SnapshotAsync(itemId, cancellationToken));
    }

    private void Audit(long itemId, string action, string? actorId, DateTime now, AttributionSnapshot? before, AttributionSnapshot? after) =>
        db.AttributionAuditEntries.Add(new AttributionAuditEntry
        {
            FeedbackItemId = itemId, ChangedAt = now, ChangedById = actorId, Action = action,
            BeforeJson = before is null ? null : AttributionAuditJson.Serialize(before),
            AfterJson = after is null ? null : AttributionAuditJson.Serialize(after),
        });

    private void Raise(string type, long itemId, string? actorId, DateTime now, object? data) =>
        db.DomainEvents.Add(new DomainEvent
        {
            Type = type, FeedbackItemId = itemId, OccurredAt = now, ActorId = actorId,
            DataJson = data is null ? null : AttributionAuditJson.Serialize(data),
        });

    private Task<string> UniqueGapKeyAsync(string title, CancellationToken cancellationToken) =>
        TaxonomyKeys.UniqueSlugAsync(title, "proposed-gap", 48, key => db.CapabilityGaps.AnyAsync(g => g.Key == key, cancellationToken));

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
