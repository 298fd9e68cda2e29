using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceOfCustomer.Segments;

/// <summary>When segment rules run besides a rule's save and the callers after a fit or an import. Bound from <c>Segments</c>.</summary>
public sealed class SegmentRuleOptions
{
    public const string SectionName = "Segments";

    /// <summary>Evaluate every rule when the web app starts, after the reference data (and the demo) are loaded.</summary>
    public bool EvaluateOnStart { get; set; } = true;

    /// <summary>
    /// How often every web instance re-evaluates the rules in the background, for what moves without an event (tenure, newly
    /// posted measurements); <c>00:00:00</c> turns it off.
    /// </summary>
    public TimeSpan ReevaluateInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Re-evaluates the segment rules every <see cref="SegmentRuleOptions.ReevaluateInterval"/> (first one interval after the start).</summary>
public sealed partial class SegmentReevaluationService(IServiceScopeFactory scopes, IOptions<SegmentRuleOptions> options, TimeProvider time,
    ILogger<SegmentReevaluationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReevaluateInterval;
        if (interval <= TimeSpan.Zero)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<SegmentRuleEvaluator>().EvaluateAllAsync(SegmentRuleEvaluator.RulesReason, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The segments stay as the last evaluation left them; the next pass tries again.
                LogPassFailed(error);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Periodic segment-rule evaluation failed")]
    private partial void LogPassFailed(Exception error);
}

public static class SegmentServiceCollectionExtensions
{
    public static IServiceCollection AddVocSegments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SegmentRuleOptions>().Bind(configuration.GetSection(SegmentRuleOptions.SectionName))
            .Validate(o => o.ReevaluateInterval >= TimeSpan.Zero, "Segments:ReevaluateInterval must not be negative (00:00:00 turns it off).")
            .ValidateOnStart();
        services.AddScoped<SegmentRuleEvaluator>();
        services.AddScoped<SegmentPolicyService>();
        services.AddScoped<Behaviour.BehaviourMetricEditor>();
        return services;
    }
}
