using System.Text.Json;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.UnitTests.Intake;

public sealed class FeedbackValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static FeedbackSubmission Valid() => new()
    {
        Channel = "support",
        ExternalId = "T-1",
        Customer = "ACME-1",
        Verbatim = "The replenishment screen times out.",
        ReceivedAt = Now.AddHours(-1),
    };

    private static IEnumerable<string> Fields(FeedbackSubmission submission) => FeedbackValidator.Validate(submission, Now).Select(e => e.Field);

    [Fact]
    public void A_complete_submission_has_no_errors() => Assert.Empty(FeedbackValidator.Validate(Valid(), Now));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \t\n")]
    public void Missing_or_blank_verbatim_is_named(string? verbatim) =>
        Assert.Equal(["verbatim"], Fields(Valid() with { Verbatim = verbatim }));

    [Fact]
    public void Verbatim_of_20000_characters_is_accepted_and_one_more_is_refused()
    {
        Assert.Empty(Fields(Valid() with { Verbatim = new string('字', 20_000) }));
        Assert.Equal(["verbatim"], Fields(Valid() with { Verbatim = new string('x', 20_001) }));
    }

    [Fact]
    public void ReceivedAt_up_to_five_minutes_ahead_is_clock_skew_and_beyond_is_refused()
    {
        Assert.Empty(Fields(Valid() with { ReceivedAt = Now.AddMinutes(5) }));
        Assert.Equal(["receivedAt"], Fields(Valid() with { ReceivedAt = Now.AddMinutes(5).AddSeconds(1) }));
    }

    [Fact]
    public void ReceivedAt_before_the_earliest_date_is_refused_and_the_window_is_configurable()
    {
        var window = new IntakeOptions { EarliestReceivedAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), AllowedClockSkew = TimeSpan.Zero };
        Assert.Equal(["receivedAt"], Fields(Valid() with { ReceivedAt = new DateTimeOffset(1978, 1, 11, 21, 31, 40, TimeSpan.Zero) }));
        Assert.Empty(Fields(Valid() with { ReceivedAt = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero) }));
        Assert.Equal(["receivedAt"], FeedbackValidator.Validate(Valid() with { ReceivedAt = new DateTimeOffset(2019, 12, 31, 0, 0, 0, TimeSpan.Zero) }, Now, window).Select(e => e.Field));
        Assert.Equal(["receivedAt"], FeedbackValidator.Validate(Valid() with { ReceivedAt = Now.AddSeconds(1) }, Now, window).Select(e => e.Field));
    }

    [Fact]
    public void U0000_in_a_text_field_is_named()
    {
        var submission = Valid() with { Verbatim = "a\0b", Contact = new ContactSubmission { Name = "Li\0Lei" } };
        Assert.Equal(["verbatim", "contact.name"], Fields(submission));
    }

    [Fact]
    public void Metadata_holding_a_lone_surrogate_or_bytes_that_are_not_UTF8_is_named()
    {
        var surrogate = JsonDocument.Parse("""{"note":{"list":["fine","\ud800"]}}""").RootElement;
        var bytes = JsonDocument.Parse((byte[])[.. "{\"a\":\""u8, 0xFF, .. "\"}"u8]).RootElement;
        Assert.Equal(["metadata"], Fields(Valid() with { Metadata = surrogate }));
        Assert.Equal("$.note.list[1]", FeedbackValidator.FirstInvalidText(surrogate));
        Assert.Equal(["metadata"], Fields(Valid() with { Metadata = bytes }));
    }

    [Fact]
    public void Metadata_must_be_an_object_of_at_most_16_KB()
    {
        var small = JsonDocument.Parse("""{"priority":"high"}""").RootElement;
        var array = JsonDocument.Parse("[1,2]").RootElement;
        var large = JsonDocument.Parse($$"""{"blob":"{{new string('a', 16 * 1024)}}"}""").RootElement;
        Assert.Empty(Fields(Valid() with { Metadata = small }));
        Assert.Equal(["metadata"], Fields(Valid() with { Metadata = array }));
        Assert.Equal(["metadata"], Fields(Valid() with { Metadata = large }));
    }

    [Fact]
    public void Every_missing_required_field_is_named_at_once()
    {
        var errors = Fields(new FeedbackSubmission()).ToList();
        Assert.Equal(["channel", "customer", "verbatim"], errors);
    }

    [Theory]
    [InlineData("not-an-email", "contact.email")]
    [InlineData("owner", "contact.role")]
    public void Contact_fields_are_checked(string value, string field)
    {
        var contact = field == "contact.email"
            ? new ContactSubmission { Name = "Li Lei", Email = value }
            : new ContactSubmission { Name = "Li Lei", Role = value };
        Assert.Equal([field], Fields(Valid() with { Contact = contact }));
    }

    [Theory]
    [InlineData("en", true)]
    [InlineData("zh-CN", true)]
    [InlineData("zh-Hans-CN", true)]
    [InlineData("english", false)]
    [InlineData("e", false)]
    [InlineData("<script>", false)]
    public void Language_must_be_a_BCP47_tag(string language, bool valid) =>
        Assert.Equal(valid, !Fields(Valid() with { Language = language }).Any());

    [Theory]
    [InlineData("门店补货总是延迟", "zh")]
    [InlineData("Replenishment is always late", "en")]
    [InlineData("The 补货 screen is slow", "zh")]
    public void Language_is_detected_from_the_script(string text, string expected) =>
        Assert.Equal(expected, FeedbackValidator.DetectLanguage(text));

    [Fact]
    public void Derived_external_id_is_stable_and_content_sensitive()
    {
        var first = FeedbackIntakeService.DeriveExternalId(Valid() with { ExternalId = null });
        Assert.Equal(first, FeedbackIntakeService.DeriveExternalId(Valid() with { ExternalId = null }));
        Assert.NotEqual(first, FeedbackIntakeService.DeriveExternalId(Valid() with { ExternalId = null, Verbatim = "other" }));
        Assert.StartsWith("sha256:", first);
    }
}
