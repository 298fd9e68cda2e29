using System.Text;

namespace VoiceOfCustomer.IntegrationTests.Import;

/// <summary>CSV files as bytes, so tests can put a BOM or broken UTF-8 exactly where they want.</summary>
internal static class ImportTestFiles
{
    public const string Header = "externalId,customer,verbatim,receivedAt,language,contact.name,contact.email,contact.role,metadata";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\n"));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Rows that all import: Chinese, quoted commas, quotes and a line break inside a field, metadata, contacts.</summary>
    public static string HappyCsv => $"""
        {Header}
        H-1,ACME-1,补货预测没有读取实时促销数据，导致门店首日缺货。,2026-03-04T05:06:07Z,,王芳,wang@acme.example,buyer,"{"{"}""priority"":""high""{"}"}"
        H-2,ACME-1,"Exports are slow, and the ""Excel"" button
        breaks on Mondays.",2026-03-04T06:00:00+02:00,en,,,,
        H-3,Globex Ltd,Plain English voice.,2026-03-05 10:00:00,,Sam,,,
        """;

    public static MemoryStream Stream(string text) => new(Utf8(text));
}
