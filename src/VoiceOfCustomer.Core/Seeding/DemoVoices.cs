namespace VoiceOfCustomer.Seeding;

/// <summary>
/// What customers say about each seeded capability gap, in English and Chinese. Placeholders are filled per
/// voice: {month}/{monthZh} (a release month), {pct}, {fill} (a fill rate), {n}, {hours}, {days}. A gap an admin
/// added gets <see cref="Generic"/>, built from its names.
/// </summary>
internal static class DemoVoices
{
    public sealed record Scenario(string MetricKey, string En, string Zh);

    public static readonly IReadOnlyDictionary<string, Scenario[]> ByGap = new Dictionary<string, Scenario[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["forecast-ignores-promotions"] =
        [
            new("stock-out-rate",
                "Every time marketing runs a promotion our shelves are empty by day two; the stock-out forecast clearly doesn't see the promo calendar. Stock-outs on promoted SKUs were up about {pct}% last quarter.",
                "每次市场部做促销，第二天货架就空了，缺货预测显然没有读取促销日历。上个季度促销商品的缺货率上升了约{pct}%。"),
            new("forecast-accuracy",
                "Since the {month} release the forecast ignores the live promotion feed, so our planners override it by hand for {n} stores. Forecast accuracy dropped roughly {pct} points.",
                "自从{monthZh}版本上线后，预测不再读取实时促销数据，计划员只能手工调整{n}家门店的预测，预测准确率下降了约{pct}个百分点。"),
        ],
        ["safety-stock-per-store"] =
        [
            new("stock-out-rate",
                "Safety stock can only be set per SKU, so our small neighbourhood stores carry the same buffer as the flagship. We are overstocked in {n} stores and still run out in the busy ones.",
                "安全库存只能按SKU设置，社区小店和旗舰店的缓冲库存一模一样。我们有{n}家门店积压，客流大的门店却仍然缺货。"),
            new("inventory-turnover",
                "Inventory turnover fell about {pct}% since we rolled out to the new region. We need safety stock per store, not one number per SKU for the whole chain.",
                "自从在新区域上线以来，库存周转率下降了约{pct}%。我们需要按门店设置安全库存，而不是整个连锁一个SKU一个数。"),
        ],
        ["replenishment-bulk-approval"] =
        [
            new("store-replenishment-on-time-rate",
                "Since the {month} release our store managers re-enter replenishment orders by hand; on-time replenishment dropped about {pct}%.",
                "自从{monthZh}版本上线后，门店经理只能手工录入补货单，准时补货率下降了约{pct}%。"),
            new("manual-work-hours",
                "Store managers have to approve every replenishment line one by one in the app. Across {n} stores that is about {hours} extra hours a week per store.",
                "门店经理在App里只能逐条审批补货单，{n}家门店每家每周要多花大约{hours}小时。"),
        ],
        ["mobile-offline-mode"] =
        [
            new("feature-adoption-rate",
                "Our stockrooms have no signal and the mobile app loses the count as soon as the connection drops. Staff went back to paper; only {pct}% of stores still count in the app.",
                "仓库里没有信号，网络一断移动端就丢失盘点数据。员工又回到了纸质记录，现在只有{pct}%的门店还在用App盘点。"),
            new("store-replenishment-on-time-rate",
                "Without an offline mode the replenishment requests from our rural stores arrive hours late, and on-time replenishment there is down {pct}%.",
                "移动端不支持离线模式，县城门店的补货申请经常晚到好几个小时，这些门店的准时补货率下降了{pct}%。"),
        ],
        ["partial-fulfilment-split"] =
        [
            new("order-fill-rate",
                "When one warehouse is short we cannot split the order across warehouses, so the whole order waits. Our fill rate has slipped to about {fill}%.",
                "一个仓库缺货时订单无法跨仓拆单，整单只能等着。我们的订单满足率已经跌到{fill}%左右。"),
            new("ticket-volume",
                "Our own customers call every day asking where the rest of their order is. That is roughly {n} tickets a month that partial shipments would simply remove.",
                "我们的客户每天打电话问剩下的货在哪里，每个月大约有{n}张工单，只要能部分发货这些问题就没有了。"),
        ],
        ["help-search-chinese-synonyms"] =
        [
            new("self-service-resolution-rate",
                "Store staff search the help center for '退货' but the article is titled '退款', so they find nothing and open a ticket. Self-service resolution is stuck around {pct}%.",
                "门店员工在帮助中心搜“退货”，但文章标题写的是“退款”，什么都搜不到只能提工单。自助解决率一直只有{pct}%左右。"),
            new("ticket-volume",
                "Help search does not understand the synonyms and abbreviations our teams use. Ticket volume went up about {pct}% after we rolled out to the stores in China.",
                "帮助中心搜索不识别我们常用的同义词和简称。推广到全国门店后，工单量上涨了约{pct}%。"),
        ],
        ["chatbot-human-handoff"] =
        [
            new("self-service-resolution-rate",
                "The chatbot cannot pass the conversation to a human with its history, so users repeat everything and then just call the hotline. About {pct}% of our chats end that way.",
                "智能客服转人工时不带上下文，用户只能把问题从头再说一遍，最后干脆打热线电话。大约{pct}%的会话是这样结束的。"),
            new("ticket-volume",
                "Every chatbot escalation becomes a fresh ticket without context; our agents handle maybe {n} duplicates a month because of it.",
                "每次机器人转人工都会生成一张没有上下文的新工单，我们的客服每个月因此要多处理约{n}张重复工单。"),
        ],
        ["guided-master-data-import"] =
        [
            new("onboarding-completion-rate",
                "Loading our product and store master data took {days} days of CSV back-and-forth with your team. There is no guided import, and onboarding stalled twice.",
                "导入商品和门店主数据时，我们和你们团队来回改了{days}天的CSV文件。没有导入向导，上线过程卡住了两次。"),
            new("time-to-value",
                "We signed in {month} and still have not seen a single forecast, because the master data import keeps failing without saying which row is wrong.",
                "我们{monthZh}就签约了，到现在还没看到一次预测结果，因为主数据导入一直失败，也不提示是哪一行出错。"),
        ],
        ["erp-sync-nightly-only"] =
        [
            new("order-fill-rate",
                "Inventory from our ERP only syncs overnight, so by noon the stock the stores see is wrong and they over-order. Order fill rate dropped to {fill}%.",
                "ERP库存数据每晚才同步一次，到中午门店看到的库存就不准了，结果经常多订货。订单满足率降到了{fill}%。"),
            new("store-replenishment-on-time-rate",
                "We need at least hourly ERP sync. Replenishment decisions are made on yesterday's stock, and on-time replenishment is down {pct}% in our fastest-moving categories.",
                "我们至少需要每小时同步一次ERP。现在补货依据的是昨天的库存，快消品类的准时补货率下降了{pct}%。"),
        ],
        ["sso-scim-provisioning"] =
        [
            new("manual-work-hours",
                "IT creates and removes every store user by hand because there is no SCIM provisioning. With {n} seasonal staff joining, that is a week of work.",
                "因为不支持SCIM自动开通，我们IT要手工创建和删除每个门店账号。旺季新来{n}名临时员工，光开账号就要一周。"),
            new("feature-adoption-rate",
                "Security blocked the rollout to the remaining regions until users come from our identity provider. Adoption is stuck at {pct}% of licensed seats.",
                "安全部门要求账号必须通过我们的身份平台自动开通，否则不允许推广到其他区域。目前只有{pct}%的授权席位在使用。"),
        ],
        ["api-rate-limits-bulk"] =
        [
            new("manual-work-hours",
                "Our nightly job pushes about {n} thousand order lines through the API and hits the rate limit after twenty minutes. Someone reruns it by hand most mornings.",
                "我们的夜间任务要通过API推送约{n}千条订单行，二十分钟就触发限流，几乎每天早上都要有人手工重跑。"),
            new("report-latency",
                "Because the bulk API gets throttled, our BI refresh finishes about {hours} hours late and the morning stand-up looks at stale numbers.",
                "批量API被限流，BI数据刷新要晚{hours}个小时，早会只能看旧数据。"),
        ],
        ["report-scheduling-export"] =
        [
            new("manual-work-hours",
                "We cannot schedule the weekly store report and exports stop at 10,000 rows, so an analyst stitches {n} files together every Monday. That is about {hours} hours a week.",
                "周报无法定时发送，导出最多一万行，分析师每周一要拼接{n}个文件，每周大约花{hours}小时。"),
            new("report-latency",
                "Please let us schedule reports by e-mail. Regional managers get the numbers {days} days late because someone has to export them manually.",
                "希望报表可以定时邮件发送。现在要有人手工导出，区域经理拿到数据要晚{days}天。"),
        ],
        ["dashboard-store-drilldown"] =
        [
            new("feature-adoption-rate",
                "The dashboard stops at region level. Area managers want to click into a single store and cannot, so they went back to Excel; dashboard usage is down {pct}%.",
                "看板只能看到区域层级，区域经理想点进单个门店却做不到，只好回到Excel，看板使用率下降了{pct}%。"),
            new("renewal-rate",
                "We bought the analytics module for store-level insight, but there is no drill-down from region to store. That will be hard to justify at renewal.",
                "我们买分析模块就是为了看门店级别的数据，但看板不能从区域下钻到门店。续约时很难说服管理层。"),
        ],
        ["invoice-per-legal-entity"] =
        [
            new("renewal-rate",
                "We operate through {n} legal entities and finance needs a separate invoice for each. Today we split one invoice by hand, and procurement has flagged it for the renewal.",
                "我们有{n}个法人主体，财务要求分别开票。现在只能把一张总发票手工拆分，采购已经把它列为续约问题。"),
            new("net-revenue-retention",
                "We wanted to add the two brands we acquired to our contract, but each needs its own invoices. Until that is possible the expansion is on hold.",
                "我们本想把新收购的两个品牌加进合同，但它们需要单独开票。在支持之前，扩容计划只能搁置。"),
        ],
    };

