using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// Stores voices from every entry path (API, batch, webhooks) with the same rules: validate everything
/// first, resolve or create the customer and contact, and store the item once per (channel, external id).
/// </summary>
public sealed class FeedbackIntakeService(VocDbContext db, ChannelCatalog channels, DatabaseWriteGate writeGate, TimeProvider time)
{
    public async Task<IntakeResult> SubmitAsync(FeedbackSubmission submission, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = FeedbackValidator.Validate(submission, now);
        Channel? channel = null;
        if (!string.IsNullOrWhiteSpace(submission.Channel))
        {
            channel = await channels.FindAsync(submission.Channel, cancellationToken);
            if (channel is null)
                errors.Add(new("channel", $"Unknown channel '{submission.Channel}'. Known channels: {string.Join(", ", await channels.KeysAsync(cancellationToken))}."));
        }
        if (errors.Count > 0)
            return IntakeResult.Invalid(errors);

        var externalId = submission.ExternalId?.Trim() ?? DeriveExternalId(submission);
        var existing = await FindAsync(channel!.Id, externalId, cancellationToken);
        if (existing is not null)
            return new(IntakeOutcome.AlreadyExists, existing, []);

        // A concurrent request may create the same new prospect, then the same new contact, first: each conflict
        // commits the other's row, so the next attempt finds it. Three attempts cover customer, contact, item.
        const int maxAttempts = 3;
        for (var attempt = 1; ; attempt++)
        using (await writeGate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var customer = await ResolveCustomerAsync(submission.Customer!.Trim(), now.UtcDateTime, cancellationToken);
                var contact = submission.Contact is { } contactSubmission
                    ? await ResolveContactAsync(customer.Id, contactSubmission, cancellationToken)
                    : null;

                var verbatim = submission.Verbatim!;
                var ingestedAt = now.UtcDateTime;
                var item = new FeedbackItem
                {
                    ChannelId = channel.Id,
                    ExternalId = externalId,
                    CustomerId = customer.Id,
                    ContactId = contact?.Id,
                    Verbatim = verbatim,
                    ReceivedAt = (submission.ReceivedAt ?? now).UtcDateTime,
                    IngestedAt = ingestedAt,
                    Language = submission.Language ?? FeedbackValidator.DetectLanguage(verbatim),
                    Status = FeedbackStatus.New,
                    OwnerCsmId = customer.CsmUserId,
                    MetadataJson = submission.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : null,
                    AttributionDueAt = ingestedAt + customer.AttributionTarget,
                };
                db.FeedbackItems.Add(item);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new(IntakeOutcome.Created, ToSummary(item, channel.Key), []);
            }
            catch (DbUpdateException)
            {
                // Another instance may have stored the same (channel, external id) between our check and our insert.
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                var raced = await FindAsync(channel.Id, externalId, CancellationToken.None);
                if (raced is null && attempt < maxAttempts)
                    continue;
                if (raced is null)
                    throw;
                return new(IntakeOutcome.AlreadyExists, raced, []);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Each item succeeds or fails on its own; one bad item never sinks the others.</summary>
    public async Task<IReadOnlyList<IntakeResult>> SubmitBatchAsync(IReadOnlyList<FeedbackSubmission> submissions, CancellationToken cancellationToken = default)
    {
        var results = new List<IntakeResult>(submissions.Count);
        foreach (var submission in submissions)
            results.Add(await SubmitAsync(submission, cancellationToken));
        return results;
    }

    /// <summary>
    /// A voice without an external id (a survey answer, a hand-typed note) gets one derived from its content,
    /// so a retried request is still recognised as the same voice.
    /// </summary>
    public static string DeriveExternalId(FeedbackSubmission submission)
    {
        var key = $"{submission.Customer?.Trim()}\n{submission.ReceivedAt?.UtcDateTime:O}\n{submission.Verbatim}";
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32];
    }

    private async Task<FeedbackItemSummary?> FindAsync(int channelId, string externalId, CancellationToken cancellationToken) =>
        await db.FeedbackItems.AsNoTracking()
            .Where(f => f.ChannelId == channelId && f.ExternalId == externalId)
            .Select(f => new FeedbackItemSummary(f.Id, f.Channel!.Key, f.ExternalId, f.Status, f.ReceivedAt, f.IngestedAt, f.CustomerId, f.AttributionDueAt))
            .FirstOrDefaultAsync(cancellationToken);

    private sealed record ResolvedCustomer(int Id, string? CsmUserId, TimeSpan AttributionTarget);

    /// <summary>By reference first, then by exact name; otherwise a new prospect whose reference is what the caller sent.</summary>
    private async Task<ResolvedCustomer> ResolveCustomerAsync(string referenceOrName, DateTime now, CancellationToken cancellationToken)
    {
        var normalized = Customer.Normalize(referenceOrName);
        var found = await db.Customers.AsNoTracking()
            .Where(c => c.ReferenceNormalized == normalized)
            .Select(c => new ResolvedCustomer(c.Id, c.CsmUserId, c.Segment == null ? SegmentPolicy.DefaultAttributionTarget : c.Segment.Policy.AttributionTarget))
            .FirstOrDefaultAsync(cancellationToken)
            ?? await db.Customers.AsNoTracking()
            .Where(c => c.Name == referenceOrName)
            .OrderBy(c => c.Id)
            .Select(c => new ResolvedCustomer(c.Id, c.CsmUserId, c.Segment == null ? SegmentPolicy.DefaultAttributionTarget : c.Segment.Policy.AttributionTarget))
            .FirstOrDefaultAsync(cancellationToken);
        if (found is not null)
            return found;

        var prospect = new Customer
        {
            Reference = referenceOrName,
            ReferenceNormalized = normalized,
            Name = referenceOrName,
            LifecycleStage = LifecycleStage.Prospect,
            CreatedAt = now,
        };
        db.Customers.Add(prospect);
        await db.SaveChangesAsync(cancellationToken);
        return new(prospect.Id, null, SegmentPolicy.DefaultAttributionTarget);
    }

    private async Task<Contact> ResolveContactAsync(int customerId, ContactSubmission submission, CancellationToken cancellationToken)
    {
        var email = string.IsNullOrWhiteSpace(submission.Email) ? null : submission.Email.Trim().ToLowerInvariant();
        var name = string.IsNullOrWhiteSpace(submission.Name) ? email! : submission.Name.Trim();
        var role = FeedbackValidator.ParseContactRole(submission.Role) ?? ContactRole.User;

        var contact = email is not null
            ? await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == customerId && c.Email == email, cancellationToken)
            : await db.Contacts.FirstOrDefaultAsync(c => c.CustomerId == customerId && c.Email == null && c.Name == name, cancellationToken);
        if (contact is not null)
            return contact;

        contact = new Contact { CustomerId = customerId, Name = name, Email = email, Role = role };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync(cancellationToken);
        return contact;
    }

    private static FeedbackItemSummary ToSummary(FeedbackItem item, string channelKey) =>
        new(item.Id, channelKey, item.ExternalId, item.Status, item.ReceivedAt, item.IngestedAt, item.CustomerId, item.AttributionDueAt);
}
