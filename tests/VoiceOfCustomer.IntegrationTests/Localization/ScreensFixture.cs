using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Import;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;
using VoiceOfCustomer.Sla;
using VoiceOfCustomer.Taxonomy;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.IntegrationTests.Localization;

/// <summary>
/// An app with something of every kind on its pages: an item in each status and channel, a coded item with its
/// history, a segment, escalations, mails in each outbox state, an import and taxonomy history. The verbatims and
/// names are Chinese, so any English on a Chinese page comes from the app.
/// </summary>
public sealed class ScreensFixture : IAsyncLifetime
{
    public VocAppFactory App { get; } = new();
    public long NewId { get; private set; }
    public long DraftId { get; private set; }
    public long AwaitingId { get; private set; }
    public long CodedId { get; private set; }
    public long DuplicateId { get; private set; }
    public long BreachedId { get; private set; }
    public Guid ImportId { get; private set; }
    public int MetricId { get; private set; }
    public int TagId { get; private set; }

    /// <summary>The Chinese names of what <see cref="CodedId"/> was coded with.</summary>
    public string GapZh { get; private set; } = "";
    public string MetricZh { get; private set; } = "";
    public string DomainZh { get; private set; } = "";
    public string TagZh { get; private set; } = "";

    public DateTime Now { get; } = DateTime.UtcNow;

