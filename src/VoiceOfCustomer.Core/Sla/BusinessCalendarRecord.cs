using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Sla;

/// <summary>
/// A stored business-hours calendar (reference data from <c>seed/calendars.json</c>, editable by Admins).
/// A segment policy names one by <see cref="Key"/>; <see cref="BusinessCalendar"/> does the arithmetic.
/// </summary>
public sealed class BusinessCalendarRecord
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }

    /// <summary>IANA time zone id, e.g. <c>Asia/Shanghai</c>.</summary>
    public required string TimeZoneId { get; set; }

    /// <summary>Weekly working intervals as JSON: <c>[{"day":"Monday","start":"09:00","end":"18:00"}]</c>.</summary>
    public required string HoursJson { get; set; }

    /// <summary>Holidays as a JSON array of dates: <c>["2026-10-01"]</c>.</summary>
    public required string HolidaysJson { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class BusinessCalendarRecordConfiguration : IEntityTypeConfiguration<BusinessCalendarRecord>
{
    public void Configure(EntityTypeBuilder<BusinessCalendarRecord> builder)
    {
        builder.Property(c => c.Key).HasMaxLength(64);
        builder.Property(c => c.Name).HasMaxLength(200);
        builder.Property(c => c.TimeZoneId).HasMaxLength(100);
        builder.Property(c => c.HoursJson).HasMaxLength(8000);
        builder.Property(c => c.HolidaysJson).HasMaxLength(16000);
        builder.HasIndex(c => c.Key).IsUnique();
    }
}
