using Microsoft.AspNetCore.Identity;

namespace VoiceOfCustomer.Identity;

public sealed class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }

    /// <summary><c>en</c> or <c>zh-CN</c>; null follows the browser's language.</summary>
    public string? PreferredLanguage { get; set; }
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