    public async Task InitializeAsync()
    {
        await App.EnsureChannelsAsync();
        var csm = await WebTestSupport.CreateUserAsync(App, Roles.Csm, "王芳");
        var (csmId, segmentId, customerId, contactId) = await App.WithDbAsync(async db =>
        {
            var segment = await db.Segments.SingleAsync(s => s.Key == "enterprise");
            var customer = new Customer
            {
                Reference = "ZH-SCREENS", ReferenceNormalized = Customer.Normalize("ZH-SCREENS"), Name = "华东连锁",
                LifecycleStage = LifecycleStage.ChurnRisk, LifetimeValue = 600_000m, SegmentId = segment.Id, CreatedAt = Now,
                StageReason = "inactive", LastActivityAt = Now.AddDays(-100), ProbabilityAlive = 0.4, ExpectedPurchases = 1.5,
                ValueTier = ValueTier.Middle, ValueModel = ValueModel.Purchases, ValueScoredAt = Now.AddDays(-1), AcquisitionCost = 80_000m,
                AnnualRecurringRevenue = 200_000m, Plan = "standard",
            };
            db.Customers.Add(customer);
            await db.SaveChangesAsync();
            // Something in every panel of the customer page: a contract, history of both kinds, a behaviour metric.
            db.CustomerContracts.Add(new CustomerContract
            {
                CustomerId = customer.Id, Reference = "合同-1", StartsOn = DateOnly.FromDateTime(Now.AddYears(-1)), EndsOn = DateOnly.FromDateTime(Now.AddDays(30)),
                AnnualValue = 200_000m, Status = ContractStatus.Active, RenewalDriver = "relationship", CreatedAt = Now,
            });
            db.CustomerHistory.AddRange(
                new CustomerHistoryEntry { CustomerId = customer.Id, Kind = CustomerHistoryKind.Stage, From = "AtRisk", To = "ChurnRisk", Reason = "migration", ChangedAt = Now.AddDays(-2) },
                new CustomerHistoryEntry { CustomerId = customer.Id, Kind = CustomerHistoryKind.Segment, From = null, To = segment.Key, Reason = "segment-rules", ChangedAt = Now.AddDays(-1) });
            var metric = new Behaviour.BehaviourMetric { Key = "screens-ratio", Name = "Screens ratio", NameZh = "屏幕比率", Unit = Behaviour.MetricUnit.Ratio, GoodDirection = Behaviour.GoodDirection.Down };
            db.BehaviourMetrics.Add(metric);
            await db.SaveChangesAsync();
            db.BehaviourMeasurements.AddRange(
                new Behaviour.BehaviourMeasurement { MetricId = metric.Id, CustomerId = customer.Id, Period = "2026Q1", PeriodStart = new DateOnly(2026, 1, 1), PeriodMonths = 3, Value = 0.5, RecordedAt = Now },
                new Behaviour.BehaviourMeasurement { MetricId = metric.Id, CustomerId = customer.Id, Period = "2026Q2", PeriodStart = new DateOnly(2026, 4, 1), PeriodMonths = 3, Value = 0.4, RecordedAt = Now });
            customer.CsmUserId = (await db.Users.SingleAsync(u => u.Email == csm)).Id;
            await db.SaveChangesAsync();
            var contact = new Contact { CustomerId = customer.Id, Name = "李雷", Role = ContactRole.Buyer };
            db.Contacts.Add(contact);
            await db.SaveChangesAsync();
            return ((await db.Users.SingleAsync(u => u.Email == csm)).Id, segment.Id, customer.Id, contact.Id);
        });

        FeedbackItemSpec Spec(string channel, string externalId, string verbatim, DateTime receivedAt) =>
            new(channel, externalId, customerId, verbatim, receivedAt, Language: "zh", ContactId: contactId);
        var ids = await WebTestSupport.AddFeedbackAsync(App, [
            Spec("support", "screens-new", "门店补货总是晚一天。", Now.AddHours(-3)),
            Spec("cs-interview", "screens-draft", "访谈中客户提到库存数据不准。", Now.AddHours(-4)),
            Spec("presales", "screens-awaiting", "售前演示时客户问到促销预测。", Now.AddHours(-5)),
            Spec("community", "screens-coded", "促销期间缺货严重。", Now.AddHours(-6)),
            Spec("survey", "screens-duplicate", "促销期间缺货严重（重复）。", Now.AddHours(-7)),
            Spec("support", "screens-breached", "退货流程太慢。", Now.AddDays(-4)),
        ]);
        (NewId, DraftId, AwaitingId, CodedId, DuplicateId, BreachedId) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]);

        var (metric, gap, domain, tag) = await App.WithDbAsync(async db => (
            await db.BusinessMetrics.OrderBy(m => m.Id).FirstAsync(), await db.CapabilityGaps.OrderBy(g => g.Id).FirstAsync(),
            await db.OwningDomains.OrderBy(d => d.Id).FirstAsync(), await db.Tags.OrderBy(t => t.Id).FirstAsync()));
        (MetricId, TagId, MetricZh, GapZh, DomainZh, TagZh) = (metric.Id, tag.Id, metric.NameZh!, gap.NameZh!, domain.NameZh!, tag.NameZh!);

        await using (var scope = App.Scope())
        {
            var coding = scope.ServiceProvider.GetRequiredService<AttributionService>();
            var input = new AttributionInput
            {
                Impact = new ImpactInput { MetricId = metric.Id, Direction = "down", Magnitude = 12.5m, Unit = "%" },
                RootCause = new RootCauseInput { CapabilityGapId = gap.Id, Hypothesis = "促销数据没有进入预测。" },
                OwningDomainId = domain.Id, ValueDimension = "pain", VoiceRole = "buyer", Tags = [tag.Id],
            };
            Saved(await coding.SaveAsync(DraftId, input, csmId));
            Saved(await coding.SaveAsync(CodedId, input, csmId));
            var version = (await coding.SnapshotAsync(CodedId))!.Version;
            Saved(await coding.SaveAsync(CodedId, input with { Submit = true, Version = version }, csmId));
            await coding.AssignAsync([CodedId, DraftId, BreachedId], csmId, csmId);
            Saved(await coding.MarkAwaitingCustomerAsync(AwaitingId, "哪些门店？", csmId));
            Saved(await coding.MergeAsync(DuplicateId, CodedId, csmId));

            var taxonomy = scope.ServiceProvider.GetRequiredService<TaxonomyService>();
            await taxonomy.UpdateAsync(TaxonomyKind.Metric, metric.Id, new TaxonomyInput
            {
                Name = metric.Name, NameZh = metric.NameZh, Description = metric.Description, DefaultUnit = metric.DefaultUnit,
                Polarity = (metric.Polarity == MetricPolarity.HigherIsBetter ? MetricPolarity.LowerIsBetter : MetricPolarity.HigherIsBetter).ToString(),
            }, csmId);
            await taxonomy.UpdateAsync(TaxonomyKind.Tag, tag.Id, new TaxonomyInput { Name = tag.Name, NameZh = tag.NameZh + "（新）" }, csmId);
            await taxonomy.SetArchivedAsync(TaxonomyKind.Tag, tag.Id, true, csmId);
            await taxonomy.SetArchivedAsync(TaxonomyKind.Tag, tag.Id, false, csmId);
            TagZh = tag.NameZh + "（新）";
        }

        ImportId = await App.WithDbAsync(async db =>
        {
            await db.FeedbackItems.Where(f => f.Id == BreachedId).ExecuteUpdateAsync(s => s
                .SetProperty(f => f.AttributionDueAt, Now.AddDays(-2)).SetProperty(f => f.SlaBreachedAt, Now.AddDays(-2)).SetProperty(f => f.SlaStartedAt, Now.AddDays(-4)));
            SlaEscalation Escalation(SlaEscalationLevel level, int hoursAgo) => new()
            {
                FeedbackItemId = BreachedId, Level = level, Key = $"screens:{level}", WorkflowInstanceId = 1, OccurredAt = Now.AddHours(-hoursAgo),
                DueAt = Now.AddDays(-2), OwnerCsmId = csmId, SegmentId = segmentId, Recipients = "lead@example.test",
            };
            db.SlaEscalations.AddRange(Escalation(SlaEscalationLevel.Warning, 60), Escalation(SlaEscalationLevel.Breach, 48), Escalation(SlaEscalationLevel.Leadership, 24));
            OutboxEmail Mail(OutboxEmailState state, string template) => new()
            {
                Key = "screens:" + state, ToAddress = "lead@example.test", ToName = "张伟", Language = "zh-CN", Subject = "SLA 超时：华东连锁",
                TextBody = "正文", HtmlBody = "<p>正文</p>", Template = template, State = state, Attempts = state == OutboxEmailState.DeadLetter ? 8 : 1,
                CreatedAt = Now.AddHours(-2), NextAttemptAt = Now.AddMinutes(5), SentAt = state == OutboxEmailState.Sent ? Now.AddHours(-1) : null,
            };
            db.OutboxEmails.AddRange(Mail(OutboxEmailState.Pending, "sla-warning"), Mail(OutboxEmailState.Sent, "sla-breach"), Mail(OutboxEmailState.DeadLetter, "sla-leadership"));
            var job = new ImportJob
            {
                Id = Guid.NewGuid(), FileName = "访谈.csv", ChannelKey = "cs-interview", Status = ImportJobStatus.Succeeded, FileBytes = 100, BytesRead = 100,
                RowsRead = 2, Imported = 1, Rejected = 1, CreatedAt = Now.AddHours(-1), FinishedAt = Now.AddMinutes(-59),
                Rejections = [new ImportRejection { LineNumber = 3, Field = "verbatim", Reason = "原话为空。" }],
            };
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync();
            return job.Id;
        });
    }

    private static void Saved(CodingResult result) =>
        Assert.True(result.Outcome == CodingOutcome.Saved, string.Join(" ", result.Errors.Select(e => e.Message)));

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
