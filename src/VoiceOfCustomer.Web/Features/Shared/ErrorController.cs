using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace VoiceOfCustomer.Web.Features.Shared;

/// <summary>
/// Friendly pages for the browser side of the app. The pipeline sends only non-<c>/api</c> requests here;
/// API callers keep getting problem details. Re-execution keeps the original method (a failed POST stays a POST),
/// so these actions take any method and skip anti-forgery.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class ErrorController : Controller
{
    [Route("error")]
    public IActionResult Error()
    {
        var feature = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        Response.StatusCode = StatusCodes.Status500InternalServerError;
        return View("Error", new ErrorViewModel(StatusCodes.Status500InternalServerError, HttpContext.TraceIdentifier, feature?.Path));
    }

    // The code is read from the route, not model-bound: binding a re-executed POST reads its form, and a body too large
    // to read made the code 0, shown as a 404.
    [Route("error/{code:int}")]
    public IActionResult Status()
    {
        var code = int.TryParse(RouteData.Values["code"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        // Only real error codes; "/error/200" typed by hand is shown as a 404.
        if (code is < 400 or > 599)
            code = StatusCodes.Status404NotFound;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        Response.StatusCode = code;
        return View("Error", new ErrorViewModel(code, HttpContext.TraceIdentifier, original?.OriginalPath));
    }
}

public sealed record ErrorViewModel(int StatusCode, string TraceId, string? Path)
{
    public (string Title, string Explanation) Text => StatusCode switch
    {
        400 => ("The request could not be used", "Something in the request was missing or not valid. If you submitted a form, the page may have been open for too long: go back, reload it and try again."),
        403 => ("You don't have access to that page", "Your role does not include this part of VoiceOfCustomer. Ask an administrator if you need it."),
        404 => ("Page not found", "There is nothing at this address. It may have moved, or the link may be mistyped."),
        405 => ("That action isn't available here", "The page exists but does not accept this kind of request."),
        413 => ("That upload is too large", "Try a smaller file or split it into several parts."),
        414 => ("That address is too long", "The link carries more than this server reads. Shorten the search text or the filters and try again."),
        431 => ("The request is too large", "Your browser sent more cookies or headers than this server reads. Clear this site's cookies and try again."),
        429 => ("Too many attempts", "Too many sign-in attempts came from your network in a short time, so sign-in is paused for a while."),
        >= 500 => ("Something went wrong on our side", "The error has been logged. Try again in a moment; if it keeps happening, give an administrator the reference below."),
        _ => ("The request could not be completed", "Go back and try again."),
    };
}
