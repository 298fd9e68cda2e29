using System.Text;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Evaluation;

namespace VoiceOfCustomer.UnitTests.Suggestions;

public sealed class LabeledCsvTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("voc-labeled-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string content, bool bom = false, string name = "data.csv")
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(content)]);
        return path;
    }

    [Fact]
    public void Reads_quoted_fields_with_commas_quotes_and_line_breaks_in_english_and_chinese()
    {
        var path = Write("text,label\n"
            + "\"refund, please\",billing\n"
            + "\"he said \"\"where is it\"\"\nsecond line\",shipping\n"
            + "\"补货预测没有读取实时促销数据，\r\n导致门店首日缺货。\",supply\n"
            + "plain text,billing\n");

        var rows = LabeledCsv.Read(path);

        Assert.Equal(4, rows.Count);
        Assert.Equal("refund, please", rows[0].Text);
        Assert.Equal("he said \"where is it\"\nsecond line", rows[1].Text);
        Assert.Equal("shipping", rows[1].Label);
        Assert.Equal("补货预测没有读取实时促销数据，\r\n导致门店首日缺货。", rows[2].Text);
        Assert.Equal(("plain text", "billing"), (rows[3].Text, rows[3].Label));
    }

    [Fact]
    public void A_byte_order_mark_does_not_become_part_of_the_first_column_name()
    {
        var path = Write("text,label\n退款,billing\n", bom: true);

        var rows = LabeledCsv.Read(path);

        Assert.Equal(new LabeledText("退款", "billing"), Assert.Single(rows));
    }

    [Fact]
    public void Other_column_names_and_extra_columns_are_supported()
    {
        var path = Write("id,utterance,intent,notes\n1,where is my parcel,shipping,x\n");

        var row = Assert.Single(LabeledCsv.Read(path, textColumn: "utterance", labelColumn: "intent"));

        Assert.Equal(new LabeledText("where is my parcel", "shipping"), row);
    }

    [Fact]
    public void A_missing_column_is_named_with_the_columns_the_header_has()
    {
        var path = Write("utterance,intent\nhello,greet\n", name: "intents.csv");

        var error = Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(path));

        Assert.Contains("intents.csv", error.Message);
        Assert.Contains("no column 'text'", error.Message);
        Assert.Contains("utterance, intent", error.Message);
    }

    [Fact]
    public void An_unterminated_quote_is_reported_on_the_line_its_record_starts_after_multi_line_records()
    {
        // Lines: 1 header, 2-4 a three-line record, 5 a plain record, 6 the broken one.
        var path = Write("text,label\n\"one\ntwo\nthree\",a\nfine,b\n\"never closed,c\nmore text\n", name: "broken.csv");

        var error = Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(path));

        Assert.Contains("broken.csv", error.Message);
        Assert.Contains("line 6", error.Message);
    }

    [Fact]
    public void An_empty_label_is_reported_with_its_line_number_and_an_empty_text_is_kept()
    {
        var path = Write("text,label\n\"multi\nline\",a\n,b\nno label here,\n", name: "labels.csv");

        var error = Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(path));

        Assert.Contains("labels.csv: line 5", error.Message);
        Assert.Contains("label", error.Message);
        var withoutBadRow = Write("text,label\n\"multi\nline\",a\n,b\n", name: "ok.csv");
        Assert.Equal(new LabeledText("", "b"), LabeledCsv.Read(withoutBadRow)[1]);
    }

    [Fact]
    public void A_record_with_the_wrong_number_of_fields_is_reported_with_its_line_number()
    {
        var path = Write("text,label\n\"a\nb\",x\nthree,fields,here\n", name: "fields.csv");

        var error = Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(path));

        Assert.Contains("fields.csv: line 4", error.Message);
    }

    [Fact]
    public void A_stray_quote_inside_an_unquoted_field_is_text_but_text_after_a_closing_quote_is_an_error()
    {
        var stray = Write("text,label\nmy 27\" screen is dark,display\n");
        Assert.Equal("my 27\" screen is dark", Assert.Single(LabeledCsv.Read(stray)).Text);

        var path = Write("text,label\nok,a\n\"quoted\" then more,b\n", name: "after.csv");
        var error = Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(path));
        Assert.Contains("after.csv: line 3", error.Message);
    }

    [Fact]
    public void Out_of_scope_files_may_lack_the_label_column()
    {
        var path = Write("text\nwhat is the weather on mars\n");

        var row = Assert.Single(LabeledCsv.Read(path, requireLabel: false));

        Assert.Equal(new LabeledText("what is the weather on mars", ""), row);
    }

    [Fact]
    public void A_missing_file_and_an_empty_file_are_reported_by_name()
    {
        var missing = Path.Combine(_folder.FullName, "nope.csv");
        Assert.Contains("nope.csv: file not found", Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(missing)).Message);

        var empty = Write("", name: "empty.csv");
        Assert.Contains("empty.csv", Assert.Throws<LabeledCsvException>(() => LabeledCsv.Read(empty)).Message);
    }

    [Fact]
    public void Written_tables_read_back_identically()
    {
        var source = LabeledCsv.ReadTable(Write("text,label,tags\n\"a, \"\"b\"\"\nc\",x,-1\n=sum,y,\n 空格 ,z,t\n"));
        var copy = Path.Combine(_folder.FullName, "copy.csv");

        LabeledCsv.Write(copy, source.Header, source.Rows);
        var back = LabeledCsv.ReadTable(copy);

        Assert.Equal(source.Header, back.Header);
        Assert.Equal(source.Rows.Select(r => r.Fields), back.Rows.Select(r => r.Fields));
    }
}
