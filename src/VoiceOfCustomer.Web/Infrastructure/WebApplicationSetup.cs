using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Scalar.AspNetCore;
using VoiceOfCustomer.Data;
using VoiceOfCustomer.Identity;
using VoiceOfCustomer.Suggestions;
using VoiceOfCustomer.Suggestions.Llm;
using VoiceOfCustomer.Web.Features.Account;
using VoiceOfCustomer.Web.Features.Import;
using VoiceOfCustomer.Web.Features.Intake;
using VoiceOfCustomer.Web.Features.Shared;
using VoiceOfCustomer.Web.Features.Suggestions;
using VoiceOfCustomer.Web.Features.Tasks;
using VoiceOfCustomer.Web.Features.Users;
using VoiceOfCustomer.Web.Features.Workflows;
using VoiceOfCustomer.Web.Infrastructure;
using VoiceOfCustomer.Workflows.Email;
using VoiceOfCustomer.Workflows.Definitions;

namespace VoiceOfCustomer.Web;

/// <summary>Service registration and the request pipeline, kept out of Program.cs so tests and tools can reuse them.</summary>
public static class WebApplicationSetup
{
    public static WebApplicationBuilder AddVocWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.SectionName))
            .Validate(o => o.MaxUrlLength is >= 1024 and <= 1024 * 1024 && o.MaxRequestHeadersBytes is >= 4096 and <= 1024 * 1024,
                "Web:MaxUrlLength must be between 1,024 and 1,048,576, Web:MaxRequestHeadersBytes between 4,096 and 1,048,576.")
            .ValidateOnStart();
        var web = configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = web.MaxRequestBodyBytes;
            RequestLimitsMiddleware.RaiseKestrelLimits(kestrel.Limits, web);
        });
        builder.AddVocSecurityHeaders();

        services.AddVocCore(configuration);
        services.AddVocSuggestions(configuration);
        Value.CustomerValueServiceCollectionExtensions.AddVocCustomerValueRefit(services);
        // Optional: off until Suggestions:Llm is enabled and configured; its loop then runs in every web instance (the budget is shared).
        services.AddVocLlmSuggestions(configuration);
        // The workflow dispatcher runs in every web instance; claims keep them from doing the same work twice.
        services.AddHostedService(sp => sp.GetRequiredService<Workflows.Runtime.WorkflowDispatcher<Data.VocDbContext>>());
        services.AddHostedService<Segments.SegmentReevaluationService>();

        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<BadRequestExceptionHandler>();

        // The OpenAPI document describes types with the minimal-API JSON options, so they get the same settings.
        services.ConfigureHttpJsonOptions(options => ConfigureApiJson(options.SerializerOptions));
        services.AddControllersWithViews(options => options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute()))
            .AddJsonOptions(options => ConfigureApiJson(options.JsonSerializerOptions))
            .ConfigureApiBehaviorOptions(options => options.InvalidModelStateResponseFactory = ProblemDetailsSetup.InvalidModelState)
            // Validation messages and display names come from the one shared string table (keys are the English text).
            .AddDataAnnotationsLocalization(options =>
                options.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(SharedResource)));
        services.Configure<Microsoft.AspNetCore.Mvc.Razor.RazorViewEngineOptions>(options =>
            options.ViewLocationExpanders.Add(new FeatureViewLocationExpander()));

        services.AddIdentity<AppUser, IdentityRole>(options =>
            {
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<VocDbContext>()
            .AddDefaultTokenProviders();
        services.AddUsersFeature(configuration);
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/account/login";
            options.LogoutPath = "/account/logout";
            options.AccessDeniedPath = "/account/denied";
            options.Cookie.Name = "voc.auth";
            options.Cookie.SameSite = SameSiteMode.Lax;
            // API callers get a status code, not a redirect to the sign-in page.
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "voc.csrf";
            // Like the session cookie: Secure whenever the request came over HTTPS (its default is never).
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.HeaderName = ApiRequestGuardMiddleware.TokenHeader;
        });
        // MVC's cookie for a flash message on the next page: the same (its default is never Secure either).
        services.Configure<CookieTempDataProviderOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddVocLocalization();
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddVocPolicies();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();

        services.AddHealthChecks().AddDbContextCheck<VocDbContext>("database");
        services.AddOpenApi(options => options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);

        services.AddIntakeApi(configuration);
        services.AddImportFeature(configuration);
        services.AddAccountFeature(configuration);
        services.AddWebPages();
        services.AddSuggestionsAdmin();
        services.AddWorkflowsAdmin();
        services.AddTasksFeature();
        services.AddVocOutboxDelivery(configuration);
        return builder;
    }

    /// <summary>Migrates the database, publishes the workflow definitions, loads the reference data and, in Development, fills an empty database with the demo organisation.</summary>
    public static async Task InitializeVocAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync();
        // An invalid workflow file stops start-up here, its message naming the file, line and field. Before the demo:
        // its history runs through the SLA workflow.
        await scope.ServiceProvider.GetRequiredService<WorkflowDefinitionCatalog>().InitializeAsync(scope.ServiceProvider.GetRequiredService<VocDbContext>());
        await DemoEnvironment.PrepareAsync(app, scope.ServiceProvider);
        // After the seed (and the demo): segments computed from the rules, open SLA clocks told of any move.
        if (scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Segments.SegmentRuleOptions>>().Value.EvaluateOnStart)
            await scope.ServiceProvider.GetRequiredService<Segments.SegmentRuleEvaluator>().EvaluateAllAsync(Segments.SegmentRuleEvaluator.RulesReason);
    }

    public static WebApplication UseVocPipeline(this WebApplication app)
    {
        app.UseVocSecurityHeaders();
        app.UseMiddleware<ServerTimingMiddleware>();
        app.UseExceptionHandler();
        // Browser pages get friendly HTML error pages; /api keeps RFC 9457 problem details for every error.
        app.UseWhen(context => !IsApiRequest(context), pages =>
        {
            pages.UseExceptionHandler("/error");
            pages.UseStatusCodePagesWithReExecute("/error/{0}");
        });
        app.UseWhen(IsApiRequest, api => api.UseStatusCodePages());
        // Inside the status-code pages, so an over-long URL on a page gets the error page.
        app.UseMiddleware<RequestLimitsMiddleware>();
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseStaticFiles();
        app.UseRouting();
        // After routing: the sign-in limit is an endpoint policy (SignInRateLimit).
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseApiRequestGuard();
        // After authentication so the user's saved language (a claim) is known. /api stays English: problem details
        // and validation messages there are a contract, not UI.
        app.UseWhen(context => !IsApiRequest(context), pages => pages.UseRequestLocalization());

        app.MapHealthChecks("/health");
        app.MapOpenApi("/openapi/{documentName}.json");
        // A readable API reference over the same document. Its script is embedded in the Scalar.AspNetCore package and
        // served from here, so nothing is fetched from a CDN; no web fonts, no telemetry.
        app.MapScalarApiReference("/api-docs", options => options
            .WithTitle("VoiceOfCustomer API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .AddPreferredSecuritySchemes([ApiKeyAuthenticationHandler.SchemeName]));
        app.MapControllers();
        app.MapDefaultControllerRoute();
        return app;
    }

    /// <summary>
    /// The API's JSON: camelCase (the web defaults), enums as lower-case kebab both ways, nulls left out. Numbers are JSON
    /// numbers only: the web defaults would also read <c>"3"</c>, so an id could arrive in two shapes; one rule for every
    /// id and number field, and <c>"metricId": "3"</c> is a 400 naming the field (docs/api.md, "Values").
    /// </summary>
    private static void ConfigureApiJson(JsonSerializerOptions options)
    {
        options.Converters.Add(EnumNames.Converter());
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    internal static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        // The API-key scheme is challenged first and may already have written its 401/403 problem details.
        if (context.Response.HasStarted)
            return Task.CompletedTask;
        if (IsApiRequest(context.HttpContext))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
