using VoiceOfCustomer.Suggestions.Llm;

namespace VoiceOfCustomer.UnitTests.Suggestions.Llm;

public sealed class ContactMaskerTests
{
    [Theory]
    [InlineData("Write to jane.doe+voc@acme-retail.example.com today.", "Write to [email] today.")]
    [InlineData("邮箱wang.li@acme.cn谢谢", "邮箱[email]谢谢")]
    [InlineData("Call +86 138 1234 5678 or (555) 123-4567.", "Call [phone] or [phone].")]
    [InlineData("电话13812345678，或者 010-8888 6666", "电话[phone]，或者 [phone]")]
    [InlineData("Reach me on +49 30 1234567 after 5.", "Reach me on [phone] after 5.")]
    [InlineData("Fax: 01.23.45.67.89", "Fax: [phone]")]
    [InlineData("Both: ops@acme.example / +1 (212) 555-0100", "Both: [email] / [phone]")]
    public void E_mail_addresses_and_phone_numbers_are_masked(string text, string expected) =>
        Assert.Equal(expected, ContactMasker.Mask(text));

    [Theory]
    [InlineData("On 2026-05-04 the shelves ran empty.")]
    [InlineData("Since 2026-05-04 10 stores ran empty.")]
    [InlineData("We lost 1,250,000 yuan in week 18.")]
    [InlineData("Order ORD-2026-0001 for 12.5% more units, release 10.0.15.")]
    [InlineData("Ticket #4711, 3 stores, 20 minutes.")]
    [InlineData("The @mention in the chat and a lone @ sign.")]
    [InlineData("")]
    public void Dates_amounts_and_short_numbers_are_kept(string text) => Assert.Equal(text, ContactMasker.Mask(text));

    [Fact]
    public void Html_encoded_text_around_a_contact_keeps_its_entities()
    {
        // The filter masks the rendered prompt, where the template engine has already encoded the verbatim.
        Assert.Equal("&quot;[email]&quot; &amp; &#39;[phone]&#39;", ContactMasker.Mask("&quot;a@b.example&quot; &amp; &#39;13812345678&#39;"));
    }
}
