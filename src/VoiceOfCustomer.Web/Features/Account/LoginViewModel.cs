using System.ComponentModel.DataAnnotations;

namespace VoiceOfCustomer.Web.Features.Account;

public sealed class LoginViewModel
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(254)]
    [Display(Name = "Email")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(512)]
    [DataType(DataType.Password)]
    [Display(Name = "Password")]
    public string? Password { get; set; }

    [Display(Name = "Keep me signed in on this device")]
    public bool RememberMe { get; set; }

    public string? ReturnUrl { get; set; }
}

public sealed class SettingsViewModel
{
    /// <summary><c>en</c>, <c>zh-CN</c>, or null to follow the browser.</summary>
    public string? Language { get; init; }

    /// <summary>The IANA id chosen, or <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = Infrastructure.UserClock.Utc;

    /// <summary>Why the chosen time zone was refused; null when it was not.</summary>
    public string? TimeZoneError { get; init; }

    public bool Saved { get; init; }
}
