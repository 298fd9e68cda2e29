using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace VoiceOfCustomer.Data;

/// <summary>Stores instants as UTC and gives them back with <see cref="DateTimeKind.Utc"/>, whatever the provider keeps.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
