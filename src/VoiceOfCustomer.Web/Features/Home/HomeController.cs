using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace VoiceOfCustomer.Web.Features.Home;

[Authorize]
public sealed class HomeController : Controller
{
    public IActionResult Index() => RedirectToAction("Index", "Feedback");
}
