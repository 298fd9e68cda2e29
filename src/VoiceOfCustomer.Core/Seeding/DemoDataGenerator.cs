using System.Globalization;
using System.Text;
using System.Text.Json;
using Bogus;
using VoiceOfCustomer.Customers;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Seeding;

/// <summary>What the demo generator draws from: the reference data as it is in the database (or the seed files).</summary>
public sealed record DemoCatalog(
    IReadOnlyList<string> SegmentKeys,
    IReadOnlyList<DemoCatalog.ChannelRef> Channels,
    IReadOnlyList<DemoCatalog.NamedRef> Gaps,
    IReadOnlyList<DemoCatalog.NamedRef> Metrics)
{
    public sealed record ChannelRef(string Key, Touchpoint Touchpoint);
    public sealed record NamedRef(string Key, string Name, string? NameZh);

    public static DemoCatalog From(ReferenceData data) => new(
        data.Segments.Select(s => s.Key).ToList(),
        data.Channels.Select(c => new ChannelRef(c.Key, c.Touchpoint)).ToList(),
        data.CapabilityGaps.Select(g => new NamedRef(g.Key, g.Name, g.NameZh)).ToList(),
        data.BusinessMetrics.Select(m => new NamedRef(m.Key, m.Name, m.NameZh)).ToList());
}

public sealed record DemoCustomer(
    string Reference, string Name, LifecycleStage Stage, string? SegmentKey, string Industry, string Region,
    decimal? AnnualRecurringRevenue, decimal? LifetimeValue, decimal? AcquisitionCost, string? CsmUserId,
    string Language, DateTime CreatedAt, IReadOnlyList<DemoContact> Contacts);

public sealed record DemoContact(string Name, string Email, ContactRole Role, string Title, string Language);

/// <summary>One generated voice; <see cref="GapKey"/> and <see cref="MetricKey"/> say what it was written about (not stored).</summary>
public sealed record DemoFeedback(
    string ChannelKey, string ExternalId, string CustomerReference, DemoContact? Contact, string Verbatim,
    DateTime ReceivedAt, string Language, string? MetadataJson, string GapKey, string MetricKey);

/// <summary>Progress of a long seed: <paramref name="Done"/> of <paramref name="Total"/> in <paramref name="Phase"/>.</summary>
public sealed record SeedProgress(string Phase, long Done, long Total);

/// <summary>
/// Generates a believable customer base and its voices, without touching the database. Deterministic: the same
/// seed, anchor and catalog always give the same sequence. Every random draw comes from this instance's own
/// <see cref="Random"/> and Bogus <see cref="Randomizer"/> (never the global <c>Randomizer.Seed</c>), and dates are
/// relative to <paramref name="anchor"/>, not the clock.
/// </summary>
public sealed class DemoDataGenerator(DemoCatalog catalog, int seed, DateTime anchor)
{
    public const int MinVerbatimLength = 30;
    public const int MaxVerbatimLength = 600;
    private const int FeedbackDays = 180;

    private static readonly LifecycleStage[] Stages = Enum.GetValues<LifecycleStage>();
    private static readonly string[] Industries = ["Retail", "FMCG", "Logistics", "Manufacturing", "Grocery", "Apparel", "Pharmacy chain", "Food service"];

    private static readonly Dictionary<string, string> IndustryZh = new()
    {
        ["Retail"] = "零售", ["FMCG"] = "快消品", ["Logistics"] = "物流", ["Manufacturing"] = "制造",
        ["Grocery"] = "生鲜超市", ["Apparel"] = "服饰", ["Pharmacy chain"] = "医药连锁", ["Food service"] = "餐饮",
    };

    private static readonly Dictionary<string, string[]> IndustryWordsEn = new()
    {
        ["Retail"] = ["Retail Group", "Stores", "Markets"], ["FMCG"] = ["Foods", "Consumer Goods", "Beverages"],
        ["Logistics"] = ["Logistics", "Freight", "Distribution"], ["Manufacturing"] = ["Manufacturing", "Industries", "Components"],
        ["Grocery"] = ["Fresh Markets", "Grocers"], ["Apparel"] = ["Apparel", "Fashion"],
        ["Pharmacy chain"] = ["Pharmacy", "Health Stores"], ["Food service"] = ["Kitchens", "Food Service"],
    };

