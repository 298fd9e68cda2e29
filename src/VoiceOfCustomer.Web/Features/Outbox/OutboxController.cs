using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Outbox;

/// <summary>The e-mail outbox for Admins: what is waiting, sent or dead, and "retry".</summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/outbox")]
public sealed class OutboxController(OutboxAdmin outbox, IStringLocalizer<SharedResource> t) : Controller
{
    internal const string FlashKey = "OutboxFlash";
    internal const string FlashErrorKey = "OutboxFlashError";

    [HttpGet("")]
    public async Task<IActionResult> Index(string? state, long? before, CancellationToken cancellationToken)
    {
        // An unknown state in the address shows everything rather than an error page.
        OutboxEmailState? filter = Enum.TryParse<OutboxEmailState>(state, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
        var page = await outbox.ListAsync(filter, before is > 0 ? before : null, OutboxAdmin.DefaultPageSize, cancellationToken);
        return View(new OutboxPageViewModel(page, filter, before is > 0));
    }

    [HttpPost("{id:long}/retry")]
    public async Task<IActionResult> Retry(long id, string? state, CancellationToken cancellationToken)
    {
        if (await outbox.RetryAsync(id, cancellationToken))
            TempData[FlashKey] = t["Mail #{0} will be sent again shortly.", id].Value;
        else
            TempData[FlashErrorKey] = t["Mail #{0} was not retried: it was already sent or does not exist.", id].Value;
        return RedirectToIndex(state);
    }

    [HttpPost("retry-dead-letters")]
    public async Task<IActionResult> RetryDeadLetters(string? state, CancellationToken cancellationToken)
    {
        var count = await outbox.RetryAllDeadLettersAsync(cancellationToken);
        TempData[FlashKey] = count == 0
            ? t["There were no dead letters to retry."].Value
            : t["{0} dead letters will be sent again shortly.", count].Value;
        return RedirectToIndex(state);
    }

    private RedirectResult RedirectToIndex(string? state) =>
        Redirect(OutboxPageViewModel.StateNames.Contains(state ?? "", StringComparer.OrdinalIgnoreCase)
            ? $"/admin/outbox?state={Uri.EscapeDataString(state!)}"
            : "/admin/outbox");
}

public sealed record OutboxPageViewModel(OutboxPage Page, OutboxEmailState? State, bool IsLaterPage)
{
    public static readonly IReadOnlyList<string> StateNames = Enum.GetNames<OutboxEmailState>();

    public int Total => Page.Counts.Values.Sum();
}
