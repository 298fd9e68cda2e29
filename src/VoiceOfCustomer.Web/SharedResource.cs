namespace VoiceOfCustomer.Web;

/// <summary>
/// Marker for the UI's one string table: views use <c>@T["English text"]</c> (injected in _ViewImports), and
/// <c>Resources/SharedResource.zh-CN.resx</c> holds the Simplified Chinese. A missing entry shows the English.
/// </summary>
public sealed class SharedResource;
