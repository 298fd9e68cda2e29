using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.UnitTests.Intake;

public sealed class FeedbackCursorTests
{
    [Fact]
    public void A_cursor_round_trips_through_its_encoding()
    {
        var cursor = new FeedbackCursor(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(7), 123456789);
        Assert.True(FeedbackCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.ReceivedAt.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("MTIz")] // "123": no id part
    [InlineData("LTEuNQ")] // "-1.5": negative ticks
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OS4x")] // ticks beyond DateTime.MaxValue
    public void Garbage_is_refused_not_thrown(string value) => Assert.False(FeedbackCursor.TryDecode(value, out _));
}
