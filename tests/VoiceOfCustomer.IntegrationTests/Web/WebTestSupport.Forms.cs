using System.Text.RegularExpressions;

namespace VoiceOfCustomer.IntegrationTests.Web;

public static partial class WebTestSupport
{
    /// <summary>
    /// Submits the form whose action is <paramref name="action"/> as a browser would: GET the page, take the token from
    /// inside that very form (so a form rendered without its token fails here), POST the fields.
    /// </summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(HttpClient client, string pagePath, string action, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(pagePath);
        var form = Regex.Match(page, "<form[^>]*action=\"" + Regex.Escape(action) + "\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"{pagePath} has no form posting to {action}.");
        var all = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(form.Groups[1].Value) };
        return await client.PostAsync(action, new FormUrlEncodedContent(all));
    }

    /// <summary>Rows of a page's tables that carry an id (any kind of id).</summary>
    public static int RowCount(string html) => Regex.Matches(html, "<tr data-id=\"").Count;

    /// <summary>The path and query of the first link to <paramref name="path"/> in a mail's text, whatever host it names.</summary>
    public static string LinkIn(string text, string path)
    {
        var match = Regex.Match(text, "https?://[^/\\s]+(" + Regex.Escape(path) + "[^\\s\"<]*)");
        Assert.True(match.Success, $"No link to {path} in: {text}");
        return match.Groups[1].Value;
    }
}
