using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Flows;
using VoiceOfCustomer.Workflows.Persistence;

namespace VoiceOfCustomer.Web.Features.Tasks;

public static class TasksSetup
{
    /// <summary>My tasks, the task API and the e-mail link's pages.</summary>
    public static IServiceCollection AddTasksFeature(this IServiceCollection services)
    {
        services.AddScoped<TaskCards>();
        // After the signed-in user's preference, before the cookie and the browser's languages.
        services.Configure<RequestLocalizationOptions>(options => options.RequestCultureProviders.Insert(1, new TaskLinkCultureProvider()));
        return services;
    }
}

/// <summary>
/// An e-mail link's page speaks the language its mail was written in (the task's <c>Language</c>), since an outside
/// reviewer has no account to hold a preference: unless <c>?culture=</c> or the culture cookie (the page's English / 中文
/// switch) chose one. Only for <c>/task-link/…</c>; a token that does not check out leaves the choice to the next provider.
/// </summary>
public sealed class TaskLinkCultureProvider : RequestCultureProvider
{
    private static readonly NormalizingCookieCultureProvider Cookie = new();

    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        if (!httpContext.Request.Path.StartsWithSegments("/task-link", out var rest))
            return null;
        if (VocCultures.Result(httpContext.Request.Query["culture"]) is { } asked)
            return asked;
        if (await Cookie.DetermineProviderCultureResult(httpContext) is not null)
            return null;
        var services = httpContext.RequestServices;
        if (services.GetRequiredService<TaskLinks>().Read(rest.Value?.Trim('/')) is not { } claim)
            return null;
        var language = await services.GetRequiredService<VocDbContext>().Set<WorkflowTask>().AsNoTracking()
            .Where(t => t.Id == claim.TaskId).Select(t => t.Language).FirstOrDefaultAsync(httpContext.RequestAborted);
        return VocCultures.Result(language);
    }
}
