using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace VoiceOfCustomer.Identity;

public sealed class AppUser : IdentityUser
{
    public const int TimeZoneIdMaxLength = 64;

    public string? DisplayName { get; set; }

    /// <summary><c>en</c> or <c>zh-CN</c>; null follows the browser's language.</summary>
    public string? PreferredLanguage { get; set; }

    /// <summary>IANA time zone the pages show times in, e.g. <c>Asia/Shanghai</c>; null shows UTC.</summary>
    public string? TimeZoneId { get; set; }
}

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder) =>
        builder.Property(u => u.TimeZoneId).HasMaxLength(AppUser.TimeZoneIdMaxLength);
}

/// <summary>The four roles. Names are stored in Identity and used in <c>[Authorize(Roles = ...)]</c>.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Csm = "CSM";
    public const string ProductManager = "PM";
    public const string Leadership = "Leadership";

    public static readonly IReadOnlyList<string> All = [Admin, Csm, ProductManager, Leadership];
}
