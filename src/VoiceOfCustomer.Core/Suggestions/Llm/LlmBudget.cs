using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VoiceOfCustomer.Data;

namespace VoiceOfCustomer.Suggestions.Llm;

/// <summary>
/// The daily call budget, held in the database so it binds every app instance: a call is reserved with a conditional
/// update (<c>Calls = Calls + 1 WHERE Calls &lt; budget</c>) before it is made, so two instances can never both take the last one.
/// </summary>
public sealed class LlmBudget(IDbContextFactory<VocDbContext> contexts, IOptionsMonitor<LlmSuggestionOptions> options, TimeProvider time)
{
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Reserves one call for today; false when today's budget is spent.</summary>
    public async Task<bool> TryReserveAsync(CancellationToken cancellationToken = default)
    {
        var day = Today;
        var budget = options.CurrentValue.DailyCallBudget;
        await EnsureDayAsync(day, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var reserved = await db.LlmDailyUsage
            .Where(u => u.Day == day && u.Calls < budget)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.Calls, u => u.Calls + 1), cancellationToken);
        return reserved == 1;
    }

    public async Task<int> CallsTodayAsync(CancellationToken cancellationToken = default)
    {
        var day = Today;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LlmDailyUsage.Where(u => u.Day == day).Select(u => u.Calls).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task EnsureDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.LlmDailyUsage.AnyAsync(u => u.Day == day, cancellationToken))
            return;
        db.LlmDailyUsage.Add(new LlmDailyUsage { Day = day });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance inserted today's row first; the conditional update counts against it. Any other failure rethrows.
            await using var check = await contexts.CreateDbContextAsync(cancellationToken);
            if (!await check.LlmDailyUsage.AnyAsync(u => u.Day == day, cancellationToken))
                throw;
        }
    }
}