    private static readonly string[] BrandsEn = ["Northwind", "Bluewater", "Summit", "Evergreen", "Harbor", "Pioneer", "Crestview", "Redwood", "Lakeside", "Silverline", "Brightpath", "Oakridge"];
    private static readonly (string Zh, string Pinyin, string Region)[] Cities =
    [
        ("上海", "shanghai", "East China"), ("杭州", "hangzhou", "East China"), ("苏州", "suzhou", "East China"), ("南京", "nanjing", "East China"),
        ("宁波", "ningbo", "East China"), ("青岛", "qingdao", "East China"), ("厦门", "xiamen", "East China"), ("广州", "guangzhou", "South China"),
        ("深圳", "shenzhen", "South China"), ("成都", "chengdu", "Southwest China"), ("重庆", "chongqing", "Southwest China"),
        ("武汉", "wuhan", "Central China"), ("长沙", "changsha", "Central China"), ("西安", "xian", "Northwest China"), ("天津", "tianjin", "North China"),
    ];
    private static readonly (string Zh, string Pinyin)[] BrandsZh =
    [
        ("鲜丰", "xianfeng"), ("汇通", "huitong"), ("佳禾", "jiahe"), ("百润", "bairun"), ("优选", "youxuan"), ("恒达", "hengda"), ("盛邦", "shengbang"),
        ("新禾", "xinhe"), ("启航", "qihang"), ("瑞丰", "ruifeng"), ("金源", "jinyuan"), ("安达", "anda"), ("信诚", "xincheng"), ("美宜", "meiyi"),
        ("康源", "kangyuan"), ("云途", "yuntu"), ("远航", "yuanhang"), ("和润", "herun"),
    ];
    private static readonly string[] SuffixZh = ["有限公司", "集团", "股份有限公司"];
    private static readonly string[] RegionsEn = ["North America", "Western Europe", "UK & Ireland", "Southeast Asia", "ANZ", "Middle East"];
    private static readonly (string Zh, string Pinyin)[] Surnames =
    [
        ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
        ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"),
    ];
    private static readonly (string Zh, string Pinyin)[] GivenNames =
    [
        ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
        ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("建华", "jianhua"), ("晓东", "xiaodong"), ("雪梅", "xuemei"),
        ("志强", "zhiqiang"), ("婷婷", "tingting"), ("浩然", "haoran"), ("子涵", "zihan"), ("欣怡", "xinyi"),
    ];
    private static readonly (string En, string Zh)[] BuyerTitles = [("COO", "首席运营官"), ("VP Supply Chain", "供应链副总裁"), ("Head of Retail Operations", "零售运营负责人"), ("Procurement Director", "采购总监"), ("CIO", "首席信息官")];
    private static readonly (string En, string Zh)[] UserTitles = [("Store Manager", "门店店长"), ("Demand Planner", "需求计划员"), ("Replenishment Analyst", "补货专员"), ("IT Administrator", "IT管理员"), ("Area Manager", "区域经理"), ("Customer Service Lead", "客服主管")];

    /// <summary>Per segment: ARR range, expected lifetime in years and LTV/CAC range. Unknown segments get mid-market numbers.</summary>
    private readonly record struct SegmentEconomics(decimal MinArr, decimal MaxArr, double Years, double MinRatio, double MaxRatio, int MinContacts, int MaxContacts);

    private static readonly Dictionary<string, SegmentEconomics> Economics = new(StringComparer.OrdinalIgnoreCase)
    {
        ["strategic-cobuild"] = new(2_000_000m, 8_000_000m, 7, 5, 9, 4, 8),
        ["enterprise"] = new(500_000m, 2_000_000m, 6, 3, 6, 3, 6),
        ["mid-market"] = new(100_000m, 500_000m, 5, 2, 5, 2, 4),
        ["smb"] = new(10_000m, 100_000m, 3, 1, 4, 1, 3),
        ["prospect-trial"] = new(0m, 0m, 0, 0, 0, 1, 2),
    };
    private static readonly SegmentEconomics DefaultEconomics = new(100_000m, 500_000m, 5, 2, 5, 2, 4);
    private const string ProspectSegment = "prospect-trial";

    private readonly DateTime _anchor = DateTime.SpecifyKind(anchor, DateTimeKind.Utc);

