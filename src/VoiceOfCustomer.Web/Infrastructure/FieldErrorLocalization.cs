using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Intake;

namespace VoiceOfCustomer.Web.Infrastructure;

public static class FieldErrorLocalization
{
    /// <summary>The error in the UI's language: its template with the values filled in, or the plain message as the key.</summary>
    public static string Localize(this IStringLocalizer localizer, FieldError error) =>
        error.Template is { } template ? localizer[template, [.. error.Args.Select(arg => arg ?? "")]].Value : localizer[error.Message].Value;
}
