using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Coding;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.IntegrationTests.Infrastructure;
using VoiceOfCustomer.IntegrationTests.Web;

namespace VoiceOfCustomer.IntegrationTests.Suggestions;

/// <summary>Three themes of coded voices, in English and Chinese, coded with the seeded taxonomy's keys.</summary>
public static class SuggestionTestData
{
    public sealed record Theme(string Metric, string Gap, string Domain, ValueDimension Dimension, string Tag, string[] English, string[] Chinese);

    public static readonly Theme Billing = new("renewal-rate", "invoice-per-legal-entity", "billing", ValueDimension.Pain, "compliance",
    [
        "Our invoice shows the wrong legal entity and finance rejected it",
        "We cannot get a separate invoice for each subsidiary company",
        "The billing team needs invoices per legal entity for tax",
        "Invoice amounts are split wrongly between our companies",
        "Please let us issue invoices for every legal entity, billing is a mess",
    ],
    [
        "发票抬头是错误的法人主体，财务拒收",
        "我们无法为每个子公司单独开具发票",
        "财务需要按法人主体开票用于报税",
        "账单金额在各公司之间分摊错误",
        "希望能按法人开发票，计费太混乱了",
    ]);

    public static readonly Theme Login = new("onboarding-completion-rate", "sso-scim-provisioning", "integrations", ValueDimension.Need, "usability",
    [
        "New employees cannot log in with single sign-on until IT creates accounts by hand",
        "SSO login works but user accounts are not provisioned automatically",
        "We have to create every user manually before they can sign in",
        "Login fails for new staff because SCIM provisioning is missing",
        "Our identity provider cannot sync users, people cannot log in",
    ],
    [
        "新员工无法用单点登录登录，必须手工开通账号",
        "单点登录可以用，但账号不会自动开通",
        "每个用户都要手工创建才能登录",
        "因为没有 SCIM 自动开通，新同事登录失败",
        "身份系统无法同步用户，大家登录不了",
    ]);

    public static readonly Theme Performance = new("report-latency", "report-scheduling-export", "analytics", ValueDimension.Expectation, "performance",
    [
        "The sales report takes minutes to load and export stops at ten thousand rows",
        "Reports are very slow and we cannot schedule them",
        "Exporting the big report times out every morning",
        "Dashboard reports load slowly, performance is terrible",
        "We wait forever for the weekly report, it is too slow to export",
    ],
    [
        "销售报表加载要好几分钟，导出最多一万行",
        "报表非常慢，而且不能定时发送",
        "每天早上导出大报表都会超时",
        "看板报表加载很慢，性能太差",
        "每周报表要等很久，导出太慢了",
    ]);

    public static readonly Theme[] Themes = [Billing, Login, Performance];

    /// <summary>Twenty submitted codings per theme (60 in all), half English and half Chinese.</summary>
    public static async Task<int> AddCodedItemsAsync(VocAppFactory app, int customerId, string prefix, int perLanguage = 10)
    {
        var specs = new List<(FeedbackItemSpec Spec, Theme Theme)>();
        var received = DateTime.UtcNow.AddDays(-2);
        foreach (var theme in Themes)
        {
            for (var i = 0; i < perLanguage; i++)
            {
                var en = theme.English[i % theme.English.Length] + (i >= theme.English.Length ? $". Ticket from store {i}." : "");
                var zh = theme.Chinese[i % theme.Chinese.Length] + (i >= theme.Chinese.Length ? $"（门店 {i} 反馈）" : "");
                specs.Add((new FeedbackItemSpec("support", $"{prefix}-{theme.Gap}-en-{i}", customerId, en, received, "en"), theme));
                specs.Add((new FeedbackItemSpec("support", $"{prefix}-{theme.Gap}-zh-{i}", customerId, zh, received, "zh"), theme));
            }
        }
        var ids = await WebTestSupport.AddFeedbackAsync(app, specs.Select(s => s.Spec).ToList());
        return await app.WithDbAsync(async db =>
        {
            var metrics = await db.BusinessMetrics.ToDictionaryAsync(m => m.Key, m => m.Id);
            var gaps = await db.CapabilityGaps.ToDictionaryAsync(m => m.Key, m => m.Id);
            var domains = await db.OwningDomains.ToDictionaryAsync(m => m.Key, m => m.Id);
            var tags = await db.Tags.ToDictionaryAsync(m => m.Key, m => m.Id);
            var now = DateTime.UtcNow;
            for (var i = 0; i < ids.Count; i++)
            {
                var theme = specs[i].Theme;
                db.Attributions.Add(new Attribution
                {
                    FeedbackItemId = ids[i],
                    BusinessMetricId = metrics[theme.Metric],
                    ImpactDirection = ImpactDirection.Down,
                    ImpactMagnitude = 5,
                    ImpactUnit = "%",
                    CapabilityGapId = gaps[theme.Gap],
                    RootCauseHypothesis = "Seeded for the suggester.",
                    OwningDomainId = domains[theme.Domain],
                    ValueDimension = theme.Dimension,
                    VoiceRole = VoiceRole.User,
                    Tags = [new AttributionTag { TagId = tags[theme.Tag] }],
                    State = AttributionState.Submitted,
                    Version = 1,
                    UpdatedAt = now,
                    SubmittedAt = now,
                });
            }
            var items = await db.FeedbackItems.Where(f => ids.Contains(f.Id)).ToListAsync();
            items.ForEach(f => f.Status = FeedbackStatus.Attributed);
            await db.SaveChangesAsync();
            return ids.Count;
        });
    }
}