    /// <summary>Customers, each with contacts; CSMs from <paramref name="csmUserIds"/> (none: no CSM).</summary>
    public IReadOnlyList<DemoCustomer> Customers(int count, IReadOnlyList<string>? csmUserIds = null)
    {
        var random = new Random(seed);
        var faker = new Faker("en") { Random = new Randomizer(seed) };
        var customers = new List<DemoCustomer>(count);
        var segments = catalog.SegmentKeys.Where(k => !k.Equals(ProspectSegment, StringComparison.OrdinalIgnoreCase)).ToList();
        var prospectSegment = catalog.SegmentKeys.FirstOrDefault(k => k.Equals(ProspectSegment, StringComparison.OrdinalIgnoreCase));

        for (var i = 0; i < count; i++)
        {
            // The first customers walk every stage and segment, so even a small seed covers them all.
            var stage = i < Stages.Length ? Stages[i] : PickStage(random);
            string? segment = stage is LifecycleStage.Prospect && prospectSegment is not null ? prospectSegment
                : segments.Count == 0 ? prospectSegment
                : i < segments.Count ? segments[i]
                : PickWeighted(random, segments, k => k switch { "strategic-cobuild" => 1, "enterprise" => 3, "mid-market" => 5, "smb" => 6, _ => 3 });
            var chinese = random.NextDouble() < 0.55;
            var industry = Industries[random.Next(Industries.Length)];
            string name, domain, region;
            if (chinese)
            {
                var city = Cities[random.Next(Cities.Length)];
                var brand = BrandsZh[random.Next(BrandsZh.Length)];
                name = city.Zh + brand.Zh + IndustryZh[industry] + SuffixZh[random.Next(SuffixZh.Length)];
                domain = $"{city.Pinyin}-{brand.Pinyin}.example.cn";
                region = city.Region;
            }
            else
            {
                var brand = random.NextDouble() < 0.5 ? BrandsEn[random.Next(BrandsEn.Length)] : faker.Name.LastName();
                var words = IndustryWordsEn[industry];
                name = $"{brand} {words[random.Next(words.Length)]}";
                domain = $"{Slug(brand)}-{Slug(words[0])}.example.com";
                region = RegionsEn[random.Next(RegionsEn.Length)];
            }

            var economics = segment is not null && Economics.TryGetValue(segment, out var known) ? known : DefaultEconomics;
            decimal? arr = null, ltv = null, cac = null;
            if (economics.MaxArr > 0 && stage is not LifecycleStage.Prospect)
            {
                arr = RoundTo(economics.MinArr + (economics.MaxArr - economics.MinArr) * (decimal)Math.Pow(random.NextDouble(), 1.8), 1_000m);
                var years = economics.Years * (0.7 + 0.6 * random.NextDouble()) * (stage is LifecycleStage.ChurnRisk or LifecycleStage.Churned ? 0.5 : 1);
                ltv = RoundTo(arr.Value * (decimal)(years * 0.75), 1_000m);
                cac = RoundTo(ltv.Value / (decimal)(economics.MinRatio + (economics.MaxRatio - economics.MinRatio) * random.NextDouble()), 100m);
            }
            else if (stage is LifecycleStage.Prospect)
            {
                cac = RoundTo(2_000 + random.Next(30_000), 100m); // pre-sales effort spent so far
            }

            var createdAt = _anchor.AddDays(-(stage is LifecycleStage.Prospect ? random.Next(5, 200) : random.Next(200, 1500))).AddMinutes(-random.Next(24 * 60));
            var contactCount = random.Next(economics.MinContacts, economics.MaxContacts + 1);
            var contacts = new List<DemoContact>(contactCount);
            var emails = new HashSet<string>(StringComparer.Ordinal);
            for (var c = 0; c < contactCount; c++)
            {
                // The first contact signs (buyer); a large account has a second buyer; everyone else uses the product.
                var role = c == 0 || (c == 1 && contactCount >= 5) ? ContactRole.Buyer : ContactRole.User;
                var zhContact = chinese ? random.NextDouble() < 0.9 : random.NextDouble() < 0.1;
                string contactName, local;
                if (zhContact)
                {
                    var surname = Surnames[random.Next(Surnames.Length)];
                    var given = GivenNames[random.Next(GivenNames.Length)];
                    contactName = surname.Zh + given.Zh;
                    local = $"{surname.Pinyin}.{given.Pinyin}";
                }
                else
                {
                    var first = faker.Name.FirstName();
                    var last = faker.Name.LastName();
                    contactName = $"{first} {last}";
                    local = $"{Slug(first)}.{Slug(last)}";
                }
                var email = $"{local}@{domain}";
                for (var n = 2; !emails.Add(email); n++)
                    email = $"{local}{n}@{domain}";
                var titles = role == ContactRole.Buyer ? BuyerTitles : UserTitles;
                var title = titles[random.Next(titles.Length)];
                contacts.Add(new DemoContact(contactName, email, role, zhContact ? title.Zh : title.En, zhContact ? "zh" : "en"));
            }

            var csm = csmUserIds is { Count: > 0 } && stage is not LifecycleStage.Prospect ? csmUserIds[random.Next(csmUserIds.Count)] : null;
            customers.Add(new DemoCustomer($"{DemoDataGuard.CustomerReferencePrefix}{seed}-{i + 1:D5}", name, stage, segment, industry, region, arr, ltv, cac, csm,
                chinese ? "zh" : "en", createdAt, contacts));
        }
        return customers;
    }