    public static Scenario Generic(string gapName, string gapNameZh, string metricKey, string metricName, string metricNameZh) => new(metricKey,
        $"This keeps coming up for us: {gapName}. It is hurting our {metricName.ToLowerInvariant()}, roughly {{pct}}% worse than last quarter.",
        $"这个问题反复出现：{gapNameZh}。我们的{metricNameZh}比上个季度差了约{{pct}}%。");

    /// <summary>Pre-sales prospects have not used the product: they ask whether a limitation they heard of is real.</summary>
    public static readonly string[] PresalesEn =
    [
        "We are evaluating the platform for {n} stores. One deal-breaker question: we heard that '{gap}' is a known limitation. If so it would hit our {metric} directly.",
        "Before we sign: does your product handle this? Our current vendor's weakness is exactly that {gapLower}, and our {metric} suffers for it.",
        "Your competitor's demo showed this working. Is it true that {gapLower}?",
    ];

    public static readonly string[] PresalesZh =
    [
        "我们正在评估贵司平台，计划覆盖{n}家门店。有个关键问题：听说“{gap}”，如果属实会直接影响我们的{metric}。",
        "签约前想确认一下：我们现在的系统最大的问题就是“{gap}”，{metric}一直受影响。贵司产品能解决吗？",
        "另一家供应商的演示里这个功能是有的。请问贵司是不是{gap}？",
    ];

