namespace VoiceOfCustomer.Segments;

/// <summary>The quarter a success path's behaviour targets belong to, written as targets are (<c>2026Q3</c>).</summary>
public static class SuccessPaths
{
    /// <summary>The quarter <paramref name="utc"/> falls in, on the organisation's calendar (its time zone).</summary>
    public static string QuarterOf(DateTime utc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return $"{local.Year}Q{(local.Month - 1) / 3 + 1}";
    }
}
