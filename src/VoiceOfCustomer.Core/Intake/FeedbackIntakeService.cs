using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Segments;

namespace VoiceOfCustomer.Intake;

/// <summary>
/// Stores voices from every entry path (API, batch, webhooks) with the same rules: validate everything
/// first, resolve or create the customer and contact, and store the item once per (channel, external id).
/// </summary>
public sealed class FeedbackIntakeService(
    VocDbContext db, ChannelCatalog channels, IntakeCompiledQueries queries, DatabaseConnection database, FeedbackWriteQueue writeQueue, TimeProvider time,
    IOptions<IntakeOptions> options)
{
    public async Task<IntakeResult> SubmitAsync(FeedbackSubmission submission, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = FeedbackValidator.Validate(submission, now, options.Value);
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
        var customerKey = submission.Customer!.Trim();
        var contactKey = submission.Contact is { } contactSubmission ? ContactKey.From(contactSubmission) : null;

        // One pooled connection for all of this request's statements instead of one per statement.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // A concurrent request may create the same item, new prospect or new contact first. Its row is then
            // committed, so the next attempt finds it; three attempts cover customer, contact and item.
            const int maxAttempts = 3;
            for (var attempt = 1; ; attempt++)
            {
                if (await queries.FindItem(db, channel!.Id, externalId) is { } existing)
                    return new(IntakeOutcome.AlreadyExists, existing, []);

                // Reads stay outside the write path: in WAL mode readers never wait for the writer.
                var customer = await FindCustomerAsync(customerKey);
                int? contactId = customer is not null && contactKey is not null ? await FindContactAsync(customer.Id, contactKey) : null;

                var pending = new PendingItem(
                    NewItem(submission, channel.Id, externalId, customer, contactId, now.UtcDateTime),
                    customer is null ? customerKey : null,
                    contactId is null ? contactKey : null);
                var stored = database.Provider == DatabaseProvider.Sqlite
                    ? await writeQueue.WriteAsync(pending)
                    : await StoreInOwnTransactionAsync(pending, cancellationToken);
                if (stored)
                    return new(IntakeOutcome.Created, ToSummary(pending.Item, channel.Key), []);
                if (attempt == maxAttempts)
                    throw new InvalidOperationException($"Storing feedback ({channel.Key}, {externalId}) conflicted {maxAttempts} times.");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
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

    public sealed record ResolvedCustomer(int Id, string? CsmUserId, TimeSpan AttributionTarget);

    /// <summary>A contact is the same person when the e-mail matches, or, without e-mail, the name.</summary>
    public sealed record ContactKey(string Name, string? Email, ContactRole Role)
    {
        public static ContactKey From(ContactSubmission submission)
        {
            var email = string.IsNullOrWhiteSpace(submission.Email) ? null : submission.Email.Trim().ToLowerInvariant();
            var name = string.IsNullOrWhiteSpace(submission.Name) ? email! : submission.Name.Trim();
            return new(name, email, FeedbackValidator.ParseContactRole(submission.Role) ?? ContactRole.User);
        }
    }

    /// <summary>By reference first, then by exact name.</summary>
    private async Task<ResolvedCustomer?> FindCustomerAsync(string referenceOrName) =>
        await queries.FindCustomerByReference(db, Customer.Normalize(referenceOrName)) ?? await queries.FindCustomerByName(db, referenceOrName);

    private async Task<int?> FindContactAsync(int customerId, ContactKey key) =>
        key.Email is not null ? await queries.FindContactByEmail(db, customerId, key.Email) : await queries.FindContactByName(db, customerId, key.Name);

    /// <summary>
    /// A new item ready to store, with what it still needs: a prospect customer (an unknown customer is never
    /// a reason to refuse a voice) and a contact, when the reads found none.
    /// </summary>
    public sealed record PendingItem(FeedbackItem Item, string? NewProspect, ContactKey? NewContact);

    /// <summary>PostgreSQL takes concurrent writers: each request stores its item in a transaction of its own.</summary>
    private async Task<bool> StoreInOwnTransactionAsync(PendingItem pending, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await StoreAsync(db, pending, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException error) when (error.IsConflict())
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Creates the prospect and contact if needed, then the item, inside the caller's transaction.</summary>
    internal static async Task StoreAsync(VocDbContext db, PendingItem pending, CancellationToken cancellationToken)
    {
        var item = pending.Item;
        if (pending.NewProspect is { } referenceOrName)
        {
            var prospect = new Customer
            {
                Reference = referenceOrName,
                ReferenceNormalized = Customer.Normalize(referenceOrName),
                Name = referenceOrName,
                LifecycleStage = LifecycleStage.Prospect,
                CreatedAt = item.IngestedAt,
            };
            db.Customers.Add(prospect);
            await db.SaveChangesAsync(cancellationToken);
            item.CustomerId = prospect.Id;
        }
        if (pending.NewContact is { } key)
        {
            var contact = new Contact { CustomerId = item.CustomerId, Name = key.Name, Email = key.Email, Role = key.Role };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync(cancellationToken);
            item.ContactId = contact.Id;
        }
        db.FeedbackItems.Add(item);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static FeedbackItem NewItem(FeedbackSubmission submission, int channelId, string externalId, ResolvedCustomer? customer, int? contactId, DateTime now)
    {
        var verbatim = submission.Verbatim!;
        return new FeedbackItem
        {
            ChannelId = channelId,
            ExternalId = externalId,
            CustomerId = customer?.Id ?? 0,
            ContactId = contactId,
            Verbatim = verbatim,
            ReceivedAt = submission.ReceivedAt?.UtcDateTime ?? now,
            IngestedAt = now,
            SlaClockStartsAt = FeedbackItem.LiveClockStart(submission.ReceivedAt?.UtcDateTime ?? now, now),
            Language = submission.Language ?? FeedbackValidator.DetectLanguage(verbatim),
            Status = FeedbackStatus.New,
            OwnerCsmId = customer?.CsmUserId,
            MetadataJson = submission.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : null,
            AttributionDueAt = now + (customer?.AttributionTarget ?? SegmentPolicy.DefaultAttributionTarget),
        };
    }

    private static FeedbackItemSummary ToSummary(FeedbackItem item, string channelKey) =>
        new(item.Id, channelKey, item.ExternalId, item.Status, item.ReceivedAt, item.IngestedAt, item.CustomerId, item.AttributionDueAt);
}

/// <summary>
/// The intake path's queries, compiled once: they run on every request, and EF's per-call query set-up shows
/// in the throughput. One instance per service provider, because a compiled query is bound to the model
/// (and so the provider) it first ran with.
/// </summary>
public sealed class IntakeCompiledQueries
{
    public readonly Func<VocDbContext, int, string, Task<FeedbackItemSummary?>> FindItem = EF.CompileAsyncQuery(
        (VocDbContext db, int channelId, string externalId) => db.FeedbackItems.AsNoTracking()
            .Where(f => f.ChannelId == channelId && f.ExternalId == externalId)
            .Select(f => new FeedbackItemSummary(f.Id, f.Channel!.Key, f.ExternalId, f.Status, f.ReceivedAt, f.IngestedAt, f.CustomerId, f.AttributionDueAt))
            .FirstOrDefault());

    public readonly Func<VocDbContext, string, Task<FeedbackIntakeService.ResolvedCustomer?>> FindCustomerByReference = EF.CompileAsyncQuery(
        (VocDbContext db, string normalized) => db.Customers.AsNoTracking()
            .Where(c => c.ReferenceNormalized == normalized)
            .Select(c => new FeedbackIntakeService.ResolvedCustomer(c.Id, c.CsmUserId, c.Segment == null ? SegmentPolicy.DefaultAttributionTarget : c.Segment.Policy.AttributionTarget))
            .FirstOrDefault());

    public readonly Func<VocDbContext, string, Task<FeedbackIntakeService.ResolvedCustomer?>> FindCustomerByName = EF.CompileAsyncQuery(
        (VocDbContext db, string name) => db.Customers.AsNoTracking()
            .Where(c => c.Name == name)
            .OrderBy(c => c.Id)
            .Select(c => new FeedbackIntakeService.ResolvedCustomer(c.Id, c.CsmUserId, c.Segment == null ? SegmentPolicy.DefaultAttributionTarget : c.Segment.Policy.AttributionTarget))
            .FirstOrDefault());

    public readonly Func<VocDbContext, int, string, Task<int?>> FindContactByEmail = EF.CompileAsyncQuery(
        (VocDbContext db, int customerId, string email) => db.Contacts
            .Where(c => c.CustomerId == customerId && c.Email == email).Select(c => (int?)c.Id).FirstOrDefault());

    public readonly Func<VocDbContext, int, string, Task<int?>> FindContactByName = EF.CompileAsyncQuery(
        (VocDbContext db, int customerId, string name) => db.Contacts
            .Where(c => c.CustomerId == customerId && c.Email == null && c.Name == name).Select(c => (int?)c.Id).FirstOrDefault());
}