    public static readonly string[] OpenersEn = ["Hi team,", "Quick feedback:", "Thanks for the help so far.", "Overall we like the product, but one thing hurts:"];
    public static readonly string[] OpenersZh = ["你好，", "反馈一个问题：", "感谢之前的支持。", "整体用下来还不错，但有一点很影响我们："];
    public static readonly string[] FrustratedEn = ["Honestly, this is getting frustrating.", "Third time we raise this.", "We are really unhappy about this.", "URGENT:", "This is blocking us right now."];
    public static readonly string[] FrustratedZh = ["说实话，这个问题已经很让人头疼了。", "这是我们第三次反馈了。", "我们对此非常不满意。", "紧急：", "这个问题现在直接影响业务了。"];

    public static readonly string[] ContextEn =
    [
        "We have {n} stores on the platform today.",
        "Our COO asked about it in the last quarterly review.",
        "The workaround costs the team time every single week.",
        "Two other retailers in the user group told us they see the same.",
        "It started after we expanded to the new region.",
        "Peak season starts in {month}, so timing matters.",
    ];

    public static readonly string[] ContextZh =
    [
        "我们目前有{n}家门店在用这个平台。",
        "上次季度经营会上COO专门问到了这个问题。",
        "现在的变通方法每周都要耗费团队不少时间。",
        "用户群里另外两家零售商也说遇到了同样的问题。",
        "这是我们扩展到新区域以后才出现的。",
        "{monthZh}就是旺季了，时间很紧。",
    ];

    public static readonly string[] AskEn = ["Is this on the roadmap?", "Can someone from product call us this week?", "Please prioritise this before our renewal in {month}.", "Any workaround would help.", "What is the ETA?"];
    public static readonly string[] AskZh = ["这个在路线图上吗？", "能否请产品同事本周和我们沟通一下？", "希望在我们{monthZh}续约前能解决。", "有临时方案也可以。", "大概什么时候能解决？"];

    public const string CommunityEn = "Anyone else seeing this?";
    public const string CommunityZh = "有没有人遇到同样的问题？";

    public static readonly string[] MonthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    public static readonly string[] MonthsZh = ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"];
}