    /// <summary>Voices across every channel, in both languages; lazily generated so a million need no big list.</summary>
    public IEnumerable<DemoFeedback> Feedback(IReadOnlyList<DemoCustomer> customers, int count)
    {
        if (customers.Count == 0 || count <= 0)
            yield break;
        if (catalog.Channels.Count == 0)
            throw new InvalidOperationException("There are no channels: load the reference data (seed files) first.");

        var random = new Random(unchecked(seed * 7919 + 17));
        var gaps = catalog.Gaps.Count > 0 ? catalog.Gaps : [new DemoCatalog.NamedRef("general", "General product feedback", "产品综合反馈")];
        var metrics = catalog.Metrics.Count > 0 ? catalog.Metrics : [new DemoCatalog.NamedRef("customer-satisfaction", "Customer satisfaction", "客户满意度")];
        var metricsByKey = metrics.ToDictionary(m => m.Key, StringComparer.OrdinalIgnoreCase);
        var text = new StringBuilder(MaxVerbatimLength * 2);

        for (var i = 0; i < count; i++)
        {
            // Voices come out oldest first: the time indexes then grow at their end, which keeps a million-row
            // seed fast, and external ids follow time as a source system's would.
            var receivedAt = ReceivedAt(random, i, count);
            var customer = PickCustomer(random, customers);
            for (var tries = 0; customer.CreatedAt > receivedAt && tries < 10; tries++)
                customer = PickCustomer(random, customers);
            if (customer.CreatedAt > receivedAt)
                receivedAt = customer.CreatedAt + (_anchor - customer.CreatedAt) * random.NextDouble();
            var channel = i < catalog.Channels.Count ? catalog.Channels[i] : PickChannel(random, customer.Stage);
            var language = i < 2 ? (i == 0 ? "en" : "zh") : random.NextDouble() < 0.85 ? customer.Language : customer.Language == "zh" ? "en" : "zh";
            var zh = language == "zh";
            var gap = gaps[random.Next(gaps.Count)];
            var scenario = DemoVoices.ByGap.TryGetValue(gap.Key, out var scenarios) ? scenarios[random.Next(scenarios.Length)] : null;
            var metric = scenario is not null && metricsByKey.TryGetValue(scenario.MetricKey, out var m) ? m : metrics[random.Next(metrics.Count)];
            scenario ??= DemoVoices.Generic(gap.Name, gap.NameZh ?? gap.Name, metric.Key, metric.Name, metric.NameZh ?? metric.Name);
            var tone = random.Next(10); // 0-2 frustrated, 3-5 polite opener, rest plain
            var length = random.Next(10); // 0-2 short, 3-6 medium, 7-9 long

            text.Clear();
            if (channel.Touchpoint == Touchpoint.PreSalesConsult)
            {
                var template = zh ? DemoVoices.PresalesZh[random.Next(DemoVoices.PresalesZh.Length)] : DemoVoices.PresalesEn[random.Next(DemoVoices.PresalesEn.Length)];
                AppendSentence(text, template.Replace("{gap}", zh ? gap.NameZh ?? gap.Name : gap.Name, StringComparison.Ordinal)
                    .Replace("{gapLower}", LowerFirst(gap.Name), StringComparison.Ordinal)
                    .Replace("{metric}", zh ? metric.NameZh ?? metric.Name : metric.Name.ToLowerInvariant(), StringComparison.Ordinal), zh, random);
            }
            else
            {
                if (channel.Touchpoint == Touchpoint.CustomerSuccessInterview)
                    AppendSentence(text, zh ? "访谈记录：" : "Interview notes:", zh, random);
                var frustrated = zh ? DemoVoices.FrustratedZh : DemoVoices.FrustratedEn;
                if (tone < 3)
                    // Interview notes are a CSM's summary: no "URGENT:" headline, which only ticket writers use.
                    AppendSentence(text, channel.Touchpoint == Touchpoint.CustomerSuccessInterview ? frustrated[random.Next(3)] : Pick(random, frustrated), zh, random);
                else if (tone < 6 && length >= 3)
                    AppendSentence(text, Pick(random, zh ? DemoVoices.OpenersZh : DemoVoices.OpenersEn), zh, random);
                var core = zh ? scenario.Zh : scenario.En;
                AppendSentence(text, length < 3 ? FirstSentence(core, zh) : core, zh, random);
                if (length >= 7)
                {
                    // Long voices add distinct context sentences: two, or four for the longest.
                    var contexts = zh ? DemoVoices.ContextZh : DemoVoices.ContextEn;
                    var first = random.Next(contexts.Length);
                    for (var k = 0; k < (length == 9 ? 4 : 2); k++)
                        AppendSentence(text, contexts[(first + k) % contexts.Length], zh, random);
                }
                if (length >= 3)
                    AppendSentence(text, Pick(random, zh ? DemoVoices.AskZh : DemoVoices.AskEn), zh, random);
                if (channel.Touchpoint == Touchpoint.CommunityPost)
                    AppendSentence(text, zh ? DemoVoices.CommunityZh : DemoVoices.CommunityEn, zh, random);
            }
            while (text.Length < MinVerbatimLength)
                AppendSentence(text, Pick(random, zh ? DemoVoices.ContextZh : DemoVoices.ContextEn), zh, random);
            var verbatim = text.ToString();
            if (verbatim.Length > MaxVerbatimLength)
                verbatim = verbatim[..(MaxVerbatimLength - 1)] + "…";

            var contact = customer.Contacts.Count > 0 && random.NextDouble() < 0.85 ? PickContact(random, customer, channel.Touchpoint) : null;
            var metadata = Metadata(random, channel.Touchpoint, tone, i);
            yield return new DemoFeedback(channel.Key, $"{DemoDataGuard.ExternalIdPrefix}{seed}-{i + 1:D7}", customer.Reference, contact, verbatim, receivedAt, language, metadata, gap.Key, metric.Key);
        }
    }

