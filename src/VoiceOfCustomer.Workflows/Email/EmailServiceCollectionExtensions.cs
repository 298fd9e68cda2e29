using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Workflows.Definitions;
using VoiceOfCustomer.Workflows.Runtime;

namespace VoiceOfCustomer.Workflows.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Options, templates, the sender (SMTP through MailKit when <c>Email:Smtp:Host</c> is set, else .eml files in the pickup folder),
    /// the outbox sender (not as a hosted service: see <see cref="AddVocOutboxDelivery"/>) and the admin service.
    /// </summary>
    /// <param name="dataRoot">The checkout's root (or the published app's folder): relative folders are resolved against it.</param>
    public static IServiceCollection AddVocEmail<TContext>(this IServiceCollection services, IConfiguration configuration, string dataRoot)
        where TContext : DbContext
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>());

        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<EmailOptions>>().Value.PickupDirectory;
            return new EmailPickupDirectory(Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Path.Combine("data", "mail") : configured, dataRoot));
        });
        services.AddSingleton<IEmailSender>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp.Host)
                ? ActivatorUtilities.CreateInstance<PickupDirectoryEmailSender>(sp)
                : ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp));

        // Templates live in the definitions' folder, found the same way the definition catalog finds it.
        services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.SectionName));
        services.AddSingleton(sp => new EmailTemplates(
            Path.Combine(WorkflowDefinitionCatalog.ResolveDirectory(sp.GetRequiredService<IOptions<WorkflowOptions>>().Value), "templates"),
            sp.GetRequiredService<IOptions<EmailOptions>>().Value.DefaultLanguage));
        services.AddSingleton<IEmailTemplates>(sp => sp.GetRequiredService<EmailTemplates>());

        services.AddSingleton(new EmailDbContextResolver(sp => sp.GetRequiredService<TContext>()));
        services.AddSingleton<OutboxSender>();
        services.AddScoped(sp => new OutboxAdmin(sp.GetRequiredService<TContext>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Runs the outbox sender in this process unless <c>Email:Outbox:Enabled</c> is false (the web app calls this; the CLI does not).</summary>
    public static IServiceCollection AddVocOutboxDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue($"{EmailOptions.SectionName}:Outbox:Enabled", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OutboxSender>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, SmtpPasswordValidator>());
        }
        return services;
    }
}
