using System.Text.Json;
using System.Text.Json.Serialization;

namespace VoiceOfCustomer.Data;

/// <summary>
/// How enum values are spelled outside the code (the API, the audit trail): lower-case kebab, <c>in-progress</c>.
/// Reading also takes the C# name (<c>InProgress</c>), in any case, so older clients and stored rows keep working;
/// never a number, which is not part of any contract.
/// </summary>
public static class EnumNames
{
    public static readonly JsonNamingPolicy Policy = JsonNamingPolicy.KebabCaseLower;

    /// <summary>The System.Text.Json converter that writes and reads these names.</summary>
    public static JsonStringEnumConverter Converter() => new(Policy, allowIntegerValues: false);

    public static string Of<T>(T value) where T : struct, Enum => Policy.ConvertName(value.ToString());

    public static IReadOnlyList<string> All<T>() where T : struct, Enum => All(typeof(T));

    public static IReadOnlyList<string> All(Type enumType) => [.. Enum.GetNames(enumType).Select(Policy.ConvertName)];

    /// <summary>The value named by <paramref name="text"/> (kebab or C# name, any case), or null.</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        var name = Enum.GetNames<T>().FirstOrDefault(n =>
            string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase) || string.Equals(Policy.ConvertName(n), trimmed, StringComparison.OrdinalIgnoreCase));
        return name is null ? null : Enum.Parse<T>(name);
    }
}
