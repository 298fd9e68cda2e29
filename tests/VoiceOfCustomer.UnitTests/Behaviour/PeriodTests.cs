using VoiceOfCustomer.Behaviour;

namespace VoiceOfCustomer.UnitTests.Behaviour;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2026Q3", 2026, 7, 3, "2026Q3")]
    [InlineData("2026q1", 2026, 1, 3, "2026Q1")]
    [InlineData(" 2025Q4 ", 2025, 10, 3, "2025Q4")]
    [InlineData("2026-09", 2026, 9, 1, "2026-09")]
    [InlineData("2026-01", 2026, 1, 1, "2026-01")]
    public void Quarters_and_months_parse_to_their_first_day_and_length(string text, int year, int month, int months, string canonical)
    {
        var period = Period.Parse(text);
        Assert.Equal(new DateOnly(year, month, 1), period.Start);
        Assert.Equal(months, period.Months);
        Assert.Equal(canonical, period.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026Q5")]
    [InlineData("2026Q0")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-9")]
    [InlineData("26Q3")]
    [InlineData("Q3 2026")]
    [InlineData("1899Q4")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(Period.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Period.Parse(text!));
    }

    [Fact]
    public void A_quarter_ends_where_the_next_begins_and_a_month_knows_its_quarter()
    {
        var q4 = Period.Parse("2026Q4");
        Assert.Equal(new DateOnly(2027, 1, 1), q4.EndExclusive);
        Assert.Equal(new DateOnly(2026, 12, 31), q4.LastDay);
        Assert.Equal("2026Q3", Period.Parse("2026-09").Quarter.Text);
        Assert.Equal("2026Q3", Period.QuarterOf(new DateOnly(2026, 7, 1)).Text);
        Assert.Equal("2026Q2", Period.QuarterOf(new DateTime(2026, 6, 30, 23, 59, 59, DateTimeKind.Utc)).Text);
        Assert.Equal("2026-02", Period.MonthOf(new DateOnly(2026, 2, 28)).Text);
    }
}
