using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Intake;
using VoiceOfCustomer.Web.Features.Account;
using VoiceOfCustomer.Web.Infrastructure;

namespace VoiceOfCustomer.Web.Features.Users;

/// <summary>Admins manage who may sign in: the list, invitations, and each person's role, state and password link.</summary>
[Authorize(Roles = Roles.Admin)]
[Route("admin/users")]
public sealed class UsersController(UserAdministration admin, UserManager<AppUser> users, IStringLocalizer<SharedResource> t) : Controller
{
    internal const string FlashKey = "UsersFlash";

    [HttpGet("")]
    public async Task<IActionResult> Index(int? page, CancellationToken cancellationToken) =>
        await IndexViewAsync(page ?? 1, new InviteInput { Language = VocCultures.UiIsChinese ? VocCultures.Chinese : VocCultures.English }, [], cancellationToken);

    [HttpPost("invite")]
    public async Task<IActionResult> Invite([FromForm] InviteInput input, CancellationToken cancellationToken)
    {
        var result = await admin.InviteAsync(input, UserDisplay.Name(User), cancellationToken);
        if (result.Outcome != UserAdminOutcome.Saved)
            return await IndexViewAsync(1, input, result.Errors, cancellationToken);
        TempData[FlashKey] = t["{0} was invited: the invitation mail is in the outbox and goes out within a minute.", input.Email!.Trim()].Value;
        return Redirect($"/admin/users/{Uri.EscapeDataString(result.UserId!)}");
    }

    [HttpGet("{id}")]
    public async Task<IActionResult> Details(string id, CancellationToken cancellationToken) =>
        await DetailsViewAsync(id, [], cancellationToken);

    [HttpPost("{id}/role")]
    public async Task<IActionResult> ChangeRole(string id, [FromForm] string? role, CancellationToken cancellationToken) =>
        await AfterAsync(id, await admin.ChangeRoleAsync(id, role, users.GetUserId(User)!, cancellationToken),
            "The role was saved; it takes effect at the person's next page.", cancellationToken);

    [HttpPost("{id}/deactivate")]
    public async Task<IActionResult> Deactivate(string id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await admin.DeactivateAsync(id, users.GetUserId(User)!, cancellationToken),
            "The account is deactivated: it cannot sign in, and an open session ends within a minute.", cancellationToken);

    [HttpPost("{id}/reactivate")]
    public async Task<IActionResult> Reactivate(string id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await admin.ReactivateAsync(id, users.GetUserId(User)!, cancellationToken),
            "The account is active again and can sign in.", cancellationToken);

    [HttpPost("{id}/password-link")]
    public async Task<IActionResult> SendPasswordLink(string id, CancellationToken cancellationToken) =>
        await AfterAsync(id, await admin.SendPasswordLinkAsync(id, UserDisplay.Name(User), cancellationToken),
            "A mail with a link to set a new password is in the outbox and goes out within a minute.", cancellationToken);

    private async Task<IActionResult> AfterAsync(string id, UserAdminResult result, string savedMessage, CancellationToken cancellationToken)
    {
        switch (result.Outcome)
        {
            case UserAdminOutcome.Saved:
                TempData[FlashKey] = t[savedMessage].Value;
                return Redirect($"/admin/users/{Uri.EscapeDataString(id)}");
            case UserAdminOutcome.NotFound:
                return NotFound();
            default:
                return await DetailsViewAsync(id, result.Errors, cancellationToken);
        }
    }

    private async Task<IActionResult> IndexViewAsync(int page, InviteInput input, IReadOnlyList<FieldError> errors, CancellationToken cancellationToken)
    {
        if (errors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("Index", new UserListViewModel
        {
            Page = await admin.ListAsync(page, cancellationToken),
            CurrentUserId = users.GetUserId(User),
            Invite = input,
            Errors = Localize(errors),
        });
    }

    private async Task<IActionResult> DetailsViewAsync(string id, IReadOnlyList<FieldError> errors, CancellationToken cancellationToken)
    {
        var user = await admin.GetAsync(id, cancellationToken);
        if (user is null)
            return NotFound();
        if (errors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("Details", new UserDetailsViewModel
        {
            User = user,
            IsCurrentUser = user.Id == users.GetUserId(User),
            Errors = Localize(errors),
        });
    }

    private Dictionary<string, string> Localize(IEnumerable<FieldError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(t.Localize)), StringComparer.OrdinalIgnoreCase);
}

public sealed class UserListViewModel
{
    public required UserPage Page { get; init; }
    public string? CurrentUserId { get; init; }
    public required InviteInput Invite { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;
}

public sealed class UserDetailsViewModel
{
    public required UserSummary User { get; init; }
    public bool IsCurrentUser { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;
}

public static class UserLabels
{
    /// <summary>English labels, passed through the localizer by the views (the one label table: <see cref="Labels"/>).</summary>
    public static string State(UserState state) => Labels.Of(state);

    public static string Language(string? culture) => VocCultures.Normalize(culture) switch
    {
        VocCultures.Chinese => "简体中文",
        VocCultures.English => "English",
        _ => "Follow the browser",
    };
}
