using System.Text;

namespace VoiceOfCustomer.Benchmarks;

/// <summary>One generated voice; the same seed yields the same rows for the CSV and for the baseline loop.</summary>
internal readonly record struct GeneratedRow(
    string ExternalId, int CustomerIndex, int ContactIndex, string Verbatim, DateTime ReceivedAt, string? Language, string? Metadata);

/// <summary>Realistic-looking feedback: mixed English and Chinese verbatims of 50–400 characters, ~200 customers with a few contacts each.</summary>
internal static class ImportData
{
    public const int Customers = 200;
    public const int ContactsPerCustomer = 3;

    private static readonly string[] English =
    [
        "The replenishment forecast ignores live promotions, so stores run out of stock on the first day.",
        "Exporting the weekly report to Excel takes minutes, and the columns come out in the wrong order.",
        "We love the new dashboard, but filters reset whenever we switch between regions.",
        "Support answered quickly; however, the fix broke single sign-on for our contractors.",
        "Pricing is unclear: the \"enterprise\" tier lists features we cannot find in the product.",
        "Our buyers want an API for purchase orders, not another CSV upload.",
        "Mobile app crashes when scanning barcodes in low light, which slows the warehouse team down.",
        "Onboarding was smooth, and the training videos helped new staff get started within a day.",
    ];

    private static readonly string[] Chinese =
    [
        "补货预测没有读取实时促销数据，导致门店首日缺货。",
        "导出周报到Excel需要好几分钟，而且列的顺序不对。",
        "新的仪表盘很好用，但是切换区域时筛选条件会被重置。",
        "客服响应很快，不过修复之后承包商的单点登录出了问题。",
        "价格说明不清楚，企业版列出的功能在产品里找不到。",
        "采购部门希望有采购订单的接口，而不是再上传一次表格。",
        "移动端在光线不足时扫码会闪退，影响仓库作业效率。",
        "上线过程很顺利，培训视频帮助新员工一天内就能上手。",
    ];

    public static string CustomerReference(int index) => $"CUST-{index:0000}";
    public static string ContactName(int customer, int contact) => $"Contact {customer}-{contact}";
    public static string ContactEmail(int customer, int contact) => $"contact{contact}@cust{customer:0000}.example";

    public static IEnumerable<GeneratedRow> Rows(int count, int seed = 42)
    {
        var random = new Random(seed);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var text = new StringBuilder(512);
        for (var i = 0; i < count; i++)
        {
            var chinese = random.Next(3) == 0;
            var phrases = chinese ? Chinese : English;
            var length = random.Next(50, 401);
            text.Clear();
            while (text.Length < length)
            {
                if (text.Length > 0)
                    text.Append(chinese ? "" : " ");
                text.Append(phrases[random.Next(phrases.Length)]);
            }
            text.Length = length;
            var language = random.Next(2) == 0 ? (chinese ? "zh" : "en") : null;
            var metadata = random.Next(4) == 0 ? $$"""{"ticket":"T-{{i}}","priority":"{{(random.Next(2) == 0 ? "high" : "normal")}}"}""" : null;
            yield return new GeneratedRow($"BENCH-{i:0000000}", random.Next(Customers), random.Next(ContactsPerCustomer), text.ToString().TrimEnd(),
                start.AddSeconds(i * 7L), language, metadata);
        }
    }

    public static void WriteCsv(string path, int count)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        writer.Write("externalId,customer,verbatim,receivedAt,language,contact.name,contact.email,contact.role,metadata\n");
        foreach (var row in Rows(count))
        {
            writer.Write(row.ExternalId);
            writer.Write(',');
            writer.Write(CustomerReference(row.CustomerIndex));
            writer.Write(',');
            WriteField(writer, row.Verbatim);
            writer.Write(',');
            writer.Write(row.ReceivedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(row.Language);
            writer.Write(',');
            writer.Write(ContactName(row.CustomerIndex, row.ContactIndex));
            writer.Write(',');
            writer.Write(ContactEmail(row.CustomerIndex, row.ContactIndex));
            writer.Write(',');
            writer.Write(row.ContactIndex == 0 ? "buyer" : "user");
            writer.Write(',');
            if (row.Metadata is not null)
                WriteField(writer, row.Metadata);
            writer.Write('\n');
        }
    }

    private static void WriteField(TextWriter writer, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            writer.Write(value);
            return;
        }
        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