    /// <summary>Rising with <paramref name="index"/> over the last 180 days before the anchor, denser in recent weeks.</summary>
    private DateTime ReceivedAt(Random random, int index, int count)
    {
        var share = 1 - (index + random.NextDouble()) / count; // from 1 (oldest) down to 0 (newest)
        var at = _anchor.AddDays(-Math.Pow(share, 1.3) * FeedbackDays);
        return new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    /// <summary>A few loud accounts say much more than the rest, as in real life.</summary>
    private static DemoCustomer PickCustomer(Random random, IReadOnlyList<DemoCustomer> customers) =>
        customers[(int)(Math.Pow(random.NextDouble(), 1.6) * customers.Count)];

    private static string? Metadata(Random random, Touchpoint touchpoint, int tone, int index)
    {
        var fields = new Dictionary<string, object>();
        switch (touchpoint)
        {
            case Touchpoint.Survey:
                // Frustrated voices score as detractors, polite ones as promoters.
                fields["nps"] = tone < 3 ? random.Next(0, 7) : tone < 6 ? random.Next(7, 11) : random.Next(3, 10);
                fields["survey"] = $"relationship-nps-q{random.Next(1, 5)}";
                break;
            case Touchpoint.SupportTicket when random.NextDouble() < 0.8:
                fields["priority"] = tone < 3 ? (random.NextDouble() < 0.5 ? "urgent" : "high") : Pick(random, ["low", "normal", "normal", "high"]);
                fields["ticketUrl"] = $"https://helpdesk.example.com/tickets/{100_000 + index}";
                break;
            case Touchpoint.CommunityPost when random.NextDouble() < 0.7:
                fields["threadUrl"] = $"https://community.example.com/t/{50_000 + index}";
                fields["upvotes"] = (int)(Math.Pow(random.NextDouble(), 3) * 120);
                break;
            case Touchpoint.CustomerSuccessInterview when random.NextDouble() < 0.7:
                fields["meeting"] = Pick(random, ["QBR", "health check", "onboarding review", "renewal prep"]);
                break;
            case Touchpoint.PreSalesConsult when random.NextDouble() < 0.7:
                fields["opportunity"] = $"OPP-{20_000 + index}";
                fields["stage"] = Pick(random, ["Discovery", "Evaluation", "Negotiation"]);
                break;
        }
        return fields.Count == 0 ? null : JsonSerializer.Serialize(fields);
    }

    private static DemoContact PickContact(Random random, DemoCustomer customer, Touchpoint touchpoint)
    {
        // Buyers speak in pre-sales and interviews; users file tickets and community posts.
        var preferBuyer = touchpoint is Touchpoint.PreSalesConsult or Touchpoint.CustomerSuccessInterview;
        var preferred = customer.Contacts.Where(c => (c.Role == ContactRole.Buyer) == preferBuyer).ToList();
        var pool = preferred.Count > 0 && random.NextDouble() < 0.8 ? preferred : customer.Contacts;
        return pool[random.Next(pool.Count)];
    }

    private DemoCatalog.ChannelRef PickChannel(Random random, LifecycleStage stage) =>
        PickWeighted(random, catalog.Channels, c => c.Touchpoint switch
        {
            Touchpoint.PreSalesConsult => stage is LifecycleStage.Prospect ? 6 : 0.5,
            Touchpoint.SupportTicket => stage is LifecycleStage.Prospect ? 1 : 8,
            Touchpoint.CustomerSuccessInterview => stage is LifecycleStage.Prospect ? 0.2 : 3,
            Touchpoint.CommunityPost => 3,
            Touchpoint.Survey => stage is LifecycleStage.Prospect ? 0.5 : 4,
            _ => 1,
        });

    private static LifecycleStage PickStage(Random random) =>
        PickWeighted(random, Stages, s => s switch
        {
            LifecycleStage.Prospect => 3, LifecycleStage.New => 2, LifecycleStage.Active => 9,
            LifecycleStage.ChurnRisk => 1.5, LifecycleStage.WinBack => 0.5, LifecycleStage.Churned => 0.7, _ => 1,
        });

    private static T PickWeighted<T>(Random random, IReadOnlyList<T> items, Func<T, double> weight)
    {
        var total = 0.0;
        foreach (var item in items)
            total += weight(item);
        var roll = random.NextDouble() * total;
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll < 0)
                return item;
        }
        return items[^1];
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Fill(string template, Random random)
    {
        if (!template.Contains('{'))
            return template;
        var month = random.Next(12);
        return template
            .Replace("{monthZh}", DemoVoices.MonthsZh[month], StringComparison.Ordinal)
            .Replace("{month}", DemoVoices.MonthsEn[month], StringComparison.Ordinal)
            .Replace("{pct}", random.Next(3, 26).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{fill}", random.Next(68, 93).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{n}", random.Next(3, 400).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{hours}", random.Next(2, 16).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{days}", random.Next(3, 45).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Fills each sentence on its own, so two sentences do not repeat the same made-up number.</summary>
    private static void AppendSentence(StringBuilder text, string sentence, bool chinese, Random random)
    {
        if (text.Length > 0 && !chinese)
            text.Append(' ');
        text.Append(Fill(sentence, random));
    }

    private static string FirstSentence(string text, bool chinese)
    {
        var end = chinese ? text.IndexOf('。') : text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }

    private static decimal RoundTo(decimal value, decimal unit) => Math.Round(value / unit, MidpointRounding.AwayFromZero) * unit;

    private static string LowerFirst(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private static string Slug(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text.ToLowerInvariant())
        {
            if (ch is >= 'a' and <= 'z' or >= '0' and <= '9')
                builder.Append(ch);
        }
        return builder.Length == 0 ? "x" : builder.ToString();
    }
}
